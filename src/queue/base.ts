/**
 * What `Queue`, `LifoQueue` and `PriorityQueue` have in common: every rule about waiting,
 * cancellation, task accounting and shutdown. The subclasses only pick the storage (ring, stack,
 * heap), so the rules are written and tested once.
 *
 * Invariants, which every method keeps before it returns:
 * - getters and peekers wait only while the store is empty;
 * - putters wait only while the store is full (`length >= maxsize`), so they are admitted the
 *   moment room appears, in arrival order, before any later put;
 * - `unfinished` counts the items accepted (stored or handed off) and not yet `taskDone()`.
 * So a put that finds a waiting getter hands the item straight over, and a get that finds items
 * never meets a waiting getter ahead of it: both ends are served FIFO.
 * @module
 */
import { checkSignal, isAborted, abortReason } from "../core/cancel.js";
import { checkOptions, checkTimeout } from "../core/validate.js";
import { PARKS, ParkList } from "../core/park.js";
import { Waiter, WaitList, rejectIfAborted } from "../core/waiter.js";
import { QueueEmptyError, QueueFullError, QueueShutDownError } from "../errors.js";
import type { Greenlet, WaitOptions } from "../greenlet.js";
import type { SignalLike } from "../core/cancel.js";
import {
  RESOLVED,
  drain,
  parseWaitOptions,
  checkFlag,
  checkIterOptions,
  checkMaxsize,
  parkedWait,
  type QueueIterOptions,
  type QueueWaitOptions,
  type QueueWaiter,
} from "./shared.js";
import type { Store } from "./store.js";

/** @internal The call names a queue class uses in its messages, built once per class. */
export interface QueueNames {
  readonly kind: string;
  readonly ctor: string;
  readonly get: string;
  readonly getNowait: string;
  readonly put: string;
  readonly putNowait: string;
  readonly peek: string;
  readonly peekNowait: string;
  readonly join: string;
  readonly taskDone: string;
  readonly maxsize: string;
  readonly shutdown: string;
  readonly iter: string;
}

/** @internal */
export function queueNames(kind: string): QueueNames {
  return {
    kind,
    ctor: `${kind}()`,
    get: `${kind}.get()`,
    getNowait: `${kind}.getNowait()`,
    put: `${kind}.put()`,
    putNowait: `${kind}.putNowait()`,
    peek: `${kind}.peek()`,
    peekNowait: `${kind}.peekNowait()`,
    join: `${kind}.join()`,
    taskDone: `${kind}.taskDone()`,
    maxsize: `${kind}.maxsize`,
    shutdown: `${kind}.shutdown()`,
    iter: `${kind}.iter()`,
  };
}

function expireEmpty(waiter: Waiter<any>): void {
  const w = waiter as QueueWaiter<unknown>;
  w.reject(new QueueEmptyError(`${w.call}: timed out after ${w.timeout} ms; the queue is still empty`));
}

function expireFull(waiter: Waiter<any>): void {
  const w = waiter as QueueWaiter<unknown>;
  w.reject(new QueueFullError(`${w.call}: timed out after ${w.timeout} ms; the queue is still full`));
}

function expireFalse(waiter: Waiter<boolean>): void {
  waiter.resolve(false);
}

/** @internal Rejects every waiter of `list`, all parked by `call`, with a QueueShutDownError. */
export function rejectShutDown(list: WaitList, call: string, what = "queue"): void {
  for (let w = list.shift(); w !== null; w = list.shift()) w.reject(new QueueShutDownError(`${call}: the ${what} was shut down`));
}

function failShutDown(list: ParkList, call: string): void {
  for (let entry = list.shift(); entry !== null; entry = list.shift()) entry._fail(new QueueShutDownError(`${call}: the queue was shut down`));
}

/**
 * The greenlet to park lean for a get/put/peek given `options`, or undefined for the general
 * path: `{ signal: g }` with neither `timeout` nor `block` (what the docs prescribe inside a
 * greenlet), classified with a few property reads and no validation call.
 */
function leanSignal(options: QueueWaitOptions | undefined): Greenlet<any> | undefined {
  if (typeof options !== "object" || options === null) return undefined;
  const signal = options.signal as Greenlet<any> | undefined;
  if (signal === undefined || signal[PARKS] !== true || options.timeout !== undefined || options.block !== undefined) return undefined;
  return signal;
}

