import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runName, valueText } from '../../src/config/settings.js';

test('a swept list of registry entries reads as their types and options, an empty list as []', () => {
  const augment = [{ type: 'translation', ratio: 0.125 }, { type: 'cutout' }];
  assert.equal(valueText(augment), '[translation(ratio=0.125),cutout]');
  assert.equal(valueText([]), '[]');
  assert.equal(valueText({ gamma: 10, every: [1, 2] }), '{gamma: 10, every: [1,2]}');
  assert.equal(valueText(0.0002), '0.0002');
  assert.equal(
    runName('', [
      ['train.augment', augment],
      ['seed', 1],
    ]),
    'augment=[translation(ratio=0.125),cutout] seed=1',
  );
});
