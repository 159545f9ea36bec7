/**
 * `shield`: cleanup waits that a pending kill does not interrupt, bounded by their own deadline.
 *
 * A killed greenlet stays aborted, so a wait in its `finally` that is given the greenlet rejects
 * at once. `shield` hands its function a fresh scope instead: a `Timeout` that aborts only at the
 * shield's own deadline. Waits given that scope ignore the kill and end at the deadline at the
 * latest (Trio's shielded `CancelScope` with a deadline, Effect's `uninterruptible` with a bound).
 * @module
 */
import type { AbortTarget } from "./core/cancel.js";
import { checkFunction, checkOptions, checkTimeout, failArgument } from "./core/validate.js";
import { TimeoutError } from "./errors.js";
import { Timeout } from "./timeout.js";

/** Options of {@link shield}. */
export interface ShieldOptions {
  /**
   * Milliseconds the shielded work may take: required, since a shield without a bound can make a
   * kill wait forever. `Infinity` says "no bound" explicitly.
   */
  timeout: number;
}

/** Rejects the shield's promise at the deadline; the scope calls it after the waits inside. */
class Deadline implements AbortTarget {
  constructor(readonly abort: (reason: unknown) => void) {}
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === "object" || typeof value === "function") &&
    typeof (value as PromiseLike<unknown>).then === "function"
  );
}

/**
 * Runs `fn(scope)`, where `scope` is a fresh {@link Timeout} started with the shield's `timeout`:
 * pass it as the `signal` of the waits that must not be interrupted by the kill of the current
 * greenlet (or `scope.signal` to platform APIs). Nothing in `fn` should be given the killed
 * greenlet itself: that wait would reject at once.
 *
 * Settles with `fn`'s outcome (its value, or what it throws or rejects with). If the deadline
 * passes first, every wait given `scope` rejects with the shield's `TimeoutError`, and `shield`
 * rejects with that same error at once, whether or not `fn` has settled (a `fn` that ignores its
 * scope keeps running, as with `withTimeout`). No outer signal interrupts a shield: that is its
 * purpose; its deadline is the bound.
 *
 * Not the same as `withTimeout(ms, fn)`, which it resembles: the scope it passes is a library
 * scope (free for the library's waits, `scope.signal` created only when read), and the deadline
 * is required, so a cleanup cannot hang a kill without saying so.
 * @throws {TypeError} at the call when `fn` is not a function, or `options` or `timeout` is
 * missing or not a number.
 * @throws {RangeError} at the call when `timeout` is NaN or negative.
 * @throws rejects with `fn`'s error, or with a `TimeoutError` (`ms` set) once the deadline passes.
 * @example
 * ```ts
 * spawn(async (g) => {
 *   try {
 *     for (;;) buffer.push(await input.get({ signal: g }));
 *   } finally {
 *     await shield((s) => output.put(buffer, { signal: s }), { timeout: 1000 }); // the kill does not cut this short
 *   }
 * });
 * ```
 */
export function shield<T>(fn: (scope: Timeout) => T | PromiseLike<T>, options: ShieldOptions): Promise<Awaited<T>> {
  checkFunction("shield()", "fn", fn);
  if (options === undefined) failArgument("type", "shield()", "options", "an object with a timeout", options);
  checkOptions("shield()", options);
  const raw = options.timeout;
  if (raw === undefined) failArgument("type", "shield()", "timeout", "a number of milliseconds ≥ 0 (Infinity for none)", raw);
  const ms = checkTimeout("shield()", raw);
  const scope = new Timeout(ms ?? null, ms === undefined ? undefined : new TimeoutError(`shield(): timed out after ${ms} ms`, ms)).start();
  let result: T | PromiseLike<T>;
  try {
    result = fn(scope);
  } catch (error) {
    scope.cancel();
    return Promise.reject(error);
  }
  if (!isThenable(result)) {
    scope.cancel();
    return Promise.resolve(result as Awaited<T>);
  }
  return new Promise<Awaited<T>>((resolve, reject) => {
    const deadline = new Deadline(reject);
    scope._subscribe(deadline);
    const settle = (): void => {
      scope.cancel();
      scope._unsubscribe(deadline);
    };
    Promise.resolve(result).then(
      (value) => {
        settle();
        resolve(value as Awaited<T>);
      },
      (error: unknown) => {
        settle();
        reject(error);
      },
    );
  });
}
