/**
 * The parked waits of a primitive that wakes everyone at once (Event, AsyncResult,
 * `Semaphore.wait`). Internal.
 *
 * Design notes. 100,000 tasks parked on one Event must cost little more than 100,000 `await`s on
 * one promise, so a wait with neither a timeout nor a signal (a *plain* wait) gets no Waiter of
 * its own: consecutive plain waits share one promise, a *batch*. A wait given a running greenlet
 * as its signal (and no timeout) parks *lean*: the greenlet is the entry and holds the wait's
 * state (core/park.ts). Any other wait with a timeout or a signal gets its own Waiter. Entries
 * sit in one FIFO `ParkList`.
 *
 * Wake-up order is the order the waits were made. A batch's reactions run in the order they were
 * attached (promise semantics), so what matters is where a batch sits among the other entries:
 *
 * - The *head* batch is older than every entry in the list. A plain wait joins it while the list
 *   is empty, which keeps it the oldest; it is a bare promise, as cheap as a hand-written one.
 * - Otherwise a plain wait joins the batch at the tail of the list, or opens one there. Any other
 *   entry pushed after it closes it.
 *
 * Waking settles the head batch, then the list oldest first. `kind` says which kind of plain wait
 * shares a batch, for primitives that offer two (AsyncResult's `get` rejects on failure, its
 * `wait` does not); a batch only takes waits of its own kind.
 * @module
 */
import type { SignalLike } from "../core/cancel.js";
import { ParkList, type ParkEntry } from "../core/park.js";
import { Waiter, type ExpireHandler } from "../core/waiter.js";
import type { Greenlet } from "../greenlet.js";
import { registerWaitList, visitPending } from "../core/stuck.js";

class Batch<T> implements ParkEntry {
  readonly promise: Promise<T>;
  resolve!: (value: T) => void;
  reject!: (reason: unknown) => void;

  constructor(readonly item: unknown) {
    this.promise = new Promise<T>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  // A batch never leaves early: only a wake-up settles it.
  _parkedIn(): boolean {
    return true;
  }

  _take(): boolean {
    return true;
  }

  _wake(value: unknown): void {
    this.resolve(value as T);
  }

  _fail(reason: unknown): void {
    this.reject(reason);
  }
}

export class WakeList<T> {
  private head: Batch<T> | null = null;
  private readonly list: ParkList;

  /** `owner` and `verb` name the wait (see ParkList): `Event.wait`, `Semaphore.acquire`. */
  constructor(owner: object, verb: string) {
    this.list = new ParkList(false, owner, verb);
  }
  /** The batch at the tail of the list, which the next plain wait of the same kind joins. */
  private open: Batch<T> | null = null;

  /** A wait with neither timeout nor signal: shares the promise of the newest batch of its kind. */
  plain(kind: unknown = undefined): Promise<T> {
    if (!this.list.hasLive()) {
      const head = this.head;
      if (head === null) return (this.head = new Batch<T>(kind)).promise;
      if (head.item === kind) return head.promise;
    }
    let batch = this.open;
    if (batch === null || batch.item !== kind) {
      batch = new Batch<T>(kind);
      this.list.push(batch);
      this.open = batch;
    }
    return batch.promise;
  }

  /**
   * A wait with its own timeout and/or signal. `onExpire` picks the outcome of the own timeout;
   * an abort rejects with the signal's reason and the waiter leaves the list (see Waiter).
   */
  own(onExpire: ExpireHandler<T>, item: unknown, timeout: number | undefined, signal: SignalLike | undefined): Promise<T> {
    const waiter = new Waiter<T>(onExpire);
    waiter.item = item;
    this.list.pushWaiter(waiter);
    this.open = null;
    return waiter.arm(timeout, signal).promise;
  }

  /** A wait given `g` as its signal and no timeout, where `g._canPark()`: the greenlet is the entry. */
  lean(g: Greenlet<any>): Promise<T> {
    this.list.push(g);
    this.open = null;
    return g._park<T>(this.list.labelId);
  }

  /** @internal The deadlock report: the plain waits sharing the head batch (the list reports the rest). */
  [visitPending](found: (label: string) => void): void {
    if (this.head !== null) found(this.list.label);
  }

  /** True when no wait of any kind is parked here. */
  get idle(): boolean {
    return this.head === null && !this.list.hasLive();
  }

  /** Appends an entry parked elsewhere first (see Event's single lean waiter). */
  adopt(entry: ParkEntry): void {
    this.list.push(entry);
    this.open = null;
  }

  /** Resolves every wait parked now with `value`, oldest first. */
  wakeAll(value: T): void {
    const head = this.head;
    if (head !== null) {
      this.head = null;
      head.resolve(value);
    }
    const list = this.list;
    if (list.vacant) return;
    this.open = null;
    list.wakeAll(value);
  }

  /**
   * Settles every wait parked now, oldest first: those of kind `wakeKind` resolve with `value`,
   * the others reject with `reason`. A lean entry counts as kind `undefined`.
   */
  settleByKind(wakeKind: unknown, value: T, reason: unknown): void {
    const head = this.head;
    if (head !== null) {
      this.head = null;
      if (head.item === wakeKind) head.resolve(value);
      else head.reject(reason);
    }
    this.open = null;
    const list = this.list;
    for (let entry = list.shift(); entry !== null; entry = list.shift()) {
      const kind = entry instanceof Batch || entry instanceof Waiter ? entry.item : undefined;
      if (kind === wakeKind) entry._wake(value);
      else entry._fail(reason);
    }
  }
}
registerWaitList(WakeList.prototype);
