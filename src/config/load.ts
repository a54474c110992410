import { readInputFile } from '../core/input-file.js';
import { ConfigError, GxError } from '../errors.js';
import type { ResolvedExperiment } from './experiment.js';
import { applyOverride, parseOverride } from './overrides.js';
import { validateExperiment } from './validate.js';
import { dotted, parseYamlSource } from './yaml-source.js';

/** An experiment is a few kilobytes; a file much larger is a mistake, or an attempt to exhaust the machine. */
const MAX_BYTES = 1_000_000;
const INPUT_HINT = 'an experiment is a few kilobytes of YAML in a regular file: is it the right path?';
const TOO_LARGE_HINT = 'an experiment is a few kilobytes of YAML: is it the right file?';

export interface LoadOptions {
  /** `path=value` expressions, applied in order after the file is read and before it is validated. */
  overrides?: readonly string[];
}

/** Reads, overrides, validates and resolves an experiment file; throws a ConfigError listing every problem. */
export async function loadExperiment(file: string, options: LoadOptions = {}): Promise<ResolvedExperiment> {
  let text: string;
  try {
    text = (await readExperimentFile(file)).toString('utf8');
  } catch (error) {
    if (error instanceof GxError) throw error;
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new GxError('CONFIG_UNREADABLE', `${file}: ${reason}`, 'give the path of an experiment YAML file');
  }
  return resolveExperiment(file, text, options);
}

/** The same as loadExperiment, for text already in hand; `file` is only used in messages. */
export function resolveExperiment(file: string, text: string, options: LoadOptions = {}): ResolvedExperiment {
  checkSize(file, Buffer.byteLength(text));
  const source = parseYamlSource(file, text);
  if (source.syntaxErrors.length > 0) throw new ConfigError(source.syntaxErrors);
  const data = source.data;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ConfigError([`${file}:1:1: an experiment must be a mapping with name, data, model, loss and train`]);
  }

  const problems: string[] = [];
  const overridden = new Set<string>();
  for (const expression of options.overrides ?? []) {
    const override = parseOverride(expression);
    const problem = 'text' in override ? applyOverride(data as Record<string, unknown>, override) : override;
    if (problem) problems.push(`${source.locate(problem.path)}: ${problem.message}`);
    else if ('text' in override) overridden.add(dotted(override.path));
  }
  for (const problem of validateExperiment(data)) {
    const fromSet = overridden.has(dotted(problem.path)) ? ' (from --set)' : '';
    problems.push(`${source.locate(problem.path, problem.atKey)}: ${problem.message}${fromSet}`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return deepFreeze(data) as ResolvedExperiment;
}

/** The file's bytes, at most MAX_BYTES of them whatever the file is (a device, a FIFO): the rest is refused. */
export function readExperimentFile(file: string): Promise<Buffer> {
  return readInputFile(file, {
    limit: MAX_BYTES,
    what: 'an experiment file',
    hint: INPUT_HINT,
    codePrefix: 'CONFIG',
  });
}

function checkSize(file: string, bytes: number): void {
  if (bytes <= MAX_BYTES) return;
  throw new GxError(
    'CONFIG_TOO_LARGE',
    `${file}: ${(bytes / 1e6).toFixed(1)} MB is too large for an experiment file (at most 1 MB)`,
    TOO_LARGE_HINT,
  );
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
