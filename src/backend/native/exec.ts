import { spawn } from 'node:child_process';

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a program to its end and collects what it printed; rejects only when it cannot start (ENOENT: not on PATH).
 * `onLine` sees each line of output as it comes, for a log file.
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
      signal: options.signal,
    });
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
    child.on('close', (code) => resolve({ code, stdout, stderr }));
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
