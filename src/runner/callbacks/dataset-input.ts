import { type ImageSet, setDigest } from '../../data/image-set.js';
import type { DatasetInput, Tracker } from '../../tracking/tracker.js';
import type { Callback } from './callback.js';

/** The training data as the run's MLflow dataset input, once, when a run starts (a resumed run has it already). */
export function datasetInput({
  data,
  tracker,
  resumed,
}: {
  data: ImageSet;
  tracker: Tracker;
  resumed: boolean;
}): Callback {
  return {
    async onRunStart() {
      if (!resumed) await tracker.logDataset(describeDataset(data));
    },
  };
}

/**
 * A dataset as MLflow's NumPy datasets describe themselves: an 8-digit digest of the pixels and labels themselves
 * (MLflow's digests are 8 hex digits too), where the images were read from, the tensor spec and the shapes.
 */
export function describeDataset(set: ImageSet): DatasetInput {
  const digest = setDigest(set).slice(0, 8);
  const shape = [set.count, set.height, set.width, set.channels];
  const spec = (dtype: string, dims: number[]) =>
    JSON.stringify([{ type: 'tensor', 'tensor-spec': { dtype, shape: dims } }]);
  const full = set.files[0]?.path;
  return {
    name: `${set.dataset}-${set.split}`,
    digest,
    sourceType: 'local',
    source: JSON.stringify({ uri: full ?? set.dataset }),
    schema: JSON.stringify({
      mlflow_tensorspec: { features: spec('uint8', [-1, ...shape.slice(1)]), targets: spec('uint8', [-1]) },
    }),
    profile: JSON.stringify({
      features_shape: shape,
      features_size: shape.reduce((product, size) => product * size, 1),
      features_nbytes: shape.reduce((product, size) => product * size, 1),
      targets_shape: [set.count],
      targets_size: set.labels.length,
      targets_nbytes: set.labels.byteLength,
    }),
    context: 'training',
  };
}