/**
 * The common base of {@link Queue}, {@link LifoQueue} and {@link PriorityQueue}: a bounded or
 * unbounded queue of items with blocking `get`/`put`, task accounting (`taskDone`/`join`) and
 * shutdown. The subclasses differ only in which item `get` returns next. Use it as the type of
 * "any queue"; create one of the subclasses.
 *
 * @example
 * ```ts
 * async function drainInto(queue: BaseQueue<Job>, out: Job[]) { for await (const job of queue) out.push(job); }
 * ```
 */
export abstract class BaseQueue<T> implements AsyncIterable<T> {
  /** @internal */
  protected readonly _items: Store<T>;
  /** @internal */
  protected readonly _names: QueueNames;
  private max: number;
  private unfinished = 0;
  private shut = false;
  // Getters, putters and peekers are ParkLists: a greenlet waiting with `{ signal: g }` is its own
  // entry there (core/park.ts), next to Waiters for waits with a timeout or an AbortSignal.
  private readonly getters = new ParkList(false, this, "get");
  private readonly putters = new ParkList(true, this, "put");
  private readonly peekers = new ParkList(false, this, "peek");
  private readonly joiners = new WaitList(this, "join");

  /** @internal `maxsize` is validated by the subclass, before it builds its store. */
  protected constructor(names: QueueNames, maxsize: number, store: Store<T>) {
    this._names = names;
    this.max = maxsize;
    this._items = store;
  }

  /**
   * The most items the queue holds; `Infinity` when unbounded. Assigning it follows the
   * constructor's rules (`undefined` means `Infinity`). Raising it admits blocked putters at once,
   * in arrival order; lowering it below `qsize()` keeps the items already in and blocks puts until
   * the queue has drained below the new bound.
   * @throws {TypeError|RangeError} when assigned anything but a positive integer, `Infinity` or `undefined`.
   * @example
   * ```ts
   * const q = new Queue<number>(1);
   * q.maxsize = 100; // putters blocked on the old bound go in now
   * ```
   */
  get maxsize(): number {
    return this.max;
  }

  set maxsize(value: number | undefined) {
    this.max = checkMaxsize(this._names.maxsize, value);
    if (!this.putters.vacant) this.admitPutters();
  }

  /** The number of items in the queue (not counting items offered by blocked putters). */
  qsize(): number {
    return this._items.length;
  }

  /** True when the queue holds no item. */
  empty(): boolean {
    return this._items.length === 0;
  }

  /** True when the queue holds `maxsize` items or more: a `put` would wait. */
  full(): boolean {
    return this._items.length >= this.max;
  }

  /** Items put (stored or handed to a getter) and not yet marked done with {@link taskDone}. */
  get unfinishedTasks(): number {
    return this.unfinished;
  }

  /** True once {@link shutdown} was called. */
  get isShutDown(): boolean {
    return this.shut;
  }

  /**
   * Adds `item`, waiting for room while the queue is full. A getter already waiting receives the
   * item directly. Blocked putters are admitted in arrival order.
   *
   * Cancel safety: a put that is aborted or times out adds nothing; its item is simply not in the
   * queue. A put that resolved has added its item (or handed it over) and counts one unfinished task.
   *
   * @returns a promise that resolves once the item is in the queue or in a getter's hands.
   * @throws {TypeError|RangeError} at the call, for bad options.
   * @throws rejects with `signal.reason` when the signal aborts (at once if it is aborted already,
   * even when there is room); with `QueueShutDownError` after {@link shutdown} or when the queue
   * is shut down while this put waits; with `QueueFullError` when the queue is full and `block` is
   * false, or when its own `timeout` expires first.
   * @example
   * ```ts
   * spawn(async (g) => { for (const job of jobs) await queue.put(job, { signal: g }); });
   * ```
   */
  put(item: T, options?: QueueWaitOptions): Promise<void> {
    if (options !== undefined) {
      const g = leanSignal(options);
      if (g !== undefined) return this.putLean(item, g);
    }
    const call = this._names.put;
    const { block, timeout, signal } = parseWaitOptions(call, options);
    if (signal !== undefined && isAborted(signal)) return Promise.reject(abortReason(signal));
    if (this.shut) return Promise.reject(new QueueShutDownError(`${call}: the queue was shut down`));
    try {
      if (this.offer(item)) return RESOLVED;
    } catch (error) {
      return Promise.reject(error);
    }
    if (!block) return Promise.reject(new QueueFullError(`${call}: the queue is full (maxsize ${this.max}) and block is false`));
    return this.parkPutter(item, timeout, signal);
  }

