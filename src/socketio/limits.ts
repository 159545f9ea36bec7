/**
 * Per-session handler concurrency and rate limit, through p-queue.
 *
 * - **Concurrency** is p-queue's own job: handlers beyond the limit wait in its FIFO, so they
 *   still start in arrival order; `close()` drops the ones still waiting.
 * - **Rate limit** must reject, not queue, so its p-queue is used as a fixed-window counter: each
 *   admitted event adds a no-op task. p-queue starts a task synchronously when the window has
 *   budget left, so a task still queued right after `add` means the budget is spent: the task is
 *   cleared and the event refused. The window starts with the first event after the previous one
 *   ended, as p-queue's does; no timer outlives the microtask after an event.
 *
 * Sessions of an app without these options have no EventLimits at all.
 * @module
 */
import PQueue from "p-queue";

/** `rateLimit` option: at most `intervalCap` events per `interval` milliseconds, per session. */
export interface RateLimit {
  /** Events admitted per window; an integer ≥ 1. */
  intervalCap: number;
  /** The window, in milliseconds; a finite number > 0. */
  interval: number;
}

const noop = (): void => {};

export class EventLimits {
  private readonly limiter: PQueue | null;
  private readonly handlers: PQueue | null;

  constructor(concurrency: number | undefined, readonly rateLimit: RateLimit | undefined) {
    this.limiter = rateLimit === undefined ? null : new PQueue({ intervalCap: rateLimit.intervalCap, interval: rateLimit.interval });
    this.handlers = concurrency === undefined || concurrency === Infinity ? null : new PQueue({ concurrency });
  }

  /** Uses one unit of the window's budget; false (and nothing used) when it is spent. */
  admit(): boolean {
    const limiter = this.limiter;
    if (limiter === null) return true;
    // The returned promise of a task that is cleared never settles, so it cannot reject.
    void limiter.add(noop);
    if (limiter.size === 0) return true;
    limiter.clear();
    return false;
  }

  /** Runs `task` now, or once a concurrency slot is free. `task` must not reject. */
  run(task: () => Promise<void> | void): void {
    if (this.handlers === null) void task();
    else void this.handlers.add(task);
  }

  /** Drops handlers still waiting for a slot; running ones go on. */
  close(): void {
    this.handlers?.clear();
    this.limiter?.clear();
  }
}
