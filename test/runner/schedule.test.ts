import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { firesAtEpochEnd, firesAtStep } from '../../src/runner/schedule.js';

describe('schedules', () => {
  it('fire every N steps and every N epochs', () => {
    const schedule = { everyEpochs: 2, everySteps: 4 };
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6, 7, 8].filter((step) => firesAtStep(schedule, step)),
      [4, 8],
    );
    assert.deepEqual(
      [1, 2, 3, 4].filter((epoch) => firesAtEpochEnd(schedule, epoch)),
      [2, 4],
    );
    assert.equal(firesAtStep({ everyEpochs: 1, everySteps: 0 }, 0), false); // 0: not by steps
    assert.equal(firesAtEpochEnd({ everyEpochs: 0, everySteps: 1 }, 2), false);
  });
});
