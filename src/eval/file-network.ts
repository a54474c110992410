import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { EvalNetworkConfig } from '../config/experiment.js';
import { sha256 } from '../core/sha256.js';
import { GxError } from '../errors.js';
import type { Features } from '../registry/metrics/moments.js';
import type { FeatureNetwork } from './feature-network.js';

/** Images the network reads at once: an ImageNet network at 299x299 holds a lot per image. */
const BATCH = 32;

type FileNetworkConfig = Extract<EvalNetworkConfig, { type: 'file' }>;

/**
 * A user's own network as gx's feature network: a TensorFlow.js layers model (model.json and its weight shards, as
 * `tensorflowjs_converter --output_format tfjs_layers_model` writes a Keras model). Its features are `layer`'s
 * output (the model's output when not named), averaged over space when the layer is a feature map. Images are
 * resized (bilinear) to the model's input and grey ones repeated to 3 channels where it reads colour, so any folder
 * can be measured. Its id names the file and the SHA-256 of its bytes: another file is another network.
 */
export async function loadFileNetwork(
  config: FileNetworkConfig,
  data: { height: number; width: number; channels: number },
): Promise<FeatureNetwork> {
  const file = config.path.endsWith('.json') ? config.path : join(config.path, 'model.json');
  const folder = dirname(file);
  const text = await readFile(file, 'utf8').catch((error: Error) => {
    throw unreadable(file, error.message);
  });
  const modelJson = parse(file, text);
  const paths = modelJson.weightsManifest.flatMap((group) => group.paths);
  const shards = await Promise.all(
    paths.map((path) =>
      readFile(join(folder, path)).catch((error: Error) => {
        throw unreadable(file, `its weights ${path}: ${error.message}`);
      }),
    ),
  );
  const bytes = Buffer.concat(shards);
  const model = await tfl.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: modelJson.modelTopology,
      weightSpecs: modelJson.weightsManifest.flatMap((group) => group.weights),
      weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
    }),
  );
  const output = config.layer ? layerOutput(model, config.layer, file) : model.outputs[0];
  const featureModel = tfl.model({ inputs: model.inputs, outputs: output });
  const [, height, width, channels] = model.inputs[0].shape as (number | null)[];
  const size: [number, number] = [height ?? data.height, width ?? data.width];
  const wanted = channels ?? data.channels;
  if (wanted !== data.channels && !(wanted === 3 && data.channels === 1)) {
    throw new GxError(
      'EVAL_SHAPE',
      `${file} reads ${wanted}-channel images; the data has ${data.channels}`,
      'give a network made for images of this many channels',
    );
  }
  const digest = sha256(Buffer.from(text), bytes).slice(0, 12);
  const id = `file-${basename(folder)}-${config.layer ?? 'output'}-${digest}`.replace(/[^\w.-]+/g, '_');
  return {
    id,
    // The network takes any size and channels of the data: it resizes them itself.
    input: { ...data, range: config.range ?? [-1, 1] },
    facts: {},
    features: (images) => rows(featureModel, images, size, wanted),
    dispose: () => model.dispose(),
  };
}

function rows(network: tfl.LayersModel, images: tf.Tensor4D, size: [number, number], channels: number): Features {
  const parts: Float32Array[] = [];
  let dim = 0;
  for (let start = 0; start < images.shape[0]; start += BATCH) {
    const out = tf.tidy(() => {
      let batch = tf.slice(images, start, Math.min(BATCH, images.shape[0] - start)) as tf.Tensor4D;
      if (batch.shape[1] !== size[0] || batch.shape[2] !== size[1]) batch = tf.image.resizeBilinear(batch, size);
      if (batch.shape[3] !== channels) batch = tf.tile(batch, [1, 1, 1, channels]);
      const result = network.predict(batch) as tf.Tensor;
      // A feature map is averaged over space (Inception's pool3 is such an average): one vector per image.
      return result.rank > 2 ? tf.mean(result, [1, 2].slice(0, result.rank - 2)) : result;
    }) as tf.Tensor2D;
    dim = out.shape[1];
    parts.push(out.dataSync() as Float32Array);
    out.dispose();
  }
  const values = new Float64Array(images.shape[0] * dim);
  let offset = 0;
  for (const part of parts) {
    values.set(part, offset);
    offset += part.length;
  }
  return { count: images.shape[0], dim, values };
}

interface ModelJson {
  format?: string;
  modelTopology: object;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
}

function parse(file: string, text: string): ModelJson {
  let json: ModelJson;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw unreadable(file, (error as Error).message);
  }
  if (json.format === 'graph-model' || !json.modelTopology || !Array.isArray(json.weightsManifest)) {
    throw new GxError(
      'EVAL_NETWORK_FORMAT',
      `${file} is not a TensorFlow.js layers model${json.format ? ` (its format is ${json.format})` : ''}`,
      'convert the network with tensorflowjs_converter --output_format tfjs_layers_model',
    );
  }
  return json;
}

function layerOutput(model: tfl.LayersModel, name: string, file: string): tfl.SymbolicTensor {
  const layer = model.layers.find((candidate) => candidate.name === name);
  if (!layer) {
    const names = model.layers.slice(-5).map((candidate) => candidate.name);
    throw new GxError(
      'EVAL_NETWORK_LAYER',
      `${file} has no layer named ${name}`,
      `eval.network.layer names one of its layers; its last ones are ${names.join(', ')}`,
    );
  }
  return layer.output as tfl.SymbolicTensor;
}

function unreadable(file: string, why: string): GxError {
  return new GxError(
    'EVAL_NETWORK_UNREADABLE',
    `cannot read the feature network ${file}: ${why}`,
    'check eval.network.path',
  );
}
