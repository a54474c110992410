/**
 * Ctrl-C (or SIGTERM) as gx's commands and a sweep's trial processes read it: the first asks to stop cleanly (the
 * returned signal aborts, `onFirst` may say what happens next), a second quits at once with exit code 130.
 * In core, not cli/: a sweep's trial process (layer sweep) listens the same way as `gx run` and `gx sweep`.
 */
export function stopOnSignal(onFirst?: (signal: NodeJS.Signals) => void): AbortSignal {
  return listen([onFirst]).stop;
}

/**
 * Ctrl-C (or SIGTERM) in three steps, for a run: the first asks to stop cleanly (`stop` aborts), the second to stop
 * fast (`hurry` aborts: the run skips what only looks back, but still keeps its checkpoint and ends its record, so
 * that it can be resumed), a third quits at once with exit code 130.
 */
export function stopInSteps(
  onFirst: (signal: NodeJS.Signals) => void,
  onSecond: (signal: NodeJS.Signals) => void,
): { stop: AbortSignal; hurry: AbortSignal } {
  return listen([onFirst, onSecond]);
}

/** One abort per step of `steps`; a signal after the last step quits at once. */
function listen(steps: (((signal: NodeJS.Signals) => void) | undefined)[]) {
  const [stop, hurry] = [new AbortController(), new AbortController()];
  const aborts = [stop, hurry].slice(0, steps.length);
  let received = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    if (received === steps.length) process.exit(130);
    steps[received]?.(signal);
    aborts[received].abort();
    received++;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return { stop: stop.signal, hurry: hurry.signal };
}
