import { parse as parseYaml } from 'yaml';
import { didYouMean } from '../core/did-you-mean.js';
import type { JsonSchema } from '../core/json-schema.js';
import { experimentSchema } from './schema.js';
import { dotted, type Problem } from './yaml-source.js';

/** One `--set path=value`. */
export interface Override {
  path: string[];
  text: string;
}

export function parseOverride(expression: string): Override | Problem {
  const equals = expression.indexOf('=');
  const path = expression.slice(0, Math.max(equals, 0)).trim().split('.');
  if (equals <= 0 || path.some((segment) => segment === '')) {
    return { path: [], message: `--set ${expression}: write it as path.to.key=value, e.g. train.optimizer.g.lr=1e-4` };
  }
  return { path, text: expression.slice(equals + 1).trim() };
}

/**
 * Sets one path in the raw experiment, the value typed by the schema at that path (a number where a number
 * belongs, a list where a list belongs). A path the schema does not know is a problem, located at the deepest
 * part of it that exists. Missing parents are created from their schema default.
 */
export function applyOverride(data: Record<string, unknown>, override: Override): Problem | undefined {
  let schema: JsonSchema = experimentSchema;
  let target = data;
  for (const [index, key] of override.path.entries()) {
    const child = childSchema(schema, key, target);
    const parentPath = override.path.slice(0, index);
    if (!child) {
      const where = index === 0 ? 'the experiment' : dotted(parentPath);
      const hint = didYouMean(key, knownKeys(schema, target));
      return { path: parentPath, message: `--set ${dotted(override.path)}: ${where} has no key "${key}"${hint}` };
    }
    schema = child;
    if (index === override.path.length - 1) {
      target[key] = typedValue(override.text, schema);
      return undefined;
    }
    if (schema.propertyNames) {
      // Keys that are themselves dotted paths (sweep.parameters): the rest of the path is one key.
      const rest = override.path.slice(index + 1).join('.');
      target[key] = {
        ...(target[key] as object),
        [rest]: typedValue(override.text, schema.additionalProperties as JsonSchema),
      };
      return undefined;
    }
    const next = target[key] ?? structuredClone(schema.default ?? {});
    if (typeof next !== 'object' || next === null || Array.isArray(next)) {
      return { path: parentPath.concat(key), message: `--set ${dotted(override.path)}: ${key} is not a mapping` };
    }
    target[key] = next;
    target = next as Record<string, unknown>;
  }
  return undefined;
}

/** The subschema for `key`; for a `type`-discriminated object, the branch that `value.type` selects. */
function childSchema(schema: JsonSchema, key: string, value: Record<string, unknown>): JsonSchema | undefined {
  for (const branch of branchesOf(schema, value)) {
    const properties = branch.properties as Record<string, JsonSchema> | undefined;
    if (properties && Object.hasOwn(properties, key)) return properties[key];
    if (typeof branch.additionalProperties === 'object') return branch.additionalProperties as JsonSchema;
  }
  return undefined;
}

function knownKeys(schema: JsonSchema, value: Record<string, unknown>): string[] {
  return branchesOf(schema, value).flatMap((branch) => Object.keys((branch.properties as JsonSchema) ?? {}));
}

function branchesOf(schema: JsonSchema, value: Record<string, unknown>): JsonSchema[] {
  const branches = schema.oneOf as JsonSchema[] | undefined;
  if (!branches) return [schema];
  const chosen = branches.filter(
    (branch) => (branch.properties as Record<string, JsonSchema>).type?.const === value.type,
  );
  return chosen.length > 0 ? chosen : branches;
}

function typedValue(text: string, schema: JsonSchema): unknown {
  const alternatives = [schema, ...((schema.anyOf as JsonSchema[] | undefined) ?? [])];
  // JavaScript's typeof says number for JSON Schema's integer too.
  const types = new Set<string>(
    alternatives.flatMap((alternative) =>
      ([alternative.type ?? []].flat() as string[]).map((type) => (type === 'integer' ? 'number' : type)),
    ),
  );
  for (const allowed of (schema.enum as unknown[] | undefined) ?? []) types.add(typeof allowed);
  if (types.size === 1 && types.has('string')) return text;
  if (types.has('array')) {
    const list = parseScalar(text);
    // A sweep's values are a list, or a mapping (a range, a tie) written in YAML's flow style.
    if (Array.isArray(list) || (types.has('object') && typeof list === 'object' && list !== null)) return list;
    return text.split(',').map((item) => typedValue(item.trim(), (schema.items as JsonSchema | undefined) ?? {}));
  }
  const value = parseScalar(text);
  return types.has('string') && typeof value !== 'string' && !types.has(typeof value) ? text : value;
}

/** YAML's reading of a value (`1e-4` -> 0.0001, `true` -> true, `[a, b]` -> a list); unparseable text stays text. */
function parseScalar(text: string): unknown {
  try {
    return parseYaml(text);
  } catch {
    return text;
  }
}
