/**
 * The parked waits of a primitive that wakes everyone at once (Event, AsyncResult,
 * `Semaphore.wait`). Internal.
 *
 * Design notes. 100,000 tasks parked on one Event must cost little more than 100,000 `await`s on
 * one promise, so a wait with neither a timeout nor a signal (a *plain* wait) gets no Waiter of
 * its own: consecutive plain waits share one promise, a *batch*. A wait with a timeout or a
 * signal can end on its own, so it needs its own Waiter. Both kinds go into one FIFO `WaitList`,
 * and a plain wait joins the batch only while that batch is the newest entry; a wait with its own
 * Waiter closes the batch, and the next plain wait opens a new one. Waking settles the entries
 * oldest first, so the reactions run in the order the waits were made: a batch's reactions run in
 * the order they were attached (promise semantics), and every one of them before those of the
 * next entry.
 *
 * A batch is a Waiter that is never armed: it has no timer and no abort registration, so only a
 * wake-up settles it. `item` says what kind of plain wait shares it, for primitives that offer
 * two (AsyncResult's `get` rejects on failure, its `wait` does not).
 * @module
 */
import type { SignalLike } from "../core/cancel.js";
import { WaitList, Waiter, type ExpireHandler } from "../core/waiter.js";

function never(): void {
  // A batch is never armed, so it never expires.
}

export class WakeList<T> {
  private readonly list = new WaitList();
  /** The batch at the tail of the list, which the next plain wait of the same kind joins. */
  private open: Waiter<T> | null = null;

  /** Entries parked: batches count once, whatever number of waits share them. */
  get size(): number {
    return this.list.size;
  }

  /** A wait with neither timeout nor signal: shares the promise of the newest batch of its kind. */
  plain(kind: unknown = undefined): Promise<T> {
    let batch = this.open;
    if (batch === null || batch.item !== kind) {
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

  /**
   * Settles every entry parked now, oldest first, through `settle` (which must settle it).
   * Settling runs no user code synchronously, so nothing can park in between; still, only the
   * entries present at the call are taken.
   */
  wakeAll(settle: (waiter: Waiter<T>) => void): void {
    this.open = null;
    const list = this.list;
    for (let n = list.size; n > 0; n--) settle(list.shift()!);
  }
}
