/**
 * What ends a `map`/`imap` run from outside: the caller's `signal` and the run's own `timeout`.
 *
 * A run costs one abort registration and at most one timer, whatever the number of items, and
 * both are removed the moment the run stops (it completed, failed, was left, killed, aborted or
 * timed out). So a long-lived signal shared by many runs, each over many items, collects nothing,
 * and a greenlet passed as the signal costs an entry in its set of parked waits, no AbortSignal.
 * @module
 */
import { abortReason, isAborted, subscribe, unsubscribe, type AbortTarget, type SignalLike } from "../core/cancel.js";
import { getClock, type Clock, type TimerHandle } from "../core/clock.js";
import { TimeoutError } from "../errors.js";

/** The checked `signal` and `timeout` options of one call, and the call's name for the error. */
export interface RunLimits {
  readonly call: string;
  readonly timeout: number | undefined;
  readonly signal: SignalLike | undefined;
}

/** What the guard stops: the run's `_abort`, the same door a group kill goes through. */
export interface Abortable {
  _abort(reason: unknown): void;
}

function expire(guard: RunGuard): void {
  guard.timer = undefined;
  const { call, timeout } = guard.limits;
  guard.abort(new TimeoutError(`${call}: timed out after ${timeout} ms`, timeout));
}

/** The registration and the timer of one run. */
export class RunGuard implements AbortTarget {
  timer: TimerHandle | undefined = undefined;
  private clock: Clock | undefined = undefined;
  private armed = false;

  constructor(
    private readonly run: Abortable,
    readonly limits: RunLimits,
  ) {}

  /**
   * Starts watching the signal and the clock. An aborted signal stops the run at once, before it
   * reads its source: the rule of every wait, an aborted signal wins.
   * @returns false when the run was stopped already.
   */
  arm(): boolean {
    const { signal, timeout } = this.limits;
    if (signal !== undefined && isAborted(signal)) {
      this.run._abort(abortReason(signal));
      return false;
    }
    this.armed = true;
    if (signal !== undefined) subscribe(signal, this);
    if (timeout !== undefined) {
      this.clock = getClock();
      this.timer = this.clock.setTimer(expire, timeout, this);
    }
    return true;
  }

  /** Removes the registration and clears the timer; idempotent. */
  disarm(): void {
    if (!this.armed) return;
    this.armed = false;
    const signal = this.limits.signal;
    if (signal !== undefined) unsubscribe(signal, this);
    if (this.timer !== undefined) {
      this.clock!.clearTimer(this.timer);
      this.timer = undefined;
    }
  }

  /** AbortTarget: the signal aborted (directly or through its fan-out), or the own timeout expired. */
  abort(reason: unknown): void {
    if (!this.armed) return;
    this.disarm();
    this.run._abort(reason);
  }
}
