/**
 * Lean parking: the wait of a greenlet that passes itself as the signal, with no Waiter.
 *
 * A wait given `{ signal: g }` needs three things: a promise to return, a way to settle it when
 * the wait is over, and a way for `g.kill()` to reject it at once. A running greenlet has two
 * fields that are free while it runs (the function slot and the argument slot are only used
 * before it starts and after it ends), and it is parked in at most one such wait at a time. So
 * the greenlet itself is the registration: it keeps the wait's two resolving functions, and the
 * primitive it waits on keeps the greenlet. Per wait that is one promise and its resolving
 * functions, what a hand-written promise costs; the Waiter, the closure and the entry in the
 * greenlet's cancel state are gone.
 *
 * Whether an entry still waits is the greenlet's own flag, not where it sits: an entry leaves its
 * primitive only when it is woken, and a greenlet whose lean wait ended otherwise (a kill) can
 * never park lean again, so a stale entry can never be mistaken for a live one. The primitive is
 * not told of a kill; stale entries are skipped when reached and swept when the list has grown.
 * @module
 */
import type { Waiter } from "./waiter.js";
import { labelId, registerWaitList, visitPending, waitLabel } from "./stuck.js";

/** What a ParkList holds: a Waiter, a greenlet parked lean, a batch of plain waits. */
export interface ParkEntry {
  /** Whether the entry still waits (in `list`, for entries that can sit in only one); no side effect. */
  _parkedIn(list: ParkList): boolean;
  /**
   * Takes the entry out of `list` if it still waits there (the caller then settles it with
   * `_wake` or `_fail` before any other code runs); false for an entry that left already.
   */
  _take(list: ParkList): boolean;
  _wake(value: unknown): void;
  _fail(reason: unknown): void;
}

/** Set on `Greenlet.prototype`: a signal that may park lean (checked before `_canPark()`). */
export const PARKS: unique symbol = Symbol("greenthread.parks");

/** The resolving functions of a promise, as a lean wait keeps them. */
export type Resolve = (value: unknown) => void;
export type Reject = (reason: unknown) => void;

/**
 * The resolving functions of the promise the last `leanPromise()` made, to be read right after
 * (they are overwritten by the next call; holding the last pair a while is harmless).
 */
export let lastResolve: Resolve = () => {};
export let lastReject: Reject = () => {};

function capture(resolve: Resolve, reject: Reject): void {
  lastResolve = resolve;
  lastReject = reject;
}

/** A new promise made through one shared executor (no closure per call); see `lastResolve`. */
export function leanPromise<T>(): Promise<T> {
  return new Promise<T>(capture as (resolve: (value: T) => void, reject: Reject) => void);
}

// The list is swept once its entries outnumber this, and then twice the live ones.
const SWEEP_AT = 64;

/**
 * A FIFO of parked entries: O(1) push and shift. Waiters that leave early (a timeout, an
 * AbortSignal) say so and are counted; greenlets that leave early (a kill) are not, so the list
 * sweeps itself when it has doubled since the last sweep: amortised O(1), and stale entries never
 * outnumber the live ones by more than that.
 */
export class ParkList {
  // A buffer used from `head` to `tail`. It is not truncated when it empties (setting an array's
  // length is a runtime call, and one wake per wait is the hot path), only replaced when large.
  private entries: (ParkEntry | undefined)[] = [];
  // The oldest entry while the list holds one (the common case: one greenlet parked on a queue):
  // older than everything in `entries`, so the order stays FIFO, and no array is touched.
  private first: ParkEntry | null = null;
  /** The item `first` carries. */
  private firstItem: unknown = undefined;
  /** What each entry carries (a putter's item), in step with `entries`; only for lists that carry items. */
  private items: unknown[] | null;
  private head = 0;
  private tail = 0;
  private sweepAt = SWEEP_AT;
  /** The item of the entry the last `shift()` returned. */
  item: unknown = undefined;

  /**
   * @param owner the primitive the list belongs to, and `verb` the call that parks in it: run-info,
   * the tracer and the deadlock report name a wait by them (`Queue.get`, `Lock.acquire`).
   */
  constructor(
    carriesItems = false,
    private readonly owner: object | null = null,
    private readonly verb = "wait",
  ) {
    this.items = carriesItems ? [] : null;
  }

  private id = 0;

  /** What a wait parked here is parked on: `Queue.get`, `Event.wait`, `Lock.acquire`. */
  get label(): string {
    return waitLabel(this.owner, this.verb);
  }

  /** The label's number (core/stuck.ts), which a greenlet parked lean here keeps in its flags. */
  get labelId(): number {
    return this.id === 0 ? (this.id = labelId(this.label)) : this.id;
  }

  /**
   * @internal The deadlock report: each live entry that no greenlet was given to (a plain wait's
   * batch, a Waiter without a greenlet as signal); a greenlet's own waits are found from it.
   */
  [visitPending](found: (label: string) => void): void {
    const visit = (entry: ParkEntry): void => {
      if (!entry._parkedIn(this)) return;
      if ((entry as Partial<Record<typeof PARKS, true>>)[PARKS] === true || (entry as { parker?: unknown }).parker !== undefined) return;
      found(this.label);
    };
    if (this.first !== null) visit(this.first);
    for (let i = this.head; i < this.tail; i++) visit(this.entries[i]!);
  }

  /** True when nothing, live or stale, is in the list. */
  get vacant(): boolean {
    return this.first === null && this.head === this.tail;
  }

  /** Live entries, counted (O(n): for messages and tests, not for hot paths). */
  get size(): number {
    let n = this.first !== null && this.first._parkedIn(this) ? 1 : 0;
    for (let i = this.head; i < this.tail; i++) if (this.entries[i]!._parkedIn(this)) n++;
    return n;
  }

  /** Whether a live entry is parked; drops the stale entries at the front on the way (amortised O(1)). */
  hasLive(): boolean {
    const first = this.first;
    if (first !== null) {
      if (first._parkedIn(this)) return true;
      this.first = null;
      this.firstItem = undefined;
    }
    const entries = this.entries;
    while (this.head < this.tail) {
      if (entries[this.head]!._parkedIn(this)) return true;
      entries[this.head] = undefined;
      if (this.items !== null) this.items[this.head] = undefined;
      this.head++;
    }
    this.reset();
    return false;
  }

  push(entry: ParkEntry, item?: unknown): void {
    if (this.first === null && this.head === this.tail) {
      this.first = entry;
      this.firstItem = item;
      return;
    }
    if (this.tail - this.head >= this.sweepAt) this.compact();
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
        return entry;
      }
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
      if (this.head === this.tail) return;
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

  /** A Waiter in this list left early (its timeout or its AbortSignal); it stays, stale, until reached or swept. */
  remove(waiter: Waiter<any>): void {
    if (waiter.list === this) waiter.list = null;
  }

  /** Empties the list (every slot from head to tail is cleared by the caller). */
  private reset(): void {
    this.head = this.tail = 0;
    this.sweepAt = SWEEP_AT;
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
    for (let i = this.head; i < this.tail; i++) {
      const entry = entries[i]!;
      if (!entry._parkedIn(this)) continue;
      live.push(entry);
      if (liveItems !== null) liveItems.push(items![i]);
    }
    this.entries = live;
    this.items = liveItems;
    this.head = 0;
    this.tail = live.length;
    this.sweepAt = Math.max(SWEEP_AT, 2 * live.length);
  }
}
registerWaitList(ParkList.prototype);
