import { selectBackend } from '../../backend/select.js';
import { type BackendName, type ResolvedExperiment, withClasses } from '../../config/experiment.js';
import { buildGan } from '../../models/build-gan.js';
import { loadTrainingData } from '../loop/training-data.js';

/** The models an experiment builds, layer by layer, with their parameter counts: what `gx run --dry-run` shows. */
export async function describeModels(experiment: ResolvedExperiment, backend?: BackendName) {
  await selectBackend(backend ?? experiment.runtime.backend);
  // A dry run downloads nothing: it only needs the images' shape.
  const data = await loadTrainingData(experiment, false);
  const shape = [data.height, data.width, data.channels] as const;
  const gan = buildGan(withClasses(experiment, data.numClasses), shape, { dropoutCalls: 0 });
  const describe = (model: typeof gan.generator) => {
    const lines: string[] = [];
    model.summary(100, undefined, (line: string) => lines.push(line));
    return { parameters: model.countParams(), summary: lines.join('\n') };
  };
  const described = { generator: describe(gan.generator), discriminator: describe(gan.discriminator) };
  gan.generator.dispose();
  gan.discriminator.dispose();
  return described;
}
