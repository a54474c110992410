import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, tempDir } from './cli.js';

/**
 * A fault injector for real processes: an LD_PRELOAD library that sends the process SIGKILL (kill -9) just before
 * its n-th file operation (open for writing, rename, unlink, rmdir) on a path containing a pattern. A kill at each
 * such operation in turn shows what a crash at any of those instants leaves on disk. Node's file operations run on
 * libuv's thread pool, so the count is kept across threads (strace's counts are per thread).
 */
const SOURCE = String.raw`
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static atomic_int seen = 0;

static void before(const char *op, const char *a, const char *b) {
  const char *pattern = getenv("KILL_AT_PATTERN");
  if (!pattern || !((a && strstr(a, pattern)) || (b && strstr(b, pattern)))) return;
  int n = atomic_fetch_add(&seen, 1) + 1;
  const char *log = getenv("KILL_AT_LOG");
  if (log) {
    FILE *f = fopen(log, "a");
    if (f) { fprintf(f, "%d %s %s %s\n", n, op, a ? a : "", b ? b : ""); fclose(f); }
  }
  const char *at = getenv("KILL_AT_N");
  if (at && atoi(at) == n) kill(getpid(), SIGKILL);
}

#define REAL(name) static __typeof__(name) *real; if (!real) real = dlsym(RTLD_NEXT, #name)
#define WRITES(flags) ((flags) & (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC))

int rename(const char *a, const char *b) { REAL(rename); before("rename", a, b); return real(a, b); }
int renameat(int fa, const char *a, int fb, const char *b) { REAL(renameat); before("rename", a, b); return real(fa, a, fb, b); }
int unlink(const char *a) { REAL(unlink); before("unlink", a, 0); return real(a); }
int unlinkat(int fd, const char *a, int flags) { REAL(unlinkat); before("unlink", a, 0); return real(fd, a, flags); }
int rmdir(const char *a) { REAL(rmdir); before("rmdir", a, 0); return real(a); }
int open(const char *a, int flags, ...) {
  REAL(open); va_list ap; va_start(ap, flags); mode_t mode = va_arg(ap, int); va_end(ap);
  if (WRITES(flags)) before("open", a, 0);
  return real(a, flags, mode);
}
int open64(const char *a, int flags, ...) {
  REAL(open64); va_list ap; va_start(ap, flags); mode_t mode = va_arg(ap, int); va_end(ap);
  if (WRITES(flags)) before("open", a, 0);
  return real(a, flags, mode);
}
int openat(int fd, const char *a, int flags, ...) {
  REAL(openat); va_list ap; va_start(ap, flags); mode_t mode = va_arg(ap, int); va_end(ap);
  if (WRITES(flags)) before("open", a, 0);
  return real(fd, a, flags, mode);
}
int openat64(int fd, const char *a, int flags, ...) {
  REAL(openat64); va_list ap; va_start(ap, flags); mode_t mode = va_arg(ap, int); va_end(ap);
  if (WRITES(flags)) before("open", a, 0);
  return real(fd, a, flags, mode);
}
`;

let built: string | undefined | null = null;

/** The injector's shared library, compiled on first use; undefined where there is no C compiler or no Linux. */
export function killAtLibrary(): string | undefined {
  if (built !== null) return built;
  built = undefined;
  if (process.platform !== 'linux') return built;
  const dir = tempDir('gx-kill-at-');
  writeFileSync(join(dir, 'kill-at.c'), SOURCE);
  const result = spawnSync('cc', [
    '-shared',
    '-fPIC',
    '-O1',
    '-o',
    join(dir, 'kill-at.so'),
    join(dir, 'kill-at.c'),
    '-ldl',
  ]);
  if (result.status === 0) built = join(dir, 'kill-at.so');
  return built;
}

export interface KillAtRun {
  status: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  /** The matching operations seen, in order, as "n op path [path]". */
  operations: string[];
}

/** Runs `gx args` with the injector: killed before the `n`-th operation on a path containing `pattern` (n 0: never). */
export function gxKilledAt(args: string[], pattern: string, n: number, cwd: string): KillAtRun {
  const library = killAtLibrary();
  if (!library) throw new Error('no C compiler for the fault injector');
  const log = join(tempDir('gx-kill-log-'), 'operations.txt');
  writeFileSync(log, '');
  const result = spawnSync(process.execPath, [join(repoRoot, 'bin/run.js'), ...args], {
    cwd,
    env: {
      ...process.env,
      MLFLOW_TRACKING_URI: '',
      LD_PRELOAD: library,
      KILL_AT_PATTERN: pattern,
      KILL_AT_N: String(n),
      KILL_AT_LOG: log,
    },
    encoding: 'utf8',
  });
  const operations = readFileSync(log, 'utf8').split('\n').filter(Boolean);
  return { status: result.status, signal: result.signal, stderr: result.stderr, operations };
}