  private parkPutter(item: T, timeout: number | undefined, signal: SignalLike | undefined): Promise<void> {
    const waiter = parkedWait<void>(expireFull, this._names.put, timeout);
    this.putters.pushWaiter(waiter, item);
    return waiter.arm(timeout, signal).promise;
  }

  /** `put(item, { signal: g })`: the same steps as `put`, parking the greenlet itself. */
  private putLean(item: T, g: Greenlet<any>): Promise<void> {
    if (g._isAborted()) return Promise.reject(g._abortReason());
    if (this.shut) return Promise.reject(new QueueShutDownError(`${this._names.put}: the queue was shut down`));
    try {
      if (this.offer(item)) return RESOLVED;
    } catch (error) {
      return Promise.reject(error);
    }
    if (!g._canPark()) return this.parkPutter(item, undefined, g);
    this.putters.push(g, item);
    return g._park(this.putters.labelId);
  }

  /**
   * Adds `item` without waiting (gevent's `put_nowait`, `put(item, { block: false })` made
   * synchronous).
   * @throws {QueueFullError} when the queue is full.
   * @throws {QueueShutDownError} after {@link shutdown}.
   * @example
   * ```ts
   * try { queue.putNowait(event); } catch (e) { if (e instanceof QueueFullError) dropped++; else throw e; }
   * ```
   */
  putNowait(item: T): void {
    const call = this._names.putNowait;
    if (this.shut) throw new QueueShutDownError(`${call}: the queue was shut down`);
    if (!this.offer(item)) throw new QueueFullError(`${call}: the queue is full (maxsize ${this.max})`);
  }

  /**
   * Removes and returns the next item, waiting while the queue is empty. Getters are served in
   * arrival order. Taking an item admits the first blocked putter, if any.
   *
   * Cancel safety: a get that is aborted or times out removes nothing; an item that arrives later
   * goes to the next getter that is still waiting.
   *
   * @returns a promise of the item.
   * @throws {TypeError|RangeError} at the call, for bad options.
   * @throws rejects with `signal.reason` when the signal aborts (at once if it is aborted already,
   * even when an item is there); with `QueueShutDownError` once the queue is shut down and empty
   * (items left at a plain `shutdown()` are still returned first); with `QueueEmptyError` when
   * the queue is empty and `block` is false, or when its own `timeout` expires first.
   * @example
   * ```ts
   * const job = await queue.get({ timeout: 1000, signal: g }); // QueueEmptyError after a second
   * ```
   */
  get(options?: QueueWaitOptions): Promise<T> {
    if (options !== undefined) {
      const g = leanSignal(options);
      if (g !== undefined) return this.getLean(g);
    }
    const call = this._names.get;
    const { block, timeout, signal } = parseWaitOptions(call, options);
    if (signal !== undefined && isAborted(signal)) return Promise.reject(abortReason(signal));
    if (this._items.length > 0) {
      try {
        return Promise.resolve(this.take());
      } catch (error) {
        return Promise.reject(error);
      }
    }
    if (this.shut) return Promise.reject(new QueueShutDownError(`${call}: the queue was shut down and is empty`));
    if (!block) return Promise.reject(new QueueEmptyError(`${call}: the queue is empty and block is false`));
    return this.parkGetter(timeout, signal);
  }

  private parkGetter(timeout: number | undefined, signal: SignalLike | undefined): Promise<T> {
    const waiter = parkedWait<T>(expireEmpty, this._names.get, timeout);
    this.getters.pushWaiter(waiter);
    return waiter.arm(timeout, signal).promise;
  }

