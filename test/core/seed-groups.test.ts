import assert from 'node:assert/strict';
import { test } from 'node:test';
import { groupBySeed, rankGroups } from '../../src/core/seed-groups.js';

const runs = [
  { settings: { 'loss.type': 'lsgan', seed: 0, lr: 0.001 }, fid: 8 },
  { settings: { lr: 0.001, 'loss.type': 'hinge', seed: 0 }, fid: 6 },
  { settings: { 'loss.type': 'lsgan', seed: 1, lr: 0.001 }, fid: 10 },
  { settings: { 'loss.type': 'hinge', seed: 1, lr: 0.001 }, fid: Number.NaN },
  { settings: { 'loss.type': 'lsgan', seed: 2, lr: 0.001 }, fid: 12 },
  { settings: { 'loss.type': 'wgan', seed: 2, lr: 0.001 }, fid: undefined },
  { settings: { 'loss.type': 'wgan', seed: 2, lr: 0.001, augment: [{ type: 'cutout' }] }, fid: 1 },
  { settings: { 'loss.type': 'wgan', seed: 2, lr: 0.001, augment: [{ type: 'color' }] }, fid: 2 },
];

test('runs that differ only in their seed form one group, with mean and sample spread of the finite values', () => {
  const groups = groupBySeed(
    runs,
    (run) => run.settings,
    (run) => run.fid,
  );
  assert.deepEqual(
    groups.map((group) => [group.settings['loss.type'], group.members.length, group.values, group.mean, group.spread]),
    [
      ['lsgan', 3, [8, 10, 12], 10, 2],
      ['hinge', 2, [6], 6, undefined],
      ['wgan', 1, [], undefined, undefined],
      ['wgan', 1, [1], 1, undefined],
      ['wgan', 1, [2], 2, undefined],
    ],
  );
  assert.deepEqual(groups[0].settings, { 'loss.type': 'lsgan', lr: '0.001' });
  assert.deepEqual(
    rankGroups(groups, 'min').map((group) => group.settings['loss.type']),
    ['wgan', 'wgan', 'hinge', 'lsgan', 'wgan'],
  );
  assert.equal(groups[4].settings.augment, '[{"type":"color"}]');
  assert.deepEqual(
    rankGroups(groups, 'max').map((group) => group.settings['loss.type']),
    ['lsgan', 'hinge', 'wgan', 'wgan', 'wgan'],
  );
});
