/**
 * Where a run stands, as its progress line says it: what a sweep's trial process sends its sweep (or its queue job
 * carries) so that the sweep can show every trial's progress at once. Plain data, sent over IPC.
 */
export interface RunProgress {
  /** Generator steps trained, and the run's total (under --max-steps, that cap). */
  step: number;
  steps: number;
  /** The last step's losses (d_loss, g_loss, ...). */
  losses: Record<string, number>;
  /** The latest evaluation's values (fid, ...); empty until the first evaluation. */
  evaluation: Record<string, number>;
  /** Seconds left (training at the pace measured so far plus the scheduled side effects); undefined until known. */
  etaSeconds?: number;
}

/** How long until `seconds` pass, the progress line's way: 45s, 3m20s, 1h5m; '?' when not known. */
export function duration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  return s >= 3600
    ? `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m`
    : s >= 60
      ? `${Math.floor(s / 60)}m${s % 60}s`
      : `${s}s`;
}