  /** `get({ signal: g })`: the same steps as `get`, parking the greenlet itself. */
  private getLean(g: Greenlet<any>): Promise<T> {
    if (g._isAborted()) return Promise.reject(g._abortReason());
    if (this._items.length > 0) {
      try {
        return Promise.resolve(this.take());
      } catch (error) {
        return Promise.reject(error);
      }
    }
    if (this.shut) return Promise.reject(new QueueShutDownError(`${this._names.get}: the queue was shut down and is empty`));
    if (!g._canPark()) return this.parkGetter(undefined, g);
    this.getters.push(g);
    return g._park(this.getters.labelId);
  }

  /**
   * Removes and returns the next item without waiting (gevent's `get_nowait`).
   * @throws {QueueEmptyError} when the queue is empty.
   * @throws {QueueShutDownError} when the queue is shut down and empty.
   * @example
   * ```ts
   * while (!queue.empty()) handle(queue.getNowait());
   * ```
   */
  getNowait(): T {
    if (this._items.length > 0) return this.take();
    const call = this._names.getNowait;
    if (this.shut) throw new QueueShutDownError(`${call}: the queue was shut down and is empty`);
    throw new QueueEmptyError(`${call}: the queue is empty`);
  }

  /**
   * Returns the next item without removing it, waiting while the queue is empty (gevent's
   * `peek()`). A peeker woken by a put sees the new item even if a waiting getter takes it in the
   * same instant: by the time the peeker runs, the item may be gone. Use it as a hint, not a claim.
   *
   * @returns a promise of the item that `get()` would return now.
   * @throws {TypeError|RangeError} at the call, for bad options.
   * @throws rejects with `signal.reason` when the signal aborts; with `QueueShutDownError` once
   * the queue is shut down and empty; with `QueueEmptyError` when empty and `block` is false, or
   * on its own `timeout`.
   * @example
   * ```ts
   * const next = await queue.peek({ signal: g }); // waits for an item, leaves it in the queue
   * ```
   */
  peek(options?: QueueWaitOptions): Promise<T> {
    const call = this._names.peek;
    const { block, timeout, signal } = parseWaitOptions(call, options);
    if (signal !== undefined && isAborted(signal)) return Promise.reject(abortReason(signal));
    if (this._items.length > 0) return Promise.resolve(this._items.peek());
    if (this.shut) return Promise.reject(new QueueShutDownError(`${call}: the queue was shut down and is empty`));
    if (!block) return Promise.reject(new QueueEmptyError(`${call}: the queue is empty and block is false`));
    const waiter = parkedWait<T>(expireEmpty, call, timeout);
    this.peekers.pushWaiter(waiter);
    return waiter.arm(timeout, signal).promise;
  }

  /**
   * Returns the next item without removing it and without waiting (gevent's `peek(block=False)`).
   * @throws {QueueEmptyError} when the queue is empty.
   * @throws {QueueShutDownError} when the queue is shut down and empty.
   * @example
   * ```ts
   * if (!queue.empty() && queue.peekNowait().urgent) preempt();
   * ```
   */
  peekNowait(): T {
    if (this._items.length > 0) return this._items.peek();
    const call = this._names.peekNowait;
    if (this.shut) throw new QueueShutDownError(`${call}: the queue was shut down and is empty`);
    throw new QueueEmptyError(`${call}: the queue is empty`);
  }

  /**
   * Marks one item as processed: consumers call it once per item they got, when done with it.
   * When the count of unfinished tasks reaches zero, every {@link join} resolves true.
   * @throws {RangeError} when called more times than items were put.
   * @example
   * ```ts
   * for (;;) { const job = await queue.get({ signal: g }); try { await run(job); } finally { queue.taskDone(); } }
   * ```
   */
  taskDone(): void {
    if (this.unfinished <= 0) {
      throw new RangeError(`${this._names.taskDone}: called more times than items were put (no unfinished task left)`);
    }
    this.finishTasks(1);
  }

  /**
   * Waits until every item put so far has been marked done with {@link taskDone}.
   * @returns true once `unfinishedTasks` is zero (at once if it is); false if the own `timeout`
   * expired first.
   * @throws {TypeError|RangeError} at the call, for bad options.
   * @throws rejects with `signal.reason` when the signal aborts (at once if aborted already).
   * @example
   * ```ts
   * for (const job of jobs) await queue.put(job);
   * await queue.join(); // every job was processed
   * ```
   */
  join(options?: WaitOptions): Promise<boolean> {
    const call = this._names.join;
    checkOptions(call, options);
    const timeout = checkTimeout(call, options?.timeout);
    const signal = checkSignal(call, options?.signal);
    const aborted = rejectIfAborted(signal);
    if (aborted !== undefined) return aborted;
    if (this.unfinished === 0) return Promise.resolve(true);
    const waiter = new Waiter<boolean>(expireFalse);
    this.joiners.push(waiter);
    return waiter.arm(timeout, signal).promise;
  }

