/**
 * `Channel`: a rendezvous between one putter and one getter, with no buffer at all.
 * @module
 */
import { abortReason, isAborted } from "../core/cancel.js";
import { WaitList, type Waiter } from "../core/waiter.js";
import { QueueEmptyError, QueueFullError, QueueShutDownError } from "../errors.js";
import { rejectShutDown } from "./base.js";
import { RESOLVED, drain, parkedWait, parseWaitOptions, type QueueWaiter, checkIterOptions, type QueueIterOptions, type QueueWaitOptions } from "./shared.js";

function expireGet(waiter: Waiter<any>): void {
  const w = waiter as QueueWaiter<unknown>;
  w.reject(new QueueEmptyError(`${w.call}: timed out after ${w.timeout} ms; no putter came`));
}

function expirePut(waiter: Waiter<any>): void {
  const w = waiter as QueueWaiter<unknown>;
  w.reject(new QueueFullError(`${w.call}: timed out after ${w.timeout} ms; no getter took the item`));
}

/**
 * A channel with no buffer (gevent's `Channel`): `put` resolves only once a getter has taken the
 * item, so the producer knows it was received, and `get` waits for a putter. Putters and getters
 * are each served in arrival order.
 *
 * Cancel safety: a put that is aborted or times out has not delivered its item and never will;
 * a get that is aborted or times out has taken nothing. A put that resolved was taken by exactly
 * one getter.
 *
 * `shutdown()` ends the channel: blocked and later putters and getters reject with
 * `QueueShutDownError` (a blocked putter's item is not delivered), and `for await` loops end.
 *
 * @example
 * ```ts
 * const ch = new Channel<Request>();
 * spawn(async (g) => { for await (const req of ch.iter({ signal: g })) await handle(req); });
 * await ch.put(req, { timeout: 1000 }); // resolves once the worker took it; QueueFullError if nobody did
 * ```
 */
export class Channel<T> implements AsyncIterable<T> {
  private readonly getters = new WaitList(this, "get");
  private readonly putters = new WaitList(this, "put");
  private shut = false;

  /** Blocked putters minus blocked getters (gevent's `balance`): > 0 means items wait for takers. */
  get balance(): number {
    return this.putters.size - this.getters.size;
  }

  /** True once {@link shutdown} was called. */
  get isShutDown(): boolean {
    return this.shut;
  }

  /**
   * Offers `item` and waits until a getter has taken it. A getter already waiting takes it at once.
   * @returns a promise that resolves once a getter has the item.
   * @throws {TypeError|RangeError} at the call, for bad options.
   * @throws rejects with `signal.reason` when the signal aborts (at once if it is aborted already,
   * even when a getter is waiting); with `QueueShutDownError` after {@link shutdown}; with
   * `QueueFullError` when no getter is waiting and `block` is false, or when its own `timeout`
   * expires first. In every rejected case the item was not delivered.
   * @example
   * ```ts
   * await ch.put(job, { signal: g });
   * ```
   */
  put(item: T, options?: QueueWaitOptions): Promise<void> {
    const call = "Channel.put()";
    const { block, timeout, signal } = parseWaitOptions(call, options);
    if (signal !== undefined && isAborted(signal)) return Promise.reject(abortReason(signal));
    if (this.shut) return Promise.reject(new QueueShutDownError(`${call}: the channel was shut down`));
    const getter = this.getters.shift();
    if (getter !== null) {
      getter.resolve(item);
      return RESOLVED;
    }
    if (!block) return Promise.reject(new QueueFullError(`${call}: no getter is waiting and block is false`));
    const waiter = parkedWait<void>(expirePut, call, timeout);
    waiter.item = item;
    this.putters.push(waiter);
    return waiter.arm(timeout, signal).promise;
  }

