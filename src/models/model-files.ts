import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { replaceFolder, syncFolder, writeFileDurably } from '../atomic-files.js';
import { GxError } from '../errors.js';
import { withStandardLayers } from '../registry/architectures/upsampled-conv2d.js';

/**
 * Saves a model in the TensorFlow.js layers format (model.json + weights.bin), in stock layers only, which a browser
 * loads with tf.loadLayersModel('.../model.json'). Written to a temporary folder, flushed and swapped in: never half
 * a model.
 */
export async function saveLayersModel(model: tfl.LayersModel, folder: string): Promise<void> {
  const partial = `${folder}.partial`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weights = new Uint8Array(artifacts.weightData as ArrayBuffer);
      const modelJson = {
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tfl.version_layers}`,
        convertedBy: null,
        modelTopology: withStandardLayers(artifacts.modelTopology),
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
      };
      await writeFileDurably(join(partial, 'weights.bin'), weights);
      await writeFileDurably(join(partial, 'model.json'), JSON.stringify(modelJson));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  await syncFolder(partial);
  await replaceFolder(partial, folder);
}

/** Loads a model saved by saveLayersModel (or any single-file layers model). */
export async function loadLayersModel(folder: string): Promise<tfl.LayersModel> {
  let modelJson: {
    modelTopology: object;
    weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  };
  let weightData: Uint8Array;
  try {
    modelJson = JSON.parse(await readFile(join(folder, 'model.json'), 'utf8'));
    weightData = await readFile(join(folder, modelJson.weightsManifest[0].paths[0]));
  } catch (error) {
    throw new GxError(
      'MODEL_UNREADABLE',
      `${folder}: ${(error as Error).message}`,
      'give a run folder with model/ or checkpoint/',
    );
  }
  const weightSpecs = modelJson.weightsManifest.flatMap((group) => group.weights);
  const buffer = weightData.buffer.slice(weightData.byteOffset, weightData.byteOffset + weightData.byteLength);
  return tfl.loadLayersModel(
    tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs, weightData: buffer }),
  );
}
