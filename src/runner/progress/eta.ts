/** Time spent so far in one scheduled side effect (evaluation, sample grids), and how often it happened. */
export interface SideEffectCost {
  seconds: number;
  count: number;
}

export interface EtaInputs {
  /** Seconds spent training since the estimate's origin, side effects excluded. */
  trainingSeconds: number;
  /** Updates (critic plus generator steps, see training-plan.ts) trained in those seconds, and still to train. */
  updatesDone: number;
  updatesLeft: number;
  /** Each scheduled side effect: its measured cost so far and how many times its schedule still fires. */
  sideEffects: readonly (SideEffectCost & { remaining: number })[];
}

/**
 * Seconds until the run ends: the updates still to train at the pace measured so far, plus each side effect's
 * remaining occurrences at its mean measured cost (one not measured yet counts nothing). Undefined until a pace
 * is measured.
 */
export function remainingSeconds({
  trainingSeconds,
  updatesDone,
  updatesLeft,
  sideEffects,
}: EtaInputs): number | undefined {
  if (updatesDone <= 0 || trainingSeconds <= 0) return undefined;
  let seconds = (updatesLeft * trainingSeconds) / updatesDone;
  for (const { seconds: spent, count, remaining } of sideEffects) if (count > 0) seconds += (remaining * spent) / count;
  return seconds;
}
