import type { Callback } from './callback.js';

/** A full disk: the reserve (see ../run-folder/disk-reserve.ts) is given back first, to make room to record the failure. */
export function releaseReserveOnFailure(release: () => Promise<void>): Callback {
  return { onRunFailed: release };
}
