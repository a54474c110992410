/** Where the loop stands in the data: generator steps done, the epoch under way (0-based) and its next batch. */
export interface EpochCursor {
  step: number;
  epoch: number;
  batch: number;
}

/**
 * The loop's one rule for epochs, which the trainer follows and the progress line's plan works out ahead: a generator
 * step takes criticSteps(step) consecutive batches, and an epoch is over when too few remain for the next step. So
 * every epoch ends between generator steps, and a WGAN warm-up of 100 critic steps a step shortens its epochs.
 */
export function epochIsOver(at: EpochCursor, criticSteps: (step: number) => number, batchesPerEpoch: number): boolean {
  return at.batch + criticSteps(at.step) > batchesPerEpoch;
}

/** Moves the cursor to the first batch of the next epoch. */
export function startNextEpoch(at: EpochCursor): void {
  at.epoch += 1;
  at.batch = 0;
}