  /**
   * Shuts the queue down (Python 3.13's `Queue.shutdown`). From then on every `put` rejects with
   * `QueueShutDownError`, and blocked putters are woken with it (their items are not added).
   * Getters still receive the items left, then `QueueShutDownError`; getters and peekers blocked on
   * the empty queue are woken with it at once. With `immediate`, the items left are dropped too,
   * each counted as done for {@link join}. Calling it again is allowed (`shutdown(true)` after
   * `shutdown()` drops what is left).
   * @throws {TypeError} when `immediate` is not a boolean.
   * @example
   * ```ts
   * queue.shutdown();                     // producers are done
   * for await (const job of queue) run(job); // ends once the queue is drained
   * ```
   */
  shutdown(immediate = false): void {
    const now = checkFlag(this._names.shutdown, "immediate", immediate);
    this.shut = true;
    if (now && this._items.length > 0) {
      const dropped = this._items.length;
      this._items.clear();
      this.finishTasks(dropped);
    }
    failShutDown(this.getters, this._names.get);
    failShutDown(this.peekers, this._names.peek);
    failShutDown(this.putters, this._names.put);
  }

  /**
   * An async iterator that gets items until the queue is shut down and drained, passing `signal`
   * to every `get`: a kill of the greenlet then ends the loop with the kill's reason. Leaving the
   * loop early (`break`) takes nothing more. Items are not marked done for you.
   * @throws {TypeError} at the call, for bad options.
   * @example
   * ```ts
   * spawn(async (g) => { for await (const job of queue.iter({ signal: g })) await run(job); });
   * ```
   */
  iter(options?: QueueIterOptions): AsyncIterableIterator<T> {
    return drain(this, checkIterOptions(this._names.iter, options));
  }

  /**
   * `for await (const item of queue)`: {@link iter} without a signal. Ends once the queue is shut
   * down and drained.
   */
  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return drain(this, undefined);
  }

  /** A short description for logs: `<Queue maxsize=3 qsize=3 getters=0 putters=2>`. */
  toString(): string {
    const shut = this.shut ? " shut down" : "";
    return `<${this._names.kind} maxsize=${this.max} qsize=${this._items.length} getters=${this.getters.size} putters=${this.putters.size}${shut}>`;
  }

  /**
   * Hands `item` to the first waiting getter, or stores it if there is room; false when full.
   * Throws only when the store does (a comparator), and then nothing changed.
   */
  private offer(item: T): boolean {
    const getter = this.getters.vacant ? null : this.getters.shift();
    if (getter !== null) {
      // A waiting getter means the store is empty: the item goes straight over, no storage touched.
      this.unfinished++;
      if (!this.peekers.vacant) this.peekers.wakeAll(item);
      getter._wake(item);
      return true;
    }
    if (this._items.length >= this.max) return false;
    this._items.push(item);
    this.unfinished++;
    if (!this.peekers.vacant) this.peekers.wakeAll(item);
    return true;
  }

  /** Takes the next item (the store is not empty) and lets the first blocked putter in. */
  private take(): T {
    const item = this._items.take();
    if (!this.putters.vacant) this.admitPutters();
    return item;
  }

  /** Moves blocked putters' items into the store while there is room, oldest first. */
  private admitPutters(): void {
    const putters = this.putters;
    const items = this._items;
    while (items.length < this.max) {
      const putter = putters.shift();
      if (putter === null) return;
      try {
        items.push(putters.item as T);
      } catch (error) {
        putter._fail(error);
        continue;
      }
      this.unfinished++;
      putter._wake(undefined);
    }
  }

  private finishTasks(count: number): void {
    this.unfinished = Math.max(0, this.unfinished - count);
    if (this.unfinished === 0) {
      const joiners = this.joiners;
      for (let w = joiners.shift(); w !== null; w = joiners.shift()) w.resolve(true);
    }
  }
}
