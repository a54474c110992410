import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../src/backend/select.js';
import { createRandom } from '../../src/random.js';

await selectBackend('cpu');
await selectBackend('tensorflow');
await selectBackend('wasm');
const random = createRandom(11);

const values = (size: number) => Float32Array.from({ length: size }, () => random.normal());
const between = (lo: number, hi: number) => lo + random.int(hi - lo + 1);

type Backend = 'cpu' | 'wasm' | 'tensorflow';

/** Runs `f` on a backend and returns its result as plain numbers. */
async function on(backend: Backend, f: () => tf.Tensor): Promise<Float32Array> {
  await tf.setBackend(backend);
  return tf.tidy(() => f().dataSync() as Float32Array);
}

async function sameOnBoth(f: () => tf.Tensor, what: string, backend: Backend = 'wasm') {
  const expected = await on('cpu', f);
  const actual = await on(backend, f);
  assert.equal(actual.length, expected.length, what);
  const scale = Math.max(...expected.map(Math.abs), 1e-12);
  const error = Math.max(...actual.map((value, i) => Math.abs(value - expected[i]))) / scale;
  assert.ok(error <= 1e-4, `${backend}, ${what}: relative error ${error}`);
}

type Pad = 'same' | 'valid' | [[0, 0], [number, number], [number, number], [0, 0]];

