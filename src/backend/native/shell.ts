import { spawn } from 'node:child_process';
import { GxError } from '../../errors.js';
import { unpackScript } from './unpack-script.js';

/** The programs an install runs, each found before anything is downloaded. */
export interface Toolchain {
  python: string;
  /** The C++ compiler node-gyp's makefiles use (CXX). */
  compiler: string;
  /** node-gyp's script, run with this Node. */
  nodeGyp: string;
  /** npm's script, run with this Node (for `npm pack`). */
  npm: string;
  /** The folder whose include/node holds this Node's C headers. */
  nodeDir: string;
}

export interface Finished {
  code: number | null;
  /** The signal that ended it (a crash: SIGSEGV, SIGBUS), if one did. */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a program to its end and collects what it printed; rejects only when it cannot start (ENOENT: not on PATH).
 * `onLine` sees each line of output as it comes, for a log file. `signal` ends the program and all it started (its
 * own process group: a pyenv shim's python, node-gyp's make and compilers).
 */
export function exec(
  program: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; onLine?: (line: string) => void; signal?: AbortSignal } = {},
): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const stop = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    };
    options.signal?.addEventListener('abort', stop, { once: true });
    let stdout = '';
    let stderr = '';
    const collect = (append: (text: string) => void) => (chunk: Buffer) => {
      const text = chunk.toString();
      append(text);
      if (options.onLine) for (const line of text.split('\n')) if (line) options.onLine(line);
    };
    child.stdout.on(
      'data',
      collect((text) => (stdout += text)),
    );
    child.stderr.on(
      'data',
      collect((text) => (stderr += text)),
    );
    child.on('error', reject);
    child.on('close', (code, signal) => {
      options.signal?.removeEventListener('abort', stop);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** The last line that says ERROR (as pip and node-gyp print them), else the last line: the one worth showing. */
export function lastErrorLine(output: string): string {
  const lines = output
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  return ([...lines].reverse().find((line) => /\berror\b/i.test(line)) ?? lines.at(-1) ?? '').slice(0, 300);
}

/**
 * The programs one install runs: each with its output in the install's log, all stopped together when the install
 * is interrupted, and a failure said in one line that points to the log.
 */
export class InstallShell {
  /** Ends the program running now, when the install is interrupted. */
  readonly stop = new AbortController();

  constructor(
    readonly tools: Toolchain,
    readonly logPath: string,
    private readonly log: (line: string) => void,
  ) {}

  exec(program: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Finished> {
    this.log(`$ ${program} ${args.join(' ').slice(0, 300)}`);
    return exec(program, args, { ...options, onLine: this.log, signal: this.stop.signal });
  }

  /** Runs a program that must succeed. */
  async run(
    program: string,
    args: string[],
    options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
    code = 'NATIVE_INSTALL',
  ): Promise<Finished> {
    const result = await this.exec(program, args, options);
    if (result.code !== 0) {
      if (/No space left/i.test(`${result.stdout}${result.stderr}`)) throw this.diskFull();
      throw this.failed(code, program.split('/').at(-1) ?? program, result);
    }
    return result;
  }

  async python(script: string, args: string[]): Promise<string> {
    return (await this.run(this.tools.python, ['-c', script, ...args])).stdout;
  }

  /** Extracts the members of a wheel or npm package that match `patterns`, without `prefix`, into `dest`. */
  async unpack(archive: string, dest: string, prefix: string, patterns: string[]): Promise<void> {
    await this.python(unpackScript, [archive, dest, prefix, ...patterns]);
  }

  failed(code: string, what: string, result: Finished): GxError {
    return new GxError(
      code,
      `${what} failed (${result.signal ?? `exit ${result.code}`}): ${lastErrorLine(`${result.stdout}\n${result.stderr}`)}`,
      `the whole output is in ${this.logPath}`,
    );
  }

  diskFull(): GxError {
    return new GxError(
      'NATIVE_DISK_FULL',
      "no space left on the disk of gx's cache while installing the native backend",
      `free some space or set GX_CACHE_DIR to a larger disk; the output is in ${this.logPath}`,
    );
  }
}
