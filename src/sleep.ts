/**
 * `sleep`: the cooperative yield and the timed pause.
 * @module
 */
import { checkSignal } from "./core/cancel.js";
import { getClock } from "./core/clock.js";
import { checkDuration, checkOptions } from "./core/validate.js";
import { Waiter, rejectIfAborted } from "./core/waiter.js";
import type { Signal } from "./greenlet.js";

function expireResolve(waiter: Waiter<void>): void {
  waiter.resolve();
}

/**
 * Waits `ms` milliseconds on the library's clock.
 *
 * `sleep(0)` is the cooperative yield: it resolves on a later macrotask turn, after every greenlet
 * that is ready has run, and a `sleep(0)` loop also lets timers and I/O run.
 *
 * @throws {TypeError|RangeError} at the call when `ms` is not a finite number ≥ 0.
 * @throws rejects with `signal.reason` when the signal aborts (at once if aborted already); the
 * timer is cleared then.
 * @example
 * ```ts
 * spawn(async (g) => { for (;;) { tick(); await sleep(500, { signal: g }); } });
 * ```
 */
export function sleep(ms: number, options?: { signal?: Signal }): Promise<void> {
  checkDuration("sleep()", "ms", ms);
  checkOptions("sleep()", options);
  const signal = checkSignal("sleep()", options?.signal);
  const aborted = rejectIfAborted(signal);
  if (aborted !== undefined) return aborted;
  const clock = getClock();
  if (ms === 0) {
    if (signal === undefined) return new Promise((resolve) => clock.yieldTurn(resolve));
    const waiter = new Waiter<void>(expireResolve).arm(undefined, signal);
    clock.yieldTurn(() => waiter.resolve());
    return waiter.promise;
  }
  return new Waiter<void>(expireResolve).arm(ms, signal).promise;
}
