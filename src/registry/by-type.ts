import type { JsonSchema } from '../core/json-schema.js';
import type { Registry, RegistryEntry } from './registry.js';

/**
 * One object whose `type` picks a registry entry; the entry's options (plus the options all entries share) are the
 * other keys. ajv's discriminator validates only the chosen branch, so an error names that branch alone.
 */
export function byType<Entry extends RegistryEntry>(
  registry: Registry<Entry>,
  description: string,
  shared: Record<string, JsonSchema> = {},
): JsonSchema {
  return {
    title: registry.kind,
    description,
    type: 'object',
    discriminator: { propertyName: 'type' },
    required: ['type'],
    oneOf: registry.entries.map((entry) => ({
      properties: { type: { const: entry.name, description: entry.summary }, ...shared, ...entry.options.properties },
      required: ['type', ...(entry.options.required ?? [])],
      additionalProperties: false,
    })),
  };
}

/**
 * A list of registry choices, each picked by its `type` as in byType (`loss.regularisers: [{ type:
 * gradient-penalty, weight: 10 }]`): entries that compose, applied in list order.
 */
export function listOfTypes<Entry extends RegistryEntry>(registry: Registry<Entry>, description: string): JsonSchema {
  return { type: 'array', description, items: byType(registry, `One ${registry.kind}`) };
}
