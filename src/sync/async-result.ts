/**
 * `AsyncResult`: a value, or an exception, delivered once to whoever waits for it.
 * @module
 */
import { checkSignal } from "../core/cancel.js";
import { checkOptions, checkTimeout, failArgument } from "../core/validate.js";
import { rejectIfAborted, type Waiter } from "../core/waiter.js";
import { WatcherList, addWatcher, removeWatcher, type Waitable, type Watcher } from "../core/waitable.js";
import { TimeoutError } from "../errors.js";
import { linkTarget, type GetOptions, type Greenlet, type LinkTarget, type WaitOptions } from "../greenlet.js";
import { WakeList } from "./wake-list.js";

const PENDING = 0;
const VALUE = 1;
const EXCEPTION = 2;
type State = typeof PENDING | typeof VALUE | typeof EXCEPTION;

// The two kinds of wait share the wake list; `item` tells them apart. A get() with its own
// timeout carries the timeout (a number) instead, for the TimeoutError's message.
const GET = "get";
const WAIT = "wait";

function expireGet(waiter: Waiter<unknown>): void {
  const ms = waiter.item as number;
  waiter.reject(new TimeoutError(`AsyncResult.get(): timed out after ${ms} ms`, ms));
}

function expireWait(waiter: Waiter<unknown>): void {
  waiter.resolve(undefined);
}

/**
 * A one-shot result: `set(value)` or `setException(error)` settles it once, and every `get()` and
 * `wait()`, before or after, sees that outcome. gevent's AsyncResult, the "future" of the library.
 *
 * It is a link target: `g.link(result)` settles it with the greenlet's value or exception when the
 * greenlet ends. A greenlet killed with a `GreenletExit` has no value: the result is settled with
 * the exit as its exception, so `result.get()` rejects with it, as `g.get()` does. It is also a
 * waitable, ready once settled.
 *
 * @example
 * ```ts
 * const result = new AsyncResult<number>();
 * spawn(async (g) => result.set(await compute({ signal: g })));
 * const n = await result.get({ timeout: 5000 });
 * ```
 */
export class AsyncResult<T = unknown> implements Waitable, LinkTarget {
  private state: State = PENDING;
  private outcome: unknown = undefined;
  private waiters: WakeList<unknown> | null = null;
  private readonly watchers = new WatcherList();

  /**
   * Settles the result with `value` and wakes every pending `get()`/`wait()` in the order they were
   * made, then every watcher.
   * @throws {TypeError} when the result is settled already (a second `set` or `setException`);
   * the first outcome stays.
   * @example
   * ```ts
   * result.set(42);
   * ```
   */
  set(value: T): void {
    this.settle("AsyncResult.set()", VALUE, value);
  }

  /**
   * Settles the result with an exception: pending and later `get()`s reject with `error`
   * (unchanged), `wait()`s resolve `undefined`.
   * @throws {TypeError} when the result is settled already; the first outcome stays.
   * @example
   * ```ts
   * result.setException(new Error("upstream failed"));
   * ```
   */
  setException(error: unknown): void {
    this.settle("AsyncResult.setException()", EXCEPTION, error);
  }

  private settle(call: string, state: State, outcome: unknown): void {
    if (this.state !== PENDING) {
      const held = this.state === VALUE ? "a value" : "an exception";
      throw new TypeError(`${call}: the result is already settled with ${held}; an AsyncResult settles once`);
    }
    this.state = state;
    this.outcome = outcome;
    const waiters = this.waiters;
    if (waiters !== null) {
      this.waiters = null;
      if (state === VALUE) waiters.wakeAll(outcome);
      else waiters.settleByKind(WAIT, undefined, outcome);
    }
    this.watchers.notifyAll(this);
  }

  /**
   * Whether the result is settled (with a value or an exception).
   * @example
   * ```ts
   * if (result.ready()) return result.successful() ? result.value : fallback;
   * ```
   */
  ready(): boolean {
    return this.state !== PENDING;
  }

  /** Whether the result is settled with a value. */
  successful(): boolean {
    return this.state === VALUE;
  }

