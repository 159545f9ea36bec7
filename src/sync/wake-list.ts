/**
 * The parked waits of a primitive that wakes everyone at once (Event, AsyncResult,
 * `Semaphore.wait`). Internal.
 *
 * Design notes. 100,000 tasks parked on one Event must cost little more than 100,000 `await`s on
 * one promise, so a wait with neither a timeout nor a signal (a *plain* wait) gets no Waiter of
 * its own: consecutive plain waits share one promise, a *batch*. A wait with a timeout or a
 * signal can end on its own, so it needs its own Waiter, kept in a FIFO `WaitList`.
 *
 * Wake-up order is the order the waits were made. A batch's reactions run in the order they were
 * attached (promise semantics), so what matters is where a batch sits among the Waiters:
 *
 * - The *head* batch is older than every Waiter in the list. A plain wait joins it while the list
 *   is empty, which keeps it the oldest; it is a bare promise, as cheap as a hand-written one.
 * - Otherwise a plain wait joins the batch at the tail of the list, or opens one there (a Waiter
 *   that is never armed, so only a wake-up settles it). A Waiter pushed after it closes it.
 *
 * Waking settles the head batch, then the list oldest first. `kind` says which kind of plain wait
 * shares a batch, for primitives that offer two (AsyncResult's `get` rejects on failure, its
 * `wait` does not); a batch only takes waits of its own kind.
 * @module
 */
import type { SignalLike } from "../core/cancel.js";
import { WaitList, Waiter, type ExpireHandler } from "../core/waiter.js";

/** What a wake-up settles: the head batch, a list batch or a Waiter. `item` is the kind or the Waiter's item. */
export interface Parked<T> {
  readonly item: unknown;
  resolve(value: T): unknown;
  reject(reason: unknown): unknown;
}

class Batch<T> implements Parked<T> {
  readonly promise: Promise<T>;
  resolve!: (value: T) => void;
  reject!: (reason: unknown) => void;

  constructor(readonly item: unknown) {
    this.promise = new Promise<T>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }
}

function never(): void {
  // A list batch is never armed, so it never expires.
}

export class WakeList<T> {
  private head: Batch<T> | null = null;
  private readonly list = new WaitList();
  /** The batch at the tail of the list, which the next plain wait of the same kind joins. */
  private open: Waiter<T> | null = null;

  /** A wait with neither timeout nor signal: shares the promise of the newest batch of its kind. */
  plain(kind: unknown = undefined): Promise<T> {
    if (this.list.size === 0) {
      const head = this.head;
      if (head === null) return (this.head = new Batch<T>(kind)).promise;
      if (head.item === kind) return head.promise;
    }
    let batch = this.open;
    if (batch === null || batch.item !== kind || batch.list !== this.list) {
      batch = new Waiter<T>(never);
      batch.item = kind;
      this.list.push(batch);
      this.open = batch;
    }
    return batch.promise;
  }

  /**
   * A wait with its own timeout and/or signal. `onExpire` picks the outcome of the own timeout;
   * an abort rejects with the signal's reason and unlinks the waiter (see Waiter).
   */
  own(onExpire: ExpireHandler<T>, item: unknown, timeout: number | undefined, signal: SignalLike | undefined): Promise<T> {
    const waiter = new Waiter<T>(onExpire);
    waiter.item = item;
    this.list.push(waiter);
    this.open = null;
    return waiter.arm(timeout, signal).promise;
  }

  /** Resolves every wait parked now with `value`, oldest first. */
  wakeAll(value: T): void {
    const head = this.head;
    if (head !== null) {
      this.head = null;
      head.resolve(value);
    }
    const list = this.list;
    if (list.size === 0) return;
    this.open = null;
    // Resolving runs no user code synchronously, so nothing can park while this loop runs.
    for (let n = list.size; n > 0; n--) list.shift()!.resolve(value);
  }

  /** Settles every wait parked now through `settle`, which must settle it; oldest first. */
  settleAll(settle: (parked: Parked<T>) => void): void {
    const head = this.head;
    if (head !== null) {
      this.head = null;
      settle(head);
    }
    const list = this.list;
    this.open = null;
    for (let n = list.size; n > 0; n--) settle(list.shift()!);
  }
}
