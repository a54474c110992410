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
    ],
  );
  assert.deepEqual(groups[0].settings, { 'loss.type': 'lsgan', lr: '0.001' });
  assert.deepEqual(
    rankGroups(groups, 'min').map((group) => group.settings['loss.type']),
    ['hinge', 'lsgan', 'wgan'],
  );
  assert.deepEqual(
    rankGroups(groups, 'max').map((group) => group.settings['loss.type']),
    ['lsgan', 'hinge', 'wgan'],
  );
});
