/**
 * Lean parking: the wait of a greenlet that passes itself as the signal, with no Waiter.
 *
 * A wait given `{ signal: g }` needs three things: a promise to return, a way to settle it when
 * the wait is over, and a way for `g.kill()` to reject it. A running greenlet has two fields that
 * are free while it runs (the function slot and the argument slot are only used before it starts
 * and after it ends), and it is parked in at most one such wait at a time. So the greenlet itself
 * is the registration: it keeps the wait's resolve function and the list it waits in, and the list
 * keeps the greenlet. Per wait that is one promise and its resolving functions, what a
 * hand-written promise costs; the Waiter, the closure and the entry in the greenlet's cancel state
 * are gone.
 *
 * A `ParkList` is the FIFO such entries sit in, next to ordinary Waiters (waits with a timeout or
 * an AbortSignal) and, for primitives that wake everyone, batches of plain waits sharing one
 * promise. Entries that leave early (a kill, a timeout, an abort) are not unlinked: they are
 * counted as stale, skipped when reached, and swept out once they outnumber the live ones, so
 * leaving is O(1) and nothing is held for long.
 * @module
 */
import type { Waiter } from "./waiter.js";

/**
 * Where a greenlet's lean wait is parked: a ParkList, or a primitive holding one greenlet in a
 * field of its own (Event). The greenlet keeps it, to leave it when killed.
 */
export interface ParkSite {
  /** The entry parked here left early (a kill); it is stale now. */
  leave(): void;
  /** The greenlet `entry` ended while its wait was still parked here: the wait stays, unkillable. */
  orphan(entry: ParkEntry, resolve: Resolve): void;
}

/** Set on `Greenlet.prototype`: a signal that may park lean (checked before `_canPark()`). */
export const PARKS: unique symbol = Symbol("greenthread.parks");

/** What a ParkList holds: a Waiter, a greenlet parked lean, a batch of plain waits. */
export interface ParkEntry {
  /** Whether the entry still waits in `list`; no side effect. */
  _parkedIn(list: ParkSite): boolean;
  /**
   * Takes the entry out of `list` if it still waits there (the caller then settles it with
   * `_wake` or `_fail` before any other code runs); false for an entry that left already.
   */
  _take(list: ParkSite): boolean;
  _wake(value: unknown): void;
  _fail(reason: unknown): void;
}

/** The one resolving function a lean wait keeps. */
export type Resolve = (value: unknown) => void;

let captured: Resolve | undefined;

function capture(resolve: Resolve): void {
  captured = resolve;
}

/**
 * A new promise made through one shared executor (no closure per call); `takeResolve()` right
 * after returns its resolve function. Only that one is kept: a lean wait is rejected by resolving
 * it with a rejected promise (see {@link rejectWith}), which spares holding the second resolving
 * function per parked wait.
 */
export function leanPromise<T>(): Promise<T> {
  return new Promise<T>(capture as (resolve: (value: T) => void) => void);
}

/** The resolve function of the promise the last `leanPromise()` made. */
export function takeResolve(): Resolve {
  const resolve = captured!;
  captured = undefined;
  return resolve;
}

/** Makes a lean wait's promise reject with `reason`, unchanged, through its resolve function. */
export function rejectWith(resolve: Resolve, reason: unknown): void {
  resolve(Promise.reject(reason));
}

/** A wait whose greenlet ended before the wait did: it still settles, but no kill reaches it. */
export class Orphan implements ParkEntry {
  constructor(private readonly resolve: Resolve) {}
  _parkedIn(): boolean {
    return true;
  }
  _take(): boolean {
    return true;
  }
  _wake(value: unknown): void {
    this.resolve(value);
  }
  _fail(reason: unknown): void {
    rejectWith(this.resolve, reason);
  }
}

// Stale entries are swept once there are more of them than this and than live ones.
const SWEEP_AT = 32;

/** A FIFO of parked entries: O(1) push, shift and leaving; stale entries are skipped and swept. */
export class ParkList implements ParkSite {
  // A buffer used from `head` to `tail`. It is not truncated when it empties (setting an array's
  // length is a runtime call, and one wake per wait is the hot path), only replaced when large.
  private entries: (ParkEntry | undefined)[] = [];
  // The oldest entry while the list holds one (the common case: one greenlet parked on an Event
  // or a queue): older than everything in `entries`, so the order stays FIFO, and no array is touched.
  private first: ParkEntry | null = null;
  /** The item `first` carries. */
  private firstItem: unknown = undefined;
  /** What each entry carries (a putter's item), in step with `entries`; only for lists that carry items. */
  private items: unknown[] | null;
  private head = 0;
  private tail = 0;
  private stale = 0;
  /** The item of the entry the last `shift()` returned. */
  item: unknown = undefined;

