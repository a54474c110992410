import { didYouMean } from '../core/did-you-mean.js';
import type { JsonSchema } from '../core/json-schema.js';
import { GxError } from '../errors.js';

/** A registry choice in an experiment: `type` names the entry, the other keys are its options. */
export interface TypedOptions {
  readonly type: string;
  readonly [option: string]: unknown;
}

/**
 * The options an entry takes: JSON Schema `properties` (with defaults) and which of them are required. Keyed by the
 * entry's own options type, so renaming an option on one side and not the other breaks the build.
 */
export interface OptionsSchema<Options = Record<string, unknown>> {
  properties: { [Key in keyof Options]-?: JsonSchema };
  required?: (keyof Options & string)[];
}

/**
 * What every registry entry has; each kind adds what it creates (see architectures/, losses/, ...). `Options` is
 * the entry's own options type (a type alias, so that it also fits the registry's untyped view).
 */
export interface RegistryEntry<Options = Record<string, unknown>> {
  /** The `type:` value that selects this entry in an experiment file. */
  name: string;
  /** One line for `gx schema` and editors' hover text. */
  summary: string;
  options: OptionsSchema<Options>;
  /**
   * Options small enough to train in a test, where the defaults are not (tests train every entry with these, so a
   * new entry is tested without editing a test).
   */
  example?: Partial<Options>;
}

/** Entries of one kind (architecture, loss, ...), found by name; an unknown name gets a "did you mean". */
export interface Registry<Entry extends RegistryEntry> {
  /** What an entry is called in messages: "loss", "architecture", ... */
  kind: string;
  entries: readonly Entry[];
  get(name: string): Entry;
}

export function createRegistry<Entry extends RegistryEntry>(kind: string, entries: Entry[]): Registry<Entry> {
  const byName = new Map(entries.map((entry) => [entry.name, entry]));
  if (byName.size !== entries.length) throw new Error(`duplicate ${kind} names in the registry`);
  return {
    kind,
    entries,
    get(name) {
      const entry = byName.get(name);
      if (entry) return entry;
      throw new GxError(
        'UNKNOWN_NAME',
        `unknown ${kind} "${name}"${didYouMean(name, byName.keys())}`,
        `known ${kind}s: ${[...byName.keys()].join(', ')}`,
      );
    },
  };
}