describe("gx's kernels for the wasm and tensorflow backends, against the cpu backend", () => {
  const cases: { stride: number; pad: Pad; kernel: [number, number]; batch: number }[] = [];
  for (const stride of [1, 2]) {
    for (const pad of ['same', 'valid'] as const) {
      for (const kernel of [
        [3, 3],
        [2, 5],
        [5, 2],
      ] as [number, number][]) {
        for (const batch of [1, 3]) cases.push({ stride, pad, kernel, batch });
      }
    }
    cases.push({
      stride,
      pad: [
        [0, 0],
        [2, 1],
        [0, 3],
        [0, 0],
      ],
      kernel: [3, 2],
      batch: 2,
    });
  }

  it('Conv2DBackpropFilter and Conv2DBackpropInput: strides 1 and 2, same, valid and explicit padding, non-square kernels, batch 1 and more, few channels and 8 or more (below 8, tensorflow keeps its own kernel)', async () => {
    for (const { stride, pad, kernel, batch } of cases) {
      const [height, width, inChannels, outChannels] = [
        between(kernel[0] + 2, 13),
        between(kernel[1] + 2, 11),
        batch === 1 ? between(1, 4) : between(8, 12),
        between(1, 5),
      ];
      const xShape: [number, number, number, number] = [batch, height, width, inChannels];
      const wShape: [number, number, number, number] = [...kernel, inChannels, outChannels];
      const [x, w] = [
        values(batch * height * width * inChannels),
        values(kernel[0] * kernel[1] * inChannels * outChannels),
      ];
      const outShape = tf.backend_util.computeConv2DInfo(xShape, wShape, stride, 1, pad).outShape;
      const dy = values(outShape.reduce((a, b) => a * b, 1));
      const what = `stride ${stride} pad ${JSON.stringify(pad)} kernel ${kernel} x ${xShape}`;
      const objective = (xt: tf.Tensor4D, wt: tf.Tensor4D) =>
        tf.sum(tf.mul(tf.conv2d(xt, wt, stride, pad), tf.tensor(dy, outShape)));
      await sameOnBoth(
        () => tf.grad((wt: tf.Tensor) => objective(tf.tensor4d(x, xShape), wt as tf.Tensor4D))(tf.tensor4d(w, wShape)),
        `filter gradient, ${what}`,
      );
      for (const backend of ['wasm', 'tensorflow'] as const) {
        await sameOnBoth(
          () =>
            tf.grad((xt: tf.Tensor) => objective(xt as tf.Tensor4D, tf.tensor4d(w, wShape)))(tf.tensor4d(x, xShape)),
          `input gradient, ${what}`,
          backend,
        );
      }
    }
  });

  it('the transposed convolution (Conv2DBackpropInput as a forward pass) of a DCGAN generator', async () => {
    for (const batch of [1, 4]) {
      const [dy, w] = [values(batch * 7 * 7 * 6), values(5 * 5 * 3 * 6)];
      await sameOnBoth(
        () =>
          tf.conv2dTranspose(
            tf.tensor4d(dy, [batch, 7, 7, 6]),
            tf.tensor4d(w, [5, 5, 3, 6]),
            [batch, 14, 14, 3],
            2,
            'same',
          ),
        `batch ${batch}`,
      );
    }
  });

  it('UnsortedSegmentSum, and through it the gradient of a class embedding', async () => {
    for (const [rows, segments, width] of [
      [1, 3, 4],
      [7, 10, 5],
      [40, 10, 16],
    ]) {
      const x = values(rows * width);
      const ids = Int32Array.from({ length: rows }, () => random.int(segments));
      await sameOnBoth(
        () => tf.unsortedSegmentSum(tf.tensor2d(x, [rows, width]), tf.tensor1d(ids, 'int32'), segments),
        `${rows} rows`,
      );
      const table = values(segments * width);
      await sameOnBoth(
        () =>
          tf.grad((t: tf.Tensor) =>
            tf.sum(tf.mul(tf.gather(t, tf.tensor1d(ids, 'int32')), tf.tensor2d(x, [rows, width]))),
          )(tf.tensor2d(table, [segments, width])),
        `embedding ${rows}`,
      );
    }
  });

  it("Tile: repeats of size-1 axes (a broadcast, as batch norm's gradient tiles) and of longer axes", async () => {
    for (const [shape, reps] of [
      [
        [1, 1, 1, 5],
        [4, 3, 2, 1],
      ],
      [
        [1, 7],
        [6, 1],
      ],
      [
        [3, 1],
        [1, 4],
      ],
      [
        [2, 3],
        [2, 2],
      ],
      [
        [1, 2, 1],
        [3, 2, 1],
      ],
    ]) {
      const x = values(shape.reduce((a, b) => a * b, 1));
      await sameOnBoth(() => tf.tile(tf.tensor(x, shape), reps), `${shape} by ${reps}`);
    }
  });

  it('Slice and SplitV: contiguous parts (copied from the heap directly) and strided ones, on every axis', async () => {
    const x = values(4 * 6 * 5);
    const exact = async (f: () => tf.Tensor, what: string) =>
      assert.deepEqual(await on('wasm', f), await on('cpu', f), what);
    for (const [begin, size] of [
      [
        [1, 0, 0],
        [2, 6, 5],
      ],
      [
        [2, 3, 0],
        [1, 2, 5],
      ],
      [
        [0, 0, 1],
        [4, 6, 3],
      ],
      [
        [1, 2, 3],
        [3, 4, 2],
      ],
    ]) {
      await exact(() => tf.slice(tf.tensor3d(x, [4, 6, 5]), begin, size), `slice ${begin} ${size}`);
    }
    await exact(() => tf.slice(tf.tensor1d(x), 17, 40), 'slice of a vector');
    for (const axis of [0, 1, 2]) {
      const sizes = [
        [1, 3],
        [2, 1, 3],
        [4, 1],
      ][axis];
      for (const [i] of sizes.entries()) {
        await exact(() => tf.split(tf.tensor3d(x, [4, 6, 5]), sizes, axis)[i], `split on axis ${axis}, part ${i}`);
      }
    }
  });

  it("frees every buffer its kernels make inside the backend (a leak there is out of tf.memory()'s sight)", async () => {
    const x = values(2 * 9 * 8 * 3);
    const w = values(5 * 5 * 3 * 4);
    const dy = values(2 * 5 * 4 * 4);
    const steps = () => {
      tf.tidy(() => {
        const [xt, wt] = [tf.tensor4d(x, [2, 9, 8, 3]), tf.tensor4d(w, [5, 5, 3, 4])];
        const objective = (input: tf.Tensor4D, filter: tf.Tensor4D) =>
          tf.sum(tf.mul(tf.conv2d(input, filter, 2, 'same'), tf.tensor4d(dy, [2, 5, 4, 4])));
        tf.grad((input: tf.Tensor) => objective(input as tf.Tensor4D, wt))(xt);
        tf.grad((filter: tf.Tensor) => objective(xt, filter as tf.Tensor4D))(wt);
        tf.tile(tf.tensor4d([1, 2, 3], [1, 1, 1, 3]), [2, 4, 4, 1]);
        tf.matMul(tf.tensor2d(x.slice(0, 12), [4, 3]), tf.tensor2d(w.slice(0, 12), [4, 3]), true);
        tf.unsortedSegmentSum(tf.tensor2d(x.slice(0, 12), [4, 3]), tf.tensor1d([0, 2, 0, 1], 'int32'), 3);
        tf.split(tf.tensor1d(x), [400, 32]);
      });
    };
    for (const backend of ['wasm', 'tensorflow'] as const) {
      await tf.setBackend(backend);
      steps();
      const before = tf.backend().numDataIds();
      for (let i = 0; i < 5; i++) steps();
      assert.equal(tf.backend().numDataIds(), before, `${backend}: buffers left behind`);
    }
  });

  it("tensorflow: step (NaN, alpha 0 and not, through ReLU's gradient), and a reshape or cast that changes nothing shares its buffer", async () => {
    const x = Float32Array.from([...values(40), Number.NaN, 0, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]);
    const dy = values(x.length);
    for (const alpha of [0, 0.3]) {
      const expected = await on('cpu', () => tf.step(tf.tensor1d(x), alpha));
      assert.deepEqual(await on('tensorflow', () => tf.step(tf.tensor1d(x), alpha)), expected, `alpha ${alpha}`);
    }
    const reluGradient = () =>
      tf.grad((input: tf.Tensor) => tf.sum(tf.mul(tf.relu(input), tf.tensor1d(dy))))(tf.tensor1d(x));
    assert.deepEqual(await on('tensorflow', reluGradient), await on('cpu', reluGradient));

    await tf.setBackend('tensorflow');
    const t = tf.tensor2d(values(6), [2, 3]);
    const buffers = tf.backend().numDataIds();
    const same = [tf.reshape(t, [2, 3]), tf.cast(t, 'float32')];
    assert.equal(tf.backend().numDataIds(), buffers, 'a reshape or cast to what the tensor is made a new buffer');
    const changed = [tf.reshape(t, [3, 2]), tf.cast(t, 'int32')];
    assert.deepEqual(changed[0].shape, [3, 2]);
    assert.deepEqual(Array.from(changed[1].dataSync()), Array.from(Int32Array.from(t.dataSync())));
    tf.dispose([t, ...changed]);
    for (const tensor of same)
      assert.deepEqual(tensor.dataSync(), same[1].dataSync(), 'the shared buffer outlives the tensor it came from');
    tf.dispose(same);
  });

  it('BatchMatMul with either operand transposed, batched or not', async () => {
    for (const [batch, m, k, n] of [
      [1, 3, 4, 5],
      [2, 7, 1, 3],
      [3, 16, 9, 1],
    ]) {
      const [a, b] = [values(batch * m * k), values(batch * k * n)];
      for (const [transposeA, transposeB] of [
        [false, false],
        [true, false],
        [false, true],
        [true, true],
      ]) {
        await sameOnBoth(
          () =>
            tf.matMul(
              tf.tensor3d(a, transposeA ? [batch, k, m] : [batch, m, k]),
              tf.tensor3d(b, transposeB ? [batch, n, k] : [batch, k, n]),
              transposeA,
              transposeB,
            ),
          `${batch}x${m}x${k}x${n} ${transposeA} ${transposeB}`,
        );
      }
      await sameOnBoth(
        () => tf.matMul(tf.tensor2d(a.slice(0, m * k), [k, m]), tf.tensor2d(b.slice(0, k * n), [k, n]), true),
        '2-D',
      );
    }
  });
});
