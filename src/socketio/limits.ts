/**
 * Per-session handler concurrency and rate limits.
 *
 * - **Concurrency** is p-queue's own job: handlers beyond the limit wait in its FIFO, so they
 *   still start in arrival order; `close()` drops the ones still waiting. How many wait is bounded
 *   by the session (`maxQueued`), not here.
 * - **Rate limits** must refuse, not queue, and p-queue only queues; a refusal must also cost
 *   less than serving an event. So each limit is a fixed-window counter on the library clock:
 *   the window begins with the first event after the previous window ended (p-queue's rule), an
 *   admitted event uses one unit, and a refused one uses nothing and allocates nothing. An idle
 *   session holds no timer.
 * - **Per-event limits** (`static rateLimits` of a class) are counters of the same kind, one per
 *   event key, created when that event first arrives.
 *
 * Sessions of an app without any of these have no EventLimits at all.
 * @module
 */
import PQueue from "p-queue";
import { getClock } from "../core/clock.js";
import { checkDuration, checkInteger, describe, failArgument } from "../core/validate.js";

/** A rate limit: at most `intervalCap` events per `interval` milliseconds, per session. */
export interface RateLimit {
  /** Events admitted per window; an integer ≥ 1. */
  intervalCap: number;
  /** The window, in milliseconds; a finite number > 0. */
  interval: number;
}

/**
 * Checks a {@link RateLimit} given by the application.
 * @throws {TypeError|RangeError} naming `call` and `argument`.
 */
export function checkRateLimit(call: string, argument: string, limit: unknown): RateLimit {
  if (limit === null || typeof limit !== "object") failArgument("type", call, argument, "an object { intervalCap, interval }", limit);
  const { intervalCap, interval } = limit as RateLimit;
  checkInteger(call, `${argument}.intervalCap`, intervalCap, 1, "an integer ≥ 1");
  checkDuration(call, `${argument}.interval`, interval);
  if (interval === 0) failArgument("range", call, `${argument}.interval`, "a finite number of milliseconds > 0", interval);
  return { intervalCap, interval };
}

/** A fixed-window counter. */
export class Window {
  private start = -Infinity;
  private used = 0;

  constructor(readonly limit: RateLimit) {}

  /** True when one more event fits in the current window (the window is renewed first if over). */
  fits(now: number): boolean {
    if (now - this.start >= this.limit.interval) {
      this.start = now;
      this.used = 0;
    }
    return this.used < this.limit.intervalCap;
  }

  /** Uses one unit; call only after {@link fits} returned true for the same `now`. */
  take(): void {
    this.used++;
  }
}

/** What a session's limits are made of, resolved from the mount options and the class. */
export interface LimitSettings {
  /** Handlers running at once; undefined or Infinity for no limit. */
  concurrency: number | undefined;
  /** The session-wide rate limit. */
  rateLimit: RateLimit | undefined;
  /** Per-event rate limits, by normalised event key. */
  rateLimits: ReadonlyMap<string, RateLimit> | null;
}

export class EventLimits {
  private readonly window: Window | null;
  private readonly perEvent: Map<string, Window> | null;
  private readonly handlers: PQueue | null;

  constructor(private readonly settings: LimitSettings) {
    this.window = settings.rateLimit === undefined ? null : new Window(settings.rateLimit);
    this.perEvent = settings.rateLimits === null ? null : new Map();
    const { concurrency } = settings;
    this.handlers = concurrency === undefined || concurrency === Infinity ? null : new PQueue({ concurrency });
  }

  /** True when handlers run under a concurrency limit (and so may wait for a slot). */
  get queued(): boolean {
    return this.handlers !== null;
  }

  /** Handlers waiting for a concurrency slot. */
  get waiting(): number {
    return this.handlers?.size ?? 0;
  }

  /**
   * Uses one unit of each budget that applies to the event `key`; returns the limit that refuses it
   * (and uses nothing), or null when it is admitted.
   */
  admit(key: string): RateLimit | null {
    const now = getClock().now();
    let own: Window | undefined;
    if (this.perEvent !== null) {
      const limit = this.settings.rateLimits!.get(key);
      if (limit !== undefined) {
        own = this.perEvent.get(key);
        if (own === undefined) this.perEvent.set(key, (own = new Window(limit)));
        if (!own.fits(now)) return own.limit;
      }
    }
    const window = this.window;
    if (window !== null) {
      if (!window.fits(now)) return window.limit;
      window.take();
    }
    own?.take();
    return null;
  }

  /** Runs `task` now, or once a concurrency slot is free. `task` must not reject. */
  run(task: () => Promise<void> | void): void {
    if (this.handlers === null) void task();
    else void this.handlers.add(task);
  }

  /** Drops handlers still waiting for a slot; running ones go on. */
  close(): void {
    this.handlers?.clear();
  }
}

/**
 * The per-event limits of a class (`static rateLimits`), keyed by normalised event.
 * @throws {TypeError|RangeError} when malformed.
 */
export function checkRateLimits(
  call: string,
  owner: string,
  value: unknown,
  keyOf: (argument: string, event: string) => string,
): Map<string, RateLimit> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new TypeError(`${call}: expected ${owner}.rateLimits to be an object of { intervalCap, interval } by event name, got ${describe(value)}`);
  }
  const limits = new Map<string, RateLimit>();
  for (const [event, limit] of Object.entries(value)) {
    const argument = `${owner}.rateLimits[${JSON.stringify(event)}]`;
    limits.set(keyOf(`a key of ${owner}.rateLimits`, event), checkRateLimit(call, argument, limit));
  }
  return limits;
}
