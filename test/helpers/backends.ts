import { before, describe } from 'node:test';
import { selectBackend } from '../../src/backend/select.js';
import type { BackendName } from '../../src/config/experiment.js';

/**
 * The backends gx trains on in practice: native TensorFlow (`npm test` builds it first with `gx backend install`)
 * and wasm, the fallback. Training, step, loss, resume and leak tests run on each.
 */
export const trainingBackends = ['tensorflow', 'wasm'] as const satisfies BackendName[];

/**
 * A suite once per training backend, with that backend active while its tests run. GX_TEST_BACKENDS (a comma list
 * of these) narrows it: mutation testing (npm run mutation) runs the loss tests once per mutant, on wasm alone.
 */
export function describeOnEachBackend(title: string, body: (backend: (typeof trainingBackends)[number]) => void) {
  const only = process.env.GX_TEST_BACKENDS?.split(',');
  for (const backend of trainingBackends.filter((name) => !only || only.includes(name))) {
    describe(`${title} (${backend})`, () => {
      before(() => selectBackend(backend));
      body(backend);
    });
  }
}
