import assert from 'node:assert/strict';
import { it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { FlatAdam } from '../../src/registry/flat-adam.js';
import { describeOnEachBackend } from '../helpers/backends.js';

const shapes = [[3, 4], [5], [2, 2, 3], [1], [], [64, 30]];
const settings = [0.01, 0.5, 0.999, 1e-7] as const;
const tfjsAdam = () => tf.train.adam(...settings);
const flatAdam = () => new FlatAdam(...settings);

type Trainee = { weights: tf.Variable[]; step(optimizer: tf.Optimizer, skip?: number): void };

/** The same seeded weights and gradients for every optimizer; `skip` gives one weight a null gradient. */
function trainee(): Trainee {
  const weights = shapes.map((shape, i) => tf.variable(tf.randomNormal(shape, 0, 1, 'float32', 7 + i)));
  let steps = 0;
  return {
    weights,
    step(optimizer, skip) {
      const seed = 1000 + 100 * steps++;
      const gradients = weights.map((weight, i) => ({
        name: weight.name,
        tensor: i === skip ? (null as unknown as tf.Tensor) : tf.randomNormal(weight.shape, 0, 1, 'float32', seed + i),
      }));
      optimizer.applyGradients(gradients);
      tf.dispose(gradients.map((gradient) => gradient.tensor).filter(Boolean));
    },
  };
}

const values = (tensors: tf.Tensor[]) => tensors.map((tensor) => Array.from(tensor.dataSync()));

async function state(optimizer: tf.Optimizer) {
  const saved = await optimizer.getWeights();
  return { names: saved.map((weight) => weight.name), values: values(saved.map((weight) => weight.tensor)) };
}

describeOnEachBackend("FlatAdam: tfjs's Adam on all weights at once", () => {
  it("updates weights and moments to tfjs's bits, getWeights names them as tfjs does, and holds no more tensors as it goes", async () => {
    const [ours, theirs] = [trainee(), trainee()];
    const [flat, stock] = [flatAdam(), tfjsAdam()];
    let tensors = 0;
    for (let i = 0; i < 6; i++) {
      ours.step(flat);
      theirs.step(stock);
      if (i === 1) tensors = tf.memory().numTensors;
    }
    assert.equal(tf.memory().numTensors, tensors, 'tensors left behind by a step');
    assert.deepEqual(values(ours.weights), values(theirs.weights));
    const [mine, reference] = [await state(flat), await state(stock)];
    const names = (run: Trainee) =>
      ['iter', 'm', 'v'].flatMap((slot) =>
        slot === 'iter' ? [slot] : run.weights.map((weight) => `${weight.name}/${slot}`),
      );
    assert.deepEqual(reference.names, names(theirs));
    assert.deepEqual(mine.names, names(ours));
    assert.deepEqual(mine.values, reference.values);
    ours.step(flat); // after getWeights, the flat form is rebuilt from the per-weight one
    theirs.step(stock);
    assert.deepEqual(values(ours.weights), values(theirs.weights));

    tensors = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      tf.dispose((await flat.getWeights())[0].tensor); // the iteration count is made for the caller
      ours.step(flat);
    }
    assert.equal(tf.memory().numTensors, tensors, 'tensors left behind by getWeights and the step after it');
  });

  it("resumes from tfjs's Adam state and from its own (a checkpoint's round trip), as tfjs's Adam does", async () => {
    const resumed = async (first: tf.Optimizer, second: tf.Optimizer) => {
      const run = trainee();
      for (let i = 0; i < 3; i++) run.step(first);
      await second.setWeights(await first.getWeights());
      for (let i = 0; i < 3; i++) run.step(second);
      return values(run.weights);
    };
    const reference = await resumed(tfjsAdam(), tfjsAdam());
    assert.deepEqual(await resumed(flatAdam(), flatAdam()), reference);
    assert.deepEqual(await resumed(tfjsAdam(), flatAdam()), reference);
    assert.deepEqual(await resumed(flatAdam(), tfjsAdam()), reference);
  });

  it('a step where a weight has no gradient leaves it and its moments as tfjs does', async () => {
    const [ours, theirs] = [trainee(), trainee()];
    const [flat, stock] = [flatAdam(), tfjsAdam()];
    for (const skip of [undefined, 2, undefined]) {
      ours.step(flat, skip);
      theirs.step(stock, skip);
    }
    assert.deepEqual(values(ours.weights), values(theirs.weights));
  });

  it("runs a fraction of tfjs's kernels", async () => {
    const kernels = async (optimizer: tf.Optimizer) => {
      const run = trainee();
      run.step(optimizer);
      return (await tf.profile(() => run.step(optimizer))).kernels.length;
    };
    const [ours, theirs] = [await kernels(flatAdam()), await kernels(tfjsAdam())];
    assert.ok(ours * 2 < theirs, `${ours} kernels, tfjs's Adam ${theirs}`);
  });
});
