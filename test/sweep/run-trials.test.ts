import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ResolvedExperiment } from '../../src/config/experiment.js';
import type { SweepRecord } from '../../src/sweep/record.js';
import { runTrials } from '../../src/sweep/run-trials.js';
import type { TrialExecutor, TrialOutcome, TrialTask } from '../../src/sweep/trial-executor.js';
import type { Tracker } from '../../src/tracking/tracker.js';

/** An executor that runs one trial at a time, in this process, with the outcome the test gives each trial. */
function fakeExecutor(outcomes: Record<number, TrialOutcome>, handed: TrialTask[]): TrialExecutor {
  return {
    async run(next, listener) {
      for (let task = await next(); task; task = await next()) {
        handed.push(task);
        await listener.started(task);
        await listener.ended(task, outcomes[task.trial.index]);
      }
    },
  };
}

function sweepOf(count: number): SweepRecord {
  return {
    id: 'tiny-sweep-1',
    experiment: 'tiny.yaml',
    metric: 'g_loss',
    mode: 'min',
    parent: { store: 'mlruns' },
    trials: Array.from({ length: count }, (_, i) => ({ index: i + 1, values: { lr: i }, status: 'PENDING' as const })),
  };
}

const planned = new Map([1, 2, 3].map((index) => [index, { name: `trial ${index}` } as unknown as ResolvedExperiment]));
const parent = { runId: 'parent-run' } as Tracker;
const finished = (index: number): TrialOutcome => ({
  status: 'FINISHED',
  runDir: `runs/${index}`,
  runId: `run-${index}`,
  metrics: { g_loss: index },
});

describe('handing trials to an executor', () => {
  it('gives each trial as plain data and records what the executor reports', async () => {
    const record = sweepOf(3);
    const handed: TrialTask[] = [];
    const saved: string[] = [];
    const save = async () => {
      saved.push(record.trials.map((trial) => trial.status).join(','));
    };
    const executor = fakeExecutor(
      { 1: finished(1), 2: { status: 'FAILED', error: 'diverged' }, 3: finished(3) },
      handed,
    );
    await runTrials('sweep', record, parent, executor, { stop: new AbortController().signal }, planned, save);
    assert.deepEqual(handed[1], {
      sweepId: 'tiny-sweep-1',
      trial: { index: 2, values: { lr: 1 } },
      parentRunId: 'parent-run',
      run: { experiment: planned.get(2) },
      maxSteps: undefined,
      backend: undefined,
    });
    assert.deepEqual(
      record.trials.map((trial) => [trial.status, trial.runId, trial.error]),
      [
        ['FINISHED', 'run-1', undefined],
        ['FAILED', undefined, 'diverged'],
        ['FINISHED', 'run-3', undefined],
      ],
    );
    assert.equal(saved[0], 'RUNNING,PENDING,PENDING');
    assert.equal(saved.at(-1), 'FINISHED,FAILED,FINISHED');
  });

  it('hands out no more trials after a failure with failFast, or once stopped', async () => {
    const failing = sweepOf(3);
    const outcomes = { 1: { status: 'FAILED', error: 'crashed' } as TrialOutcome, 2: finished(2), 3: finished(3) };
    const stop = new AbortController();
    const options = { failFast: true, stop: stop.signal };
    await runTrials('sweep', failing, parent, fakeExecutor(outcomes, []), options, planned, async () => {});
    assert.deepEqual(
      failing.trials.map((trial) => trial.status),
      ['FAILED', 'PENDING', 'PENDING'],
    );

    const stopped = sweepOf(3);
    stop.abort();
    await runTrials(
      'sweep',
      stopped,
      parent,
      fakeExecutor(outcomes, []),
      { stop: stop.signal },
      planned,
      async () => {},
    );
    assert.deepEqual(
      stopped.trials.map((trial) => trial.status),
      ['PENDING', 'PENDING', 'PENDING'],
    );
  });

  it('continues a stopped trial from its run folder and leaves finished and failed ones alone', async () => {
    const record = sweepOf(3);
    Object.assign(record.trials[0], { status: 'FINISHED' });
    Object.assign(record.trials[1], { status: 'STOPPED', runDir: 'runs/2' });
    Object.assign(record.trials[2], { status: 'FAILED' });
    const handed: TrialTask[] = [];
    await runTrials(
      'sweep',
      record,
      parent,
      fakeExecutor({ 2: finished(2) }, handed),
      { stop: new AbortController().signal },
      planned,
      async () => {},
    );
    assert.deepEqual(
      handed.map((task) => [task.trial.index, task.run]),
      [[2, { resume: 'runs/2' }]],
    );
    assert.equal(record.trials[1].status, 'FINISHED');
  });
});
