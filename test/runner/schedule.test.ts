import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { selectBackend } from '../../src/backend/select.js';
import { cacheDir } from '../../src/data/cache-dir.js';
import { firstExamples } from '../../src/data/image-set.js';
import { buildGan } from '../../src/models/build-gan.js';
import { datasets } from '../../src/registry/datasets.js';
import { wgan } from '../../src/registry/losses/wgan.js';
import type { RunContext } from '../../src/runner/callbacks/callback.js';
import { measured } from '../../src/runner/callbacks/measured.js';
import { runContext } from '../../src/runner/callbacks/run-context.js';
import { firesAtEpochEnd, firesAtStep, firingsAfter } from '../../src/runner/callbacks/schedule.js';
import { train } from '../../src/runner/loop/trainer.js';
import { initialState } from '../../src/runner/loop/training-state.js';
import { remainingSeconds } from '../../src/runner/progress/eta.js';
import { createProgress } from '../../src/runner/progress/progress-output.js';
import { planTraining, updates } from '../../src/runner/progress/training-plan.js';
import { tinyExperiment } from '../helpers/experiments.js';

const warmup = wgan.create({ clip: 0.01, critic_warmup: true }).criticSteps;
const warmupSteps = (step: number) => warmup?.(step, 5) ?? 5;

describe('the training plan', () => {
  before(() => selectBackend('cpu'));

  it("ends epochs and the run where the trainer's loop does (n_critic, max_steps)", async () => {
    const mnist = await datasets
      .get('mnist')
      .load({ type: 'mnist' }, 'train', { cacheDir: cacheDir(), download: false });
    // The tiny experiment: 64 images, 8 batches an epoch.
    for (const [nCritic, maxSteps] of [
      [1, undefined],
      [3, undefined],
      [1, 8],
      [3, 5],
      [3, 4],
    ] as const) {
      const overrides = [
        `train.n_critic=${nCritic}`,
        'train.epochs=2',
        ...(maxSteps ? [`train.max_steps=${maxSteps}`] : []),
      ];
      const experiment = tinyExperiment(overrides);
      const state = initialState(experiment.seed);
      const gan = buildGan(experiment, [28, 28, 1], state);
      const epochEnds: number[] = [];
      const data = firstExamples(mnist, experiment.data.limit);
      const callbacks = [{ onEpochEnd: async ({ state: s }: RunContext) => void epochEnds.push(s.step) }];
      const setup = { gan, data, model: experiment.model, train: experiment.train, seed: experiment.seed };
      await train(setup, runContext({ state, callbacks }), callbacks);
      gan.generator.dispose();
      gan.discriminator.dispose();
      const plan = planTraining({ batchesPerEpoch: 8, epochs: 2, maxSteps, criticSteps: () => nCritic });
      assert.deepEqual(plan, { steps: state.step, epochEnds }, `n_critic ${nCritic}, max_steps ${maxSteps}`);
    }
  });

  it("counts WGAN's warm-up: 100 critic steps per G step for the first 25 and every 500th", () => {
    const plan = planTraining({ batchesPerEpoch: 1000, epochs: 5, criticSteps: warmupSteps });
    // Epochs 1 and 2: 10 warm-up steps each; 3: 5 more (500 batches) then 100 of 5; 4: 200 of 5;
    // 5: 175 of 5, step 500 of 100, and 5 of 5 in the 25 batches left.
    assert.deepEqual(plan.epochEnds, [10, 20, 125, 325, 506]);
    assert.equal(plan.steps, 506);
    assert.equal(updates(warmupSteps, 0, 25), 25 * 101);
    assert.equal(updates(warmupSteps, 25, 30), 5 * 6);
    assert.equal(updates(warmupSteps, 500, 501), 101);
  });

  it('stops where the trainer refuses a step that needs more batches than an epoch has', () => {
    assert.deepEqual(planTraining({ batchesPerEpoch: 50, epochs: 3, criticSteps: warmupSteps }), {
      steps: 0,
      epochEnds: [],
    });
  });
});

