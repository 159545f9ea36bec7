/**
 * `retry`: calls a function again after failures, with a backoff between attempts.
 *
 * Written here rather than taken from abort-controller-x (docs/design/greenlet.md, "Why not
 * abort-controller-x's retry"): its delay runs on the platform's timers, not the library's clock
 * (no virtual clock in tests), it adds random jitter, it needs an AbortSignal where a greenlet
 * should do, and it retries a kill (only errors named `AbortError` stop it).
 * @module
 */
import { abortReason, checkSignal, isAborted, subscribe, unsubscribe, type AbortTarget, type SignalLike } from "./core/cancel.js";
import { checkDuration, checkFunction, checkInteger, checkOptions, failArgument } from "./core/validate.js";
import { rejectIfAborted } from "./core/waiter.js";
import { GreenletExit } from "./errors.js";
import type { Signal } from "./greenlet.js";
import { sleep } from "./sleep.js";

/** Options of {@link retry}. */
export interface RetryOptions {
  /** How many calls in all, the first included: an integer ≥ 1, or `Infinity`. Default 3. */
  attempts?: number;
  /**
   * Milliseconds to wait after failed attempt `attempt` (1 for the first) before the next one:
   * a number for a constant delay, or a function of the attempt and its error. Default
   * `exponentialBackoff()`: 100, 200, 400 … ms, at most 10 s. No jitter unless the function adds it.
   */
  backoff?: number | ((attempt: number, error: unknown) => number);
  /**
   * Whether a failure is worth another attempt. Default: every error except a `GreenletExit` (a
   * kill) and the signal's reason; those always end the retry, whatever this says.
   */
  retryIf?: (error: unknown, attempt: number) => boolean;
  /** Called before each delay, with the failure, its attempt number and the delay in ms. */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  /**
   * Ends the retry at once with `signal.reason`, unchanged: during a delay, and during an attempt
   * (an attempt that ignores the abort keeps running). Inside a greenlet, pass the greenlet.
   */
  signal?: Signal;
}

/** Options of {@link exponentialBackoff}. */
export interface ExponentialBackoffOptions {
  /** The delay after the first failure, in ms. Default 100. */
  initialMs?: number;
  /** The growth per attempt, a finite number ≥ 1. Default 2. */
  factor?: number;
  /** The longest delay, in ms. Default 10 000. */
  maxMs?: number;
}

/**
 * A backoff for {@link retry}: `initialMs · factor^(attempt − 1)`, at most `maxMs`.
 * @throws {TypeError|RangeError} at the call for a bad option.
 * @example
 * ```ts
 * await retry(() => connect(), { attempts: 10, backoff: exponentialBackoff({ initialMs: 50, maxMs: 2000 }) });
 * ```
 */
export function exponentialBackoff(options?: ExponentialBackoffOptions): (attempt: number) => number {
  const call = "exponentialBackoff()";
  checkOptions(call, options);
  const initialMs = checkDuration(call, "initialMs", options?.initialMs ?? 100);
  const maxMs = options?.maxMs === Infinity ? Infinity : checkDuration(call, "maxMs", options?.maxMs ?? 10_000);
  const factor = options?.factor ?? 2;
  if (typeof factor !== "number") failArgument("type", call, "factor", "a finite number ≥ 1", factor);
  if (!Number.isFinite(factor) || factor < 1) failArgument("range", call, "factor", "a finite number ≥ 1", factor);
  return (attempt) => Math.min(maxMs, initialMs * factor ** (attempt - 1));
}

const defaultBackoff = exponentialBackoff();

/** Rejects the pending attempt when the signal aborts. */
class AbortAttempt implements AbortTarget {
  constructor(readonly abort: (reason: unknown) => void) {}
}