  /**
   * Hands `item` to a getter that is already waiting, without waiting.
   * @throws {QueueFullError} when no getter is waiting.
   * @throws {QueueShutDownError} after {@link shutdown}.
   * @example
   * ```ts
   * if (ch.balance < 0) ch.putNowait(job); // a getter is waiting
   * ```
   */
  putNowait(item: T): void {
    if (this.shut) throw new QueueShutDownError("Channel.putNowait(): the channel was shut down");
    const getter = this.getters.shift();
    if (getter === null) throw new QueueFullError("Channel.putNowait(): no getter is waiting");
    getter.resolve(item);
  }

  /**
   * Takes an item from the first waiting putter, waiting for one if there is none; that putter's
   * `put` resolves.
   * @returns a promise of the item.
   * @throws {TypeError|RangeError} at the call, for bad options.
   * @throws rejects with `signal.reason` when the signal aborts (at once if it is aborted already);
   * with `QueueShutDownError` once the channel is shut down; with `QueueEmptyError` when no putter
   * is waiting and `block` is false, or when its own `timeout` expires first. A rejected get took
   * nothing.
   * @example
   * ```ts
   * const job = await ch.get({ signal: g });
   * ```
   */
  get(options?: QueueWaitOptions): Promise<T> {
    const call = "Channel.get()";
    const { block, timeout, signal } = parseWaitOptions(call, options);
    if (signal !== undefined && isAborted(signal)) return Promise.reject(abortReason(signal));
    const putter = this.putters.shift();
    if (putter !== null) {
      const item = putter.item as T;
      putter.resolve(undefined);
      return Promise.resolve(item);
    }
    if (this.shut) return Promise.reject(new QueueShutDownError(`${call}: the channel was shut down`));
    if (!block) return Promise.reject(new QueueEmptyError(`${call}: no putter is waiting and block is false`));
    const waiter = parkedWait<T>(expireGet, call, timeout);
    this.getters.push(waiter);
    return waiter.arm(timeout, signal).promise;
  }

  /**
   * Takes an item from a putter that is already waiting, without waiting.
   * @throws {QueueEmptyError} when no putter is waiting.
   * @throws {QueueShutDownError} once the channel is shut down.
   * @example
   * ```ts
   * while (ch.balance > 0) handle(ch.getNowait());
   * ```
   */
  getNowait(): T {
    const putter = this.putters.shift();
    if (putter !== null) {
      const item = putter.item as T;
      putter.resolve(undefined);
      return item;
    }
    if (this.shut) throw new QueueShutDownError("Channel.getNowait(): the channel was shut down");
    throw new QueueEmptyError("Channel.getNowait(): no putter is waiting");
  }

  /**
   * Shuts the channel down: blocked putters and getters reject with `QueueShutDownError` (no item
   * is delivered), so do all later calls, and `for await` loops end. Idempotent.
   * @example
   * ```ts
   * ch.shutdown(); // the worker's for-await loop ends
   * ```
   */
  shutdown(): void {
    this.shut = true;
    rejectShutDown(this.getters, "Channel.get()", "channel");
    rejectShutDown(this.putters, "Channel.put()", "channel");
  }

  /**
   * An async iterator that gets items until the channel is shut down, passing `signal` to every
   * `get`: a kill of the greenlet ends the loop with the kill's reason.
   * @throws {TypeError} at the call, for bad options.
   * @example
   * ```ts
   * for await (const msg of ch.iter({ signal: g })) console.log(msg);
   * ```
   */
  iter(options?: QueueIterOptions): AsyncIterableIterator<T> {
    return drain(this, checkIterOptions("Channel.iter()", options));
  }

  /** `for await (const item of channel)`: {@link iter} without a signal. */
  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return drain(this, undefined);
  }

  /** A short description for logs: `<Channel getters=1 putters=0>`. */
  toString(): string {
    const shut = this.shut ? " shut down" : "";
    return `<Channel getters=${this.getters.size} putters=${this.putters.size}${shut}>`;
  }
}