describe('schedules', () => {
  const plan = { steps: 10, epochEnds: [3, 6, 9] };

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

  it('count what is left, once per step, the end of the run included', () => {
    // Steps 4 and 8, epoch ends 3, 6 and 9, and the end (10).
    assert.equal(firingsAfter({ everyEpochs: 1, everySteps: 4 }, plan, 0), 6);
    assert.equal(firingsAfter({ everyEpochs: 1, everySteps: 4 }, plan, 8), 2);
    // Steps 3, 6, 9 are also epoch ends; 10 is the end.
    assert.equal(firingsAfter({ everyEpochs: 1, everySteps: 3 }, plan, 0), 4);
    // Only the end; an end on a scheduled step counts once.
    assert.equal(firingsAfter({ everyEpochs: 0, everySteps: 0 }, plan, 0), 1);
    assert.equal(firingsAfter({ everyEpochs: 0, everySteps: 5 }, plan, 0), 2);
    assert.equal(firingsAfter({ everyEpochs: 0, everySteps: 5 }, plan, 10), 0);
  });

  it('are timed as they happen: the hooks, with one occurrence per step where the schedule fires', async () => {
    let clock = 0;
    const callback = {
      async onStepEnd() {
        clock += 3;
      },
      async onEpochEnd() {
        clock += 5;
      },
    };
    const timed = measured(callback, { everyEpochs: 1, everySteps: 2 }, () => clock);
    const context = runContext({ state: { step: 0, epoch: 0, batch: 0, random: [], dropoutCalls: 0 }, callbacks: [] });
    await timed.onRunStart?.(context);
    const at = (step: number, epoch: number) => Object.assign(context, { state: { ...context.state, step, epoch } });
    await timed.onStepEnd?.(at(1, 0), {}); // not scheduled: timed, not counted
    await timed.onStepEnd?.(at(2, 0), {});
    await timed.onEpochEnd?.(at(2, 1), {}); // the same step: one occurrence
    await timed.onEpochEnd?.(at(3, 2), {});
    assert.deepEqual(context.scheduled, [
      { schedule: { everyEpochs: 1, everySteps: 2 }, cost: { seconds: (3 + 3 + 5 + 5) / 1000, count: 2 } },
    ]);
  });
});

describe('the ETA', () => {
  it('adds the scheduled side effects still to come at their measured cost to the training left', () => {
    const inputs = { trainingSeconds: 10, updatesDone: 100, updatesLeft: 50 };
    assert.equal(remainingSeconds({ ...inputs, sideEffects: [] }), 5);
    assert.equal(
      remainingSeconds({
        ...inputs,
        sideEffects: [
          { seconds: 8, count: 2, remaining: 3 }, // 4 s each
          { seconds: 0, count: 0, remaining: 9 }, // not measured yet
        ],
      }),
      5 + 12,
    );
    assert.equal(remainingSeconds({ ...inputs, updatesDone: 0, sideEffects: [] }), undefined);
  });

  it('counts the epochs toward --max-steps: a 40-step run of 1000 epochs is on epoch 1/1', () => {
    const lines: string[] = [];
    const stream = { isTTY: false, write: (text: string) => lines.push(text) } as unknown as NodeJS.WriteStream;
    const criticSteps = () => 1;
    const short = planTraining({ batchesPerEpoch: 468, epochs: 1000, maxSteps: 40, criticSteps });
    createProgress({ plan: short, epochs: 1000, criticSteps, sideEffects: [] }, stream, () => 0).step(1, 0, {});
    assert.match(lines.at(-1) ?? '', /^epoch 1\/1 · step 1\/40 /);
    // 20 steps an epoch, 50 steps: epochs 1, 2 and half of 3.
    const over = planTraining({ batchesPerEpoch: 20, epochs: 1000, maxSteps: 50, criticSteps });
    const bar = createProgress({ plan: over, epochs: 1000, criticSteps, sideEffects: [] }, stream, () => 0);
    bar.epoch(2, {});
    assert.match(lines.at(-1) ?? '', /^epoch 2\/3\n/);
  });

  it("on the progress line, counts a warm-up's critic steps and the sample grids still scheduled", () => {
    let now = 0;
    const lines: string[] = [];
    const stream = { isTTY: true, write: (text: string) => lines.push(text) } as unknown as NodeJS.WriteStream;
    // Steps 0-4 take 20 critic steps each, the rest 1: 21 updates, then 2.
    const criticSteps = (step: number) => (step < 5 ? 20 : 1);
    const cost = { seconds: 0, count: 0 };
    const sideEffects = [{ schedule: { everyEpochs: 0, everySteps: 5 }, cost }];
    const plan = planTraining({ batchesPerEpoch: 1000, epochs: 1, maxSteps: 20, criticSteps });
    const bar = createProgress({ plan, epochs: 1, criticSteps, sideEffects }, stream, () => now);
    const update = 10; // ms
    bar.step(1, 0, {}); // the origin
    for (let step = 2; step <= 5; step++) {
      now += 21 * update;
      bar.step(step, 0, {});
    }
    // Steps 6-20: 30 updates, 0.3 s. No grid measured yet.
    assert.match(lines.at(-1) ?? '', /step 5\/20 .* ETA 0s$/);
    // The grid of step 5 takes 2 s; steps 10, 15 and 20 will have one.
    now += 2000;
    [cost.seconds, cost.count] = [2, 1];
    now += 2 * update;
    bar.step(6, 0, {});
    // 28 updates (0.28 s) and 3 grids (6 s).
    assert.match(lines.at(-1) ?? '', /step 6\/20 .* ETA 6s$/);
    assert.match(lines.at(-1) ?? '', / 5\.81 it\/s /); // 5 steps in 0.86 s of training, the grid not counted
  });
});
