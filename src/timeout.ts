/**
 * Deadlines: the `Timeout` object and the `withTimeout` block.
 * @module
 */
import { CancelScope, CancelState, abortReason, checkSignal, isAborted, subscribe, unsubscribe, type AbortTarget, type SignalLike } from "./core/cancel.js";
import { getClock, type Clock, type TimerHandle } from "./core/clock.js";
import { lastReject, lastResolve, leanPromise, type Reject, type Resolve } from "./core/park.js";
import { checkDuration, checkFunction, checkOptions } from "./core/validate.js";
import { TimeoutError } from "./errors.js";
import type { Signal } from "./greenlet.js";

declare global {
  // Node defines Symbol.dispose from 20.4 on, and @types/node and TypeScript's esnext.disposable
  // lib declare it just so. Declared here as well, so that the published types compile for a
  // consumer who has neither (a `using` of theirs needs one of them anyway, for `Disposable`).
  interface SymbolConstructor {
    readonly dispose: unique symbol;
  }
}

function fire(timeout: Timeout): void {
  timeout._expire();
}

/**
 * A deadline you can start, cancel and hand to waits. When it fires, `signal` aborts with this
 * timeout's error: a `TimeoutError` naming the ms, or the exception given to the constructor.
 * A Timeout can also be passed directly as the `signal` option of the library's own waits.
 *
 * `new Timeout(null)` never fires; `new Timeout(0)` fires on the next timer turn. `start()` while
 * pending or after it fired throws; after `cancel()` it may be started again.
 *
 * It is `Disposable`: `using t = Timeout.startNew(ms)` cancels it when the block ends, however
 * it ends (the spelling of gevent's `with Timeout(seconds):`; the waits in the block still name
 * it as their `signal`).
 *
 * @example
 * ```ts
 * using t = Timeout.startNew(5000);
 * const first = await queue.get({ signal: t });
 * const second = await queue.get({ signal: t }); // both within the same 5 s
 * ```
 */
export class Timeout extends CancelScope {
  /** The duration in milliseconds, or null for a timeout that never fires. */
  readonly ms: number | null;
  private readonly exception: unknown;
  private timer: TimerHandle | undefined = undefined;
  private clock: Clock | undefined = undefined;
  private controller: AbortController | undefined = undefined;
  private readonly state = new CancelState();

  constructor(ms: number | null, exception?: unknown) {
    super();
    if (ms !== null) checkDuration("new Timeout()", "ms", ms);
    this.ms = ms;
    this.exception = exception;
  }

  /** Creates a timeout and starts it. */
  static startNew(ms: number | null, exception?: unknown): Timeout {
    return new Timeout(ms, exception).start();
  }

  /** True while started and neither fired nor cancelled. */
  get pending(): boolean {
    return this.timer !== undefined;
  }

  /** True once the timeout has fired. */
  get expired(): boolean {
    return this.state.aborted;
  }

  /**
   * An AbortSignal that aborts when the timeout fires, with the timeout's error as reason.
   * Created on first read.
   */
  get signal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController();
      if (this.state.aborted) this.controller.abort(this.state.reason);
    }
    return this.controller.signal;
  }

  /**
   * Arms the timeout on the library's clock.
   * @throws {Error} when it is pending already or has fired (create a new one).
   */
  start(): this {
    if (this.timer !== undefined) throw new Error("Timeout.start(): the timeout is pending already");
    if (this.state.aborted) throw new Error("Timeout.start(): the timeout has fired already; create a new one");
    if (this.ms !== null) {
      this.clock = getClock();
      this.timer = this.clock.setTimer(fire, this.ms, this);
    }
    return this;
  }

  /** Disarms the timeout if it is pending; does nothing otherwise. It may be started again. */
  cancel(): void {
    if (this.timer !== undefined) {
      this.clock!.clearTimer(this.timer);
      this.timer = undefined;
    }
  }

  /**
   * `cancel()`, under the name a `using` declaration calls at the end of its block. Never throws;
   * a timeout that fired keeps its `expired` state and its signal's reason.
   * @example
   * ```ts
   * {
   *   using deadline = Timeout.startNew(1000);
   *   await replies.get({ signal: deadline });
   * } // deadline.cancel() ran here
   * ```
   */
  [Symbol.dispose](): void {
    this.cancel();
  }

  /** @internal */
  _expire(): void {
    this.timer = undefined;
    const reason =
      this.exception !== undefined ? this.exception : new TimeoutError(`timed out after ${this.ms} ms`, this.ms ?? undefined);
    this.state.abort(reason);
    this.controller?.abort(reason);
  }

  /** @internal */
  _isAborted(): boolean {
    return this.state.aborted;
  }

  /** @internal */
  _abortReason(): unknown {
    return this.state.reason;
  }

  /** @internal */
  _subscribe(target: AbortTarget): void {
    this.state.subscribe(target);
  }

  /** @internal */
  _unsubscribe(target: AbortTarget): void {
    this.state.unsubscribe(target);
  }

  override toString(): string {
    return `<Timeout ${this.ms === null ? "never" : `${this.ms} ms`} ${this.expired ? "expired" : this.pending ? "pending" : "idle"}>`;
  }
}

