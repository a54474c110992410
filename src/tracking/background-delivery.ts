import { dirname } from 'node:path';
import { deliver } from './delivery.js';
import { MlflowError } from './mlflow-error.js';
import type { MlflowHttp } from './mlflow-http.js';
import type { Operation, Outbox } from './outbox.js';

/** Retries of a request sent while training: an outage is noticed within seconds, and retried every 10 s. */
const BACKGROUND_RETRIES = 2;
/** How long the server gets to create the run; then gx trains anyway and the record waits on disk. */
const CREATE_PATIENCE_MS = 10_000;
/** While the server is away, the record is sent again this often. */
const RETRY_EVERY_MS = 10_000;

/**
 * Where the sending of a run's record stands while the run trains:
 * - `live`: each record is sent as it is journaled;
 * - `away`: the server could not be reached; the record waits on disk and is sent again every 10 s;
 * - `refused`: the server said no; nothing more is sent until `gx sync`.
 */
export type DeliveryState = 'live' | 'away' | 'refused';

/** What the end of a run's delivery left: why records are left on disk, and whether the server had been away. */
export interface DeliveryEnd {
  reason?: string;
  wasAway: boolean;
}

/**
 * Sends a server run's outbox in the background while it trains, and once more, bounded, at its end. Training never
 * waits for it: an outage is retried, and what could not be sent stays in the outbox.
 */
export class BackgroundDelivery {
  private state: DeliveryState = 'live';
  private refusal?: Error;
  private inFlight?: Promise<void>;
  private retryTimer?: NodeJS.Timeout;
  /** Once the run ends, a background round's failure says nothing more: the end has its own round. */
  private ended = false;
  /** Ends the background round in flight when the run ends. */
  private readonly background = new AbortController();

  constructor(
    private readonly outbox: Outbox,
    private readonly http: MlflowHttp,
    private readonly warn: (line: string) => void,
  ) {}

  /**
   * Creates the run now, so that a server saying no stops gx before it trains (this throws); one that does not answer
   * soon (or a user who stops the run meanwhile) does not hold training back: the record waits on disk.
   */
  async start(stop?: AbortSignal): Promise<void> {
    const creation = AbortSignal.any([AbortSignal.timeout(CREATE_PATIENCE_MS), ...(stop ? [stop] : [])]);
    await deliver(this.outbox, this.http, { retries: BACKGROUND_RETRIES, signal: creation }).catch((error) => {
      if (error instanceof MlflowError && error.transient) return this.failed(error);
      throw error;
    });
  }

  /** Journals an operation, and sends it unless the server is away (then the next retry does). */
  add(operation: Operation): void {
    this.outbox.add(operation);
    if (this.state !== 'away') void this.send();
  }

  /**
   * Ends the background sending and tries once more, for as long as the server makes progress (`patienceMs` without
   * any); the record left is for `gx sync`.
   */
  async finish(patienceMs: number): Promise<DeliveryEnd> {
    this.ended = true;
    clearTimeout(this.retryTimer);
    this.background.abort();
    await this.inFlight;
    let reason = this.refusal?.message;
    if (this.state !== 'refused') {
      const patience = idlePatience(patienceMs);
      await deliver(this.outbox, this.http, { signal: patience.signal }, patience.progress)
        .catch((error: Error) => (reason = error.message))
        .finally(patience.done);
    }
    return { reason, wasAway: this.state === 'away' };
  }

  private send(): Promise<void> {
    if (this.inFlight || this.state === 'refused' || this.outbox.unsent.length === 0)
      return this.inFlight ?? Promise.resolve();
    clearTimeout(this.retryTimer);
    // A few quick retries, then again every 10 s for as long as the run lasts; the full patience is for the end.
    this.inFlight = deliver(this.outbox, this.http, { retries: BACKGROUND_RETRIES, signal: this.background.signal })
      .then(
        () => {
          if (this.state === 'away')
            this.warn(`MLflow server at ${this.http.uri} is back: the run's record is up to date`);
          this.state = 'live';
        },
        (error) => this.failed(error),
      )
      .finally(() => {
        this.inFlight = undefined;
      });
    return this.inFlight;
  }

  private failed(error: unknown): void {
    if (this.ended) return;
    const { folder } = this.outbox;
    if (!(error instanceof MlflowError && error.transient)) {
      this.state = 'refused';
      this.refusal = error as Error;
      this.warn(`${this.refusal.message}; the record stays in ${folder}, \`gx sync ${dirname(folder)}\` sends it`);
      return;
    }
    if (this.state !== 'away')
      this.warn(`${error.message}; training goes on, the record waits in ${folder} until it is back`);
    this.state = 'away';
    this.retryTimer = setTimeout(() => this.send(), RETRY_EVERY_MS).unref();
  }
}

/** An AbortSignal that fires once `ms` pass without a call to `progress`. */
function idlePatience(ms: number) {
  const controller = new AbortController();
  let timer = setTimeout(() => controller.abort(), ms);
  return {
    signal: controller.signal,
    progress() {
      clearTimeout(timer);
      timer = setTimeout(() => controller.abort(), ms);
    },
    done: () => clearTimeout(timer),
  };
}
