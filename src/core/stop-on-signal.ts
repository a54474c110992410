/**
 * Ctrl-C (or SIGTERM) as gx's commands and a sweep's trial processes read it: the first asks to stop cleanly (the
 * returned signal aborts, `onFirst` may say what happens next), a second quits at once with exit code 130.
 * In core, not cli/: a sweep's trial process (layer sweep) listens the same way as `gx run` and `gx sweep`.
 */
export function stopOnSignal(onFirst?: (signal: NodeJS.Signals) => void): AbortSignal {
  const stopping = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping.signal.aborted) process.exit(130);
    onFirst?.(signal);
    stopping.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return stopping.signal;
}
