import { Ajv, type ErrorObject } from 'ajv';
import { didYouMean } from '../core/did-you-mean.js';
import type { JsonSchema } from '../core/json-schema.js';
import { mlflowKeyProblem } from '../mlflow-names.js';
import { conditioningProblems, renameOldKeys } from './conditioning.js';
import { experimentSchema, tagKeySchema } from './schema.js';
import { dotted, type KeyPath, type Problem } from './yaml-source.js';

// allowUnionTypes: model.num_classes is a number or auto.
const ajv = new Ajv({ allErrors: true, useDefaults: true, discriminator: true, verbose: true, allowUnionTypes: true });
const validator = ajv.compile(experimentSchema);

/** Validates `data` in place, filling in defaults; returns every problem at once, worded for people. */
export function validateExperiment(data: unknown): Problem[] {
  const renamed = renameOldKeys(data);
  if (renamed.length > 0) return renamed;
  if (validator(data)) return conditioningProblems(data);
  const problems = (validator.errors ?? []).flatMap(describe);
  // anyOf reports each failed branch, then itself; keep one line per path and message.
  const seen = new Set<string>();
  return problems.filter((problem) => {
    const key = `${dotted(problem.path)}\0${problem.message}`;
    return !seen.has(key) && seen.add(key);
  });
}

function describe(error: ErrorObject): Problem[] {
  // The branches of an anyOf are summarised by the anyOf error itself.
  if (error.schemaPath.includes('/anyOf/')) return [];
  const path = pathOf(error.instancePath);
  const where = path.length > 0 ? dotted(path) : 'the experiment';
  const params = error.params as Record<string, unknown>;
  const got = `got ${show(error.data)}`;
  if (error.keyword === 'propertyNames') return []; // said by the error of the key itself, below
  if (error.propertyName !== undefined) return [keyProblem(error, path, where)];
  const numberOrWord = (error.keyword === 'type' || error.keyword === 'pattern') && numberOrWordOf(error.parentSchema);
  if (numberOrWord) return [{ path, message: `${where} must be ${numberOrWord}, ${got}` }];
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const known = Object.keys((error.parentSchema?.properties as JsonSchema | undefined) ?? {});
      return [{ path: [...path, key], atKey: true, message: `${where} has no key "${key}"${didYouMean(key, known)}` }];
    }
    case 'required':
      return [{ path, message: `${where} needs the key "${String(params.missingProperty)}"` }];
    case 'discriminator': {
      const kind = String(error.parentSchema?.title ?? 'type');
      const names = ((error.parentSchema?.oneOf as JsonSchema[] | undefined) ?? []).map((branch) =>
        String((branch.properties as Record<string, JsonSchema>).type.const),
      );
      if (params.error !== 'mapping')
        return [{ path: [...path, 'type'], message: `${where}.type must name a ${kind}` }];
      const name = String(params.tagValue);
      return [
        {
          path: [...path, 'type'],
          message: `unknown ${kind} "${name}" at ${where}.type${didYouMean(name, names)} (known: ${names.join(', ')})`,
        },
      ];
    }
    case 'type':
      return [{ path, message: `${where} must be ${article(String(params.type))}, ${got}` }];
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String);
      const hint = typeof error.data === 'string' ? didYouMean(error.data, allowed) : '';
      return [{ path, message: `${where} must be one of ${allowed.join(', ')}, ${got}${hint}` }];
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return [{ path, message: `${where} must be ${String(params.comparison)} ${String(params.limit)}, ${got}` }];
    case 'maxLength':
      return [
        {
          path,
          message: `${where} must have at most ${String(params.limit)} characters, got ${String(error.data).length}`,
        },
      ];
    case 'anyOf':
      return [{ path, message: `${where} must be a list of values, {min, max, scale}, or {tie: <path>}` }];
    default:
      return [{ path, message: `${where} ${error.message ?? 'is invalid'}, ${got}` }];
  }
}

/**
 * What a value that is a number or one word (model.num_classes: 10 or auto) must be, said once for both ways to miss
 * it (the wrong type, another word); undefined for other schemas.
 */
function numberOrWordOf(schema: JsonSchema | undefined): string | undefined {
  const word = /^\^(\w+)\$$/.exec(String(schema?.pattern))?.[1];
  if (!schema || !word || !Array.isArray(schema.type) || !schema.type.includes('integer')) return undefined;
  return `a whole number from ${String(schema.minimum)} to ${String(schema.maximum)}, or ${word}`;
}

/** A key that the schema's propertyNames refuses, reported at the key. */
function keyProblem(error: ErrorObject, path: KeyPath, where: string): Problem {
  const key = String(error.propertyName);
  const shown = JSON.stringify(key);
  let why = `does not match ${String((error.params as { pattern?: string }).pattern ?? 'the key pattern')}`;
  if (error.parentSchema === tagKeySchema) {
    why = mlflowKeyProblem(key) ?? `is ${[...key].length} characters long, over MLflow's limit of 250`;
    why = `is not a key MLflow accepts: it ${why}`;
  }
  return { path: [...path, key], atKey: true, message: `${where} key ${shown} ${why}` };
}

function pathOf(instancePath: string): KeyPath {
  if (instancePath === '') return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function article(type: string): string {
  const noun =
    type === 'integer' ? 'a whole number' : type === 'array' ? 'a list' : type === 'object' ? 'a mapping' : type;
  return /^(a |an )/.test(noun) ? noun : `a ${noun}`;
}

function show(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}