  constructor(carriesItems = false) {
    this.items = carriesItems ? [] : null;
  }

  /** Live entries. */
  get size(): number {
    return (this.first === null ? 0 : 1) + this.tail - this.head - this.stale;
  }

  /** True when nothing, live or stale, is in the list. */
  get vacant(): boolean {
    return this.first === null && this.head === this.tail;
  }

  push(entry: ParkEntry, item?: unknown): void {
    if (this.first === null && this.head === this.tail) {
      this.first = entry;
      this.firstItem = item;
      return;
    }
    const i = this.tail++;
    if (i < this.entries.length) this.entries[i] = entry;
    else this.entries.push(entry);
    const items = this.items;
    if (items !== null) {
      if (i < items.length) items[i] = item;
      else items.push(item);
    }
  }

  /** Appends a Waiter, which then leaves through `remove` when it settles early. */
  pushWaiter(waiter: Waiter<any>, item?: unknown): void {
    waiter.list = this;
    this.push(waiter, item);
  }

  /** Takes out and returns the oldest live entry (its item in `this.item`), or null. */
  shift(): ParkEntry | null {
    const first = this.first;
    if (first !== null) {
      this.first = null;
      this.item = this.firstItem;
      this.firstItem = undefined;
      if (first._take(this)) return first;
      this.stale--;
    }
    const entries = this.entries;
    const items = this.items;
    while (this.head < this.tail) {
      const i = this.head++;
      const entry = entries[i]!;
      entries[i] = undefined;
      if (items !== null) {
        this.item = items[i];
        items[i] = undefined;
      }
      if (entry._take(this)) {
        if (this.head === this.tail) this.reset();
        else if (this.head >= 1024 && this.head * 2 >= this.tail) this.compact();
        return entry;
      }
      this.stale--;
    }
    this.reset();
    return null;
  }

  /** Settles every live entry with `value`, oldest first, and empties the list. */
  wakeAll(value: unknown): void {
    const first = this.first;
    if (first !== null) {
      this.first = null;
      this.firstItem = undefined;
      if (first._take(this)) first._wake(value);
      if (this.head === this.tail) {
        this.stale = 0;
        return;
      }
    }
    const entries = this.entries;
    const end = this.tail;
    // Settling runs no user code synchronously, so nothing can join the list while this runs.
    for (let i = this.head; i < end; i++) {
      const entry = entries[i]!;
      entries[i] = undefined;
      if (entry._take(this)) entry._wake(value);
    }
    if (this.items !== null) this.items.fill(undefined, this.head, end);
    this.reset();
  }

  /** A Waiter in this list left early (its timeout or its AbortSignal). */
  remove(waiter: Waiter<any>): void {
    if (waiter.list !== this) return;
    waiter.list = null;
    this.leave();
  }

  /** An entry left early; it stays in place, stale, until reached or swept. */
  leave(): void {
    if (++this.stale > SWEEP_AT && this.stale * 2 > this.size + this.stale) this.compact();
  }

  /** The greenlet `entry` ended while its wait was still parked here: the wait stays, unkillable. */
  orphan(entry: ParkEntry, resolve: Resolve): void {
    if (this.first === entry) {
      this.first = new Orphan(resolve);
      return;
    }
    const i = this.entries.indexOf(entry, this.head);
    if (i >= 0 && i < this.tail) this.entries[i] = new Orphan(resolve);
  }

  /** Empties the list (every slot from head to tail is cleared by the caller). */
  private reset(): void {
    this.head = this.tail = this.stale = 0;
    if (this.entries.length > 1024) {
      this.entries = [];
      if (this.items !== null) this.items = [];
    }
  }

  /** Drops the consumed head and the stale entries, keeping the live ones in order. */
  private compact(): void {
    const entries = this.entries;
    const items = this.items;
    const live: ParkEntry[] = [];
    const liveItems: unknown[] | null = items === null ? null : [];
    const first = this.first;
    if (first !== null) {
      this.first = null;
      if (first._parkedIn(this)) {
        live.push(first);
        if (liveItems !== null) liveItems.push(this.firstItem);
      }
      this.firstItem = undefined;
    }
    for (let i = this.head; i < this.tail; i++) {
      const entry = entries[i]!;
      if (!entry._parkedIn(this)) continue;
      live.push(entry);
      if (liveItems !== null) liveItems.push(items![i]);
    }
    this.entries = live;
    this.items = liveItems;
    this.head = this.stale = 0;
    this.tail = live.length;
  }
}
