import * as tf from '@tensorflow/tfjs-core';

type Slot = { originalName: string; variable: tf.Variable };
type Gradients = Parameters<tf.AdamOptimizer['applyGradients']>[0];
type NamedTensor = { name: string; tensor: tf.Tensor };

/** Where tfjs's Adam keeps its state (private there). */
interface AdamState {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: Slot[];
  accumulatedSecondMoment: Slot[];
}

/**
 * tfjs's Adam, computed on all of a model's weights at once. tfjs updates each weight with a dozen tensor ops of
 * its own; on native TensorFlow an op costs 40-70 us however small its tensor, and Adam was a quarter of a
 * quickstart step's ops. Here the gradients, the weights and each moment are one flat vector, updated by the same
 * operations in the same order (so to the same bits), then cut back into the weights. The moments stay flat between
 * steps and take tfjs's per-weight form for getWeights and from setWeights: checkpoints are tfjs's own.
 */
export class FlatAdam extends tf.AdamOptimizer {
  private flat?: { names: string[]; m: tf.Variable; v: tf.Variable };

  override applyGradients(variableGradients: Gradients): void {
    const gradients: Record<string, tf.Tensor | null> = Array.isArray(variableGradients)
      ? Object.fromEntries(variableGradients.map(({ name, tensor }) => [name, tensor]))
      : variableGradients;
    const names = Object.keys(gradients);
    if (names.some((name) => gradients[name] == null)) {
      // tfjs leaves a weight without a gradient, and its moments, as they are: its own code does that.
      this.toPerWeight();
      super.applyGradients(variableGradients);
      return;
    }
    const weights = names.map((name) => tf.engine().registeredVariables[name]);
    const { m, v } = this.toFlat(names, weights);
    const { accBeta1, accBeta2 } = this as unknown as AdamState;
    tf.tidy(() => {
      const oneMinusAccBeta1 = tf.sub(1, accBeta1);
      const oneMinusAccBeta2 = tf.sub(1, accBeta2);
      const gradient = flatten(names.map((name) => gradients[name] as tf.Tensor));
      const value = flatten(weights);
      const newFirstMoment = tf.add(tf.mul(m, this.beta1), tf.mul(gradient, 1 - this.beta1));
      const newSecondMoment = tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(gradient), 1 - this.beta2));
      const biasCorrectedFirstMoment = tf.div(newFirstMoment, oneMinusAccBeta1);
      const biasCorrectedSecondMoment = tf.div(newSecondMoment, oneMinusAccBeta2);
      m.assign(newFirstMoment);
      v.assign(newSecondMoment);
      const newValue = tf.add(
        tf.mul(
          tf.div(biasCorrectedFirstMoment, tf.add(tf.sqrt(biasCorrectedSecondMoment), this.epsilon)),
          -this.learningRate,
        ),
        value,
      );
      for (const [i, part] of unflatten(newValue, weights).entries()) weights[i].assign(part);
      accBeta1.assign(tf.mul(accBeta1, this.beta1));
      accBeta2.assign(tf.mul(accBeta2, this.beta2));
    });
    this.incrementIterations();
  }

  override async getWeights(): Promise<NamedTensor[]> {
    this.toPerWeight();
    return super.getWeights();
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    this.disposeFlat();
    await super.setWeights(weightValues);
  }

  override dispose(): void {
    this.disposeFlat();
    super.dispose();
  }

  /** The moments as flat vectors for these weights, from tfjs's per-weight slots (zeros where there are none). */
  private toFlat(names: string[], weights: tf.Variable[]): { m: tf.Variable; v: tf.Variable } {
    if (this.flat?.names.length === names.length && this.flat.names.every((name, i) => name === names[i])) {
      return this.flat;
    }
    this.toPerWeight();
    const state = this as unknown as AdamState;
    // As in tfjs, slot i belongs to the i-th gradient.
    const join = (slots: Slot[]) =>
      tf.tidy(() => flatten(weights.map((weight, i) => slots[i]?.variable ?? tf.zerosLike(weight))).variable(false));
    this.flat = { names, m: join(state.accumulatedFirstMoment), v: join(state.accumulatedSecondMoment) };
    tf.dispose([...state.accumulatedFirstMoment, ...state.accumulatedSecondMoment].map((slot) => slot.variable));
    state.accumulatedFirstMoment = [];
    state.accumulatedSecondMoment = [];
    return this.flat;
  }

  /** The flat moments back into tfjs's per-weight slots, named as tfjs names them. */
  private toPerWeight(): void {
    if (!this.flat) return;
    const { names, m, v } = this.flat;
    const weights = names.map((name) => tf.engine().registeredVariables[name]);
    const cut = (flat: tf.Variable, suffix: string): Slot[] =>
      tf.tidy(() =>
        unflatten(flat, weights).map((part, i) => ({
          originalName: `${names[i]}/${suffix}`,
          variable: part.variable(false),
        })),
      );
    const state = this as unknown as AdamState;
    state.accumulatedFirstMoment = cut(m, 'm');
    state.accumulatedSecondMoment = cut(v, 'v');
    this.disposeFlat();
  }

  private disposeFlat(): void {
    if (this.flat) tf.dispose([this.flat.m, this.flat.v]);
    this.flat = undefined;
  }
}

function flatten(tensors: tf.Tensor[]): tf.Tensor1D {
  return tf.concat(tensors.map((tensor) => tf.reshape(tensor, [tensor.size]))) as tf.Tensor1D;
}

/** A flat vector cut back into the weights' shapes. */
function unflatten(flat: tf.Tensor, weights: tf.Variable[]): tf.Tensor[] {
  return tf
    .split(
      flat,
      weights.map((weight) => weight.size),
    )
    .map((part, i) => tf.reshape(part, weights[i].shape));
}