/** Options of {@link withTimeout}. */
export interface WithTimeoutOptions<U> {
  /** Resolve with this on the deadline instead of rejecting (the key's presence counts, even `undefined`). */
  timeoutValue?: U;
  /** An outer cancellation: when it aborts, `withTimeout` rejects at once with its reason. */
  signal?: Signal;
}

/**
 * One `withTimeout` call in flight: the outer signal's registration, the timer's argument and the
 * promise's settlers in one object, so that a call allocates no closure for them.
 */
class TimeoutCall<U> implements AbortTarget {
  settled = false;
  timer: TimerHandle = undefined;
  /** Created only for a `fn` that declares a parameter (see withTimeout). */
  controller: AbortController | undefined = undefined;

  constructor(
    readonly ms: number,
    readonly clock: Clock,
    readonly outer: SignalLike | undefined,
    readonly options: WithTimeoutOptions<U> | undefined,
    readonly resolve: Resolve,
    readonly reject: Reject,
  ) {}

  /** The outer signal aborted. */
  abort(reason: unknown): void {
    if (this.settled) return;
    this.settle();
    this.controller?.abort(reason);
    this.reject(reason);
  }

  expire(): void {
    if (this.settled) return;
    this.settle();
    const error = new TimeoutError(`withTimeout(): timed out after ${this.ms} ms`, this.ms);
    if (this.options !== undefined && "timeoutValue" in this.options) this.resolve(this.options.timeoutValue as U);
    else this.reject(error);
    this.controller?.abort(error);
  }

  fulfil(value: unknown): void {
    if (this.settled) return;
    this.settle();
    this.resolve(value);
  }

  fail(error: unknown): void {
    if (this.settled) return;
    this.settle();
    this.reject(error);
  }

  settle(): void {
    this.settled = true;
    this.clock.clearTimer(this.timer);
    if (this.outer !== undefined) unsubscribe(this.outer, this);
  }
}

function expireCall(call: TimeoutCall<unknown>): void {
  call.expire();
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === "object" || typeof value === "function") &&
    typeof (value as PromiseLike<unknown>).then === "function"
  );
}

/**
 * Runs `fn(signal)` with a deadline. `signal` aborts at the deadline (with this call's
 * `TimeoutError`) or when the outer signal aborts (with its reason).
 *
 * Settles at the deadline whether or not `fn` has returned: a `fn` that ignores its signal keeps
 * running in the background. On its own deadline resolves `timeoutValue` when the options have that
 * key, else rejects with its `TimeoutError`. It only ever handles its own deadline, so nested calls
 * compose: the shorter deadline wins and its error reaches the caller unchanged.
 *
 * A `fn` that declares no parameter (`fn.length === 0`) is called with none, and no AbortSignal is
 * created for it: a signal costs most of what a short call costs. A rest parameter
 * (`(...args) => …`) or a first parameter with a default counts as none in `fn.length`; name the
 * signal as a plain first parameter to receive it.
 *
 * @throws {TypeError|RangeError} at the call when `ms` is not a finite number ≥ 0 or `fn` is not a
 * function.
 * @throws rejects with the outer `signal.reason` at once when it aborts, even if `fn` ignores it.
 * @example
 * ```ts
 * const user = await withTimeout(2000, (signal) => fetch(url, { signal }).then((r) => r.json()));
 * const cached = await withTimeout(50, () => cache.get(key), { timeoutValue: null });
 * ```
 */
export function withTimeout<T>(ms: number, fn: (signal: AbortSignal) => T | PromiseLike<T>): Promise<T>;
export function withTimeout<T, U>(
  ms: number,
  fn: (signal: AbortSignal) => T | PromiseLike<T>,
  options: WithTimeoutOptions<U>,
): Promise<T | U>;
export function withTimeout<T, U>(
  ms: number,
  fn: (signal: AbortSignal) => T | PromiseLike<T>,
  options?: WithTimeoutOptions<U>,
): Promise<T | U> {
  checkDuration("withTimeout()", "ms", ms);
  checkFunction("withTimeout()", "fn", fn);
  checkOptions("withTimeout()", options);
  const outer = checkSignal("withTimeout()", options?.signal);
  if (outer !== undefined && isAborted(outer)) return Promise.reject(abortReason(outer));

  const promise = leanPromise<T | U>();
  const clock = getClock();
  const call = new TimeoutCall<U>(ms, clock, outer, options, lastResolve, lastReject);
  call.timer = clock.setTimer(expireCall, ms, call as TimeoutCall<unknown>);
  if (outer !== undefined) subscribe(outer, call);

  let result: T | PromiseLike<T>;
  try {
    if (fn.length === 0) {
      result = (fn as () => T | PromiseLike<T>)();
    } else {
      call.controller = new AbortController();
      result = fn(call.controller.signal);
    }
  } catch (error) {
    call.settle();
    call.reject(error);
    return promise;
  }
  if (!isThenable(result)) {
    // Nothing to wait for: settled now, and the timer is cleared at once.
    call.settle();
    call.resolve(result);
    return promise;
  }
  // A foreign thenable is adopted once (its `then` may throw, or have effects): through Promise.resolve.
  (result instanceof Promise ? result : Promise.resolve(result)).then(
    (value) => call.fulfil(value),
    (error: unknown) => call.fail(error),
  );
  return promise;
}
