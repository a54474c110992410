import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { Ajv } from 'ajv';
import { selectBackend } from '../../src/backend/select.js';
import { experimentSchema } from '../../src/config/schema.js';
import type { JsonSchema } from '../../src/core/json-schema.js';
import { GxError } from '../../src/errors.js';
import { architectures } from '../../src/registry/architectures/index.js';
import { modelOptions } from '../../src/registry/architectures/model-options.js';
import { datasets } from '../../src/registry/datasets.js';
import { losses } from '../../src/registry/losses/index.js';
import { evalMetrics } from '../../src/registry/metrics/index.js';
import { optimizers } from '../../src/registry/optimizers.js';
import type { Registry, RegistryEntry } from '../../src/registry/registry.js';
import { regularisers } from '../../src/registry/regularisers/index.js';

await selectBackend('cpu');

/**
 * Every entry of every registry, looped over as timm's tests loop over list_models: a new entry is checked
 * without editing a test. What each kind's `create` must give is in `creates` below.
 */

type Options = Record<string, unknown>;
const defaultsOf = (properties: Record<string, JsonSchema>): Options =>
  Object.fromEntries(Object.entries(properties).flatMap(([key, s]) => ('default' in s ? [[key, s.default]] : [])));

const fakeScores = () => ({ real: tf.tensor1d([0.5, -1, 2]), fake: tf.tensor1d([-0.5, 1, 0]) });

/** What creating an entry with its defaults and example options must give, by registry kind. */
const creates: Record<string, (entry: RegistryEntry, options: Options) => void> = {
  architecture: (entry, options) => {
    // num_classes' default (auto) settled as a run on MNIST settles it.
    const model = { ...defaultsOf(modelOptions), num_classes: 10, ...options, type: entry.name };
    const built = architectures.get(entry.name).create(model as never, {
      imageShape: [28, 28, 1],
      classHead: true,
      seed: 0,
    });
    assert.deepEqual(built.generator.outputs[0].shape, [null, 28, 28, 1]);
    assert.deepEqual(built.discriminator.inputs[0].shape, [null, 28, 28, 1]);
    built.generator.dispose();
    built.discriminator.dispose();
  },
  loss: (entry, options) => {
    const loss = losses.get(entry.name).create(options);
    tf.tidy(() => {
      for (const term of [loss.discriminator(fakeScores()), loss.generator(fakeScores())]) {
        assert.equal(term.size, 1);
        assert.ok(Number.isFinite(term.dataSync()[0]));
      }
    });
  },
  regulariser: (entry, options) => {
    const regulariser = regularisers.get(entry.name).create(options);
    assert.ok(regulariser.penalty || regulariser.afterCriticStep);
  },
  optimizer: (entry, options) => {
    const optimizer = optimizers.get(entry.name).create({ type: entry.name, lr: 0.01, ...options } as never);
    assert.ok(optimizer instanceof tf.Optimizer);
    optimizer.dispose();
  },
  // Loading reads files or downloads: data/ tests cover it; here only that there is a loader.
  dataset: (entry) => assert.equal(typeof datasets.get(entry.name).load, 'function'),
  metric: (entry) => assert.equal(typeof evalMetrics.get(entry.name).measure, 'function'),
};

const all: Registry<RegistryEntry>[] = [architectures, losses, regularisers, optimizers, datasets, evalMetrics];
const ajv = new Ajv({ allErrors: true, strict: false });
const schemaText = JSON.stringify(experimentSchema);

describe('registries', () => {
  it('are all checked here', () => {
    assert.deepEqual(all.map((registry) => registry.kind).sort(), Object.keys(creates).sort());
  });

  for (const registry of all) {
    describe(`${registry.kind} registry`, () => {
      it('has entries with distinct lower-case names and one-line summaries', () => {
        assert.ok(registry.entries.length > 0);
        for (const { name, summary } of registry.entries) {
          assert.match(name, /^[a-z][a-z0-9_-]*$/);
          assert.ok(summary.length > 0 && !summary.includes('\n'), name);
        }
      });

      it('finds every entry by name, and says "did you mean" for a near miss', () => {
        for (const entry of registry.entries) assert.equal(registry.get(entry.name), entry);
        const near = `${registry.entries[0].name}x`;
        assert.throws(
          () => registry.get(near),
          (error: unknown) => error instanceof GxError && error.message.includes(`"${registry.entries[0].name}"`),
        );
      });

      for (const entry of registry.entries) {
        it(`${entry.name}: its defaults and example options validate against its options, and create works`, () => {
          const { properties, required = [] } = entry.options;
          const validate = ajv.compile({ type: 'object', properties, required, additionalProperties: false });
          const options = { ...defaultsOf(properties), ...entry.example };
          const missing = required.filter((key) => !(key in options));
          if (missing.length === 0) assert.ok(validate(options), `${ajv.errorsText(validate.errors)}`);
          for (const [key, schema] of Object.entries(properties)) {
            if ('default' in schema) assert.ok(ajv.validate(schema, schema.default), `${entry.name}.${key}'s default`);
          }
          creates[registry.kind](entry, options);
        });

        it(`${entry.name}: is known to the experiment schema`, () => {
          const asType = schemaText.includes(`"type":{"const":"${entry.name}"`);
          const asMetric = schemaText.includes(`"${entry.name}"`) && registry.kind === 'metric';
          assert.ok(asType || asMetric, entry.name);
        });
      }
    });
  }
});