/** The attempt's outcome, or the signal's reason as soon as it aborts. */
function untilAborted<T>(attempt: PromiseLike<T>, signal: SignalLike): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (isAborted(signal)) {
      reject(abortReason(signal)); // aborted by the attempt's own synchronous part
      return;
    }
    const target = new AbortAttempt(reject);
    subscribe(signal, target);
    Promise.resolve(attempt).then(
      (value) => {
        unsubscribe(signal, target);
        resolve(value);
      },
      (error: unknown) => {
        unsubscribe(signal, target);
        reject(error);
      },
    );
  });
}

/**
 * Calls `fn(attempt)` (attempt 1, 2, …) until it returns or resolves, at most `attempts` times,
 * waiting `backoff` ms on the library's clock after each failure. A function that throws
 * synchronously has failed its attempt like one that rejects.
 *
 * Resolves with the first success. Rejects with the last failure, unchanged, once the attempts
 * are used up or `retryIf` says no; at once with a `GreenletExit` an attempt failed with (a kill
 * is never retried); and with `signal.reason` as soon as the signal aborts, during a delay or an
 * attempt. Inside a greenlet, give `fn` what it needs from the greenlet (`g.signal` for fetch,
 * `{ signal: g }` for the library's waits) and pass `signal: g`.
 * @throws {TypeError|RangeError} at the call for a bad `fn` or option; a `backoff` function that
 * returns something other than a duration rejects the retry with a RangeError.
 * @throws rejects as described above; at once with `signal.reason` when it is aborted already
 * (`fn` is not called).
 * @example
 * ```ts
 * spawn(async (g) => {
 *   const res = await retry(() => fetch(url, { signal: g.signal }), { attempts: 5, backoff: 250, signal: g });
 *   return res.json();
 * });
 * ```
 */
export function retry<T>(fn: (attempt: number) => T | PromiseLike<T>, options?: RetryOptions): Promise<Awaited<T>> {
  const call = "retry()";
  checkFunction(call, "fn", fn);
  checkOptions(call, options);
  const attempts = options?.attempts === undefined ? 3 : checkInteger(call, "attempts", options.attempts, 1, "an integer ≥ 1 or Infinity", true);
  const backoff = options?.backoff ?? defaultBackoff;
  if (typeof backoff === "number") checkDuration(call, "backoff", backoff);
  else if (typeof backoff !== "function") failArgument("type", call, "backoff", "a number of milliseconds ≥ 0 or a function", backoff);
  if (options?.retryIf !== undefined) checkFunction(call, "retryIf", options.retryIf);
  if (options?.onRetry !== undefined) checkFunction(call, "onRetry", options.onRetry);
  const signal = checkSignal(call, options?.signal);
  const aborted = rejectIfAborted(signal);
  if (aborted !== undefined) return aborted;
  return attemptAll(fn, attempts, backoff, options?.retryIf, options?.onRetry, signal);
}

async function attemptAll<T>(
  fn: (attempt: number) => T | PromiseLike<T>,
  attempts: number,
  backoff: number | ((attempt: number, error: unknown) => number),
  retryIf: ((error: unknown, attempt: number) => boolean) | undefined,
  onRetry: ((error: unknown, attempt: number, delayMs: number) => void) | undefined,
  signal: SignalLike | undefined,
): Promise<Awaited<T>> {
  for (let attempt = 1; ; attempt++) {
    try {
      const result = fn(attempt);
      if (signal === undefined || !isThenable(result)) return await result;
      return (await untilAborted(result, signal)) as Awaited<T>;
    } catch (error) {
      if (signal !== undefined && isAborted(signal)) throw abortReason(signal);
      if (error instanceof GreenletExit || attempt >= attempts) throw error;
      if (retryIf !== undefined && !retryIf(error, attempt)) throw error;
      const delayMs = typeof backoff === "number" ? backoff : checkDelay(backoff(attempt, error));
      onRetry?.(error, attempt, delayMs);
      await sleep(delayMs, signal === undefined ? undefined : { signal });
    }
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === "object" || typeof value === "function") &&
    typeof (value as PromiseLike<unknown>).then === "function"
  );
}

function checkDelay(value: unknown): number {
  return checkDuration("retry()", "the delay returned by backoff", value);
}