  /** The value once settled with one; `undefined` before, and after `setException`. */
  get value(): T | undefined {
    return this.state === VALUE ? (this.outcome as T) : undefined;
  }

  /** The exception once settled with one; `undefined` before, and after `set`. */
  get exception(): unknown {
    return this.state === EXCEPTION ? this.outcome : undefined;
  }

  /**
   * The value, waiting for it if needed. A switch point: a kill of the greenlet passed as
   * `signal` lands here at once.
   *
   * @returns the value; rejects with the exception (unchanged) when settled with one.
   * @throws {TypeError|RangeError} at the call for bad options.
   * @throws rejects with `TimeoutError` on its own `timeout`, or at once when `block` is `false`
   * and the result is not settled; with `signal.reason` when the signal aborts (at once if it is
   * aborted already, even when settled). A wait that ends so leaves nothing behind.
   * @example
   * ```ts
   * const user = await result.get({ timeout: 2000, signal: g });
   * ```
   */
  get(options?: GetOptions): Promise<T> {
    checkOptions("AsyncResult.get()", options);
    const timeout = checkTimeout("AsyncResult.get()", options?.timeout);
    const signal = checkSignal("AsyncResult.get()", options?.signal);
    const block = options?.block;
    if (block !== undefined && typeof block !== "boolean") {
      failArgument("type", "AsyncResult.get()", "block", "a boolean or undefined", block);
    }
    const aborted = rejectIfAborted(signal);
    if (aborted !== undefined) return aborted;
    if (this.state === VALUE) return Promise.resolve(this.outcome as T);
    if (this.state === EXCEPTION) return Promise.reject(this.outcome);
    if (block === false) {
      return Promise.reject(new TimeoutError("AsyncResult.get(): the result is not ready and block is false"));
    }
    const waiters = (this.waiters ??= new WakeList<unknown>(this, "get"));
    if (timeout === undefined && signal === undefined) return waiters.plain(GET) as Promise<T>;
    return waiters.own(expireGet, timeout, timeout, signal) as Promise<T>;
  }

  /**
   * Waits until the result is settled, without ever rejecting because of its outcome.
   *
   * @returns the value; `undefined` when settled with an exception or when the own `timeout`
   * expired first.
   * @throws {TypeError|RangeError} at the call for bad options.
   * @throws rejects with `signal.reason` when the signal aborts (at once if aborted already).
   * @example
   * ```ts
   * const value = await result.wait({ timeout: 100 }); // undefined if not there in time
   * ```
   */
  wait(options?: WaitOptions): Promise<T | undefined> {
    checkOptions("AsyncResult.wait()", options);
    const timeout = checkTimeout("AsyncResult.wait()", options?.timeout);
    const signal = checkSignal("AsyncResult.wait()", options?.signal);
    const aborted = rejectIfAborted(signal);
    if (aborted !== undefined) return aborted;
    if (this.state !== PENDING) return Promise.resolve(this.value);
    const waiters = (this.waiters ??= new WakeList<unknown>(this, "get"));
    if (timeout === undefined && signal === undefined) return waiters.plain(WAIT) as Promise<T | undefined>;
    return waiters.own(expireWait, WAIT, timeout, signal) as Promise<T | undefined>;
  }

  /**
   * Link target: `g.link(result)` calls this when `g` ends, settling the result with the
   * greenlet's value or exception, or with its `GreenletExit` as the exception when it was killed
   * (what `g.get()` would give). A result settled already makes the link fail with the
   * `TypeError` of a second settle, which the hub reports as a failed link.
   */
  [linkTarget](g: Greenlet<any>): void {
    if (g._exited()) this.setException(g.value);
    else if (g.successful()) this.set(g.value as T);
    else this.setException(g.exception);
  }

  /** Waitable protocol: notified at once when settled, else when it settles. */
  [addWatcher](watcher: Watcher): void {
    if (this.state !== PENDING) watcher.notify(this);
    else this.watchers.add(watcher);
  }

  /** Waitable protocol. */
  [removeWatcher](watcher: Watcher): void {
    this.watchers.remove(watcher);
  }

  toString(): string {
    return `<AsyncResult ${["pending", "value", "exception"][this.state]}>`;
  }
}
