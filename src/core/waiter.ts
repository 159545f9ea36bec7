/**
 * The parked wait: one promise, at most one timer, at most one abort registration, and a place
 * in at most one wait list or on one watched source. Every blocking call of the library is a
 * Waiter, so the rules of principle 3 live here once:
 *
 * - a wait settles exactly once; whatever settles it first (hand-off, own timeout, abort) wins;
 * - settling detaches everything: the timer is cleared, the abort registration removed, the node
 *   unlinked from its list. Nothing outlives the wait, so a long-lived signal collects no listeners
 *   (an AbortSignal has one listener for all its waits, see `subscribe` in cancel.ts);
 * - an abort rejects with the signal's reason, unchanged; the own timeout runs `onExpire`, which
 *   decides between the documented sentinel and the documented error.
 * @module
 */
import { getClock, type Clock, type TimerHandle } from "./clock.js";
import { abortReason, isAborted, subscribe, unsubscribe, type AbortTarget, type SignalLike } from "./cancel.js";
import { addWatcher, removeWatcher, type Waitable, type Watcher } from "./waitable.js";
import { PARKS, type ParkEntry, type ParkList } from "./park.js";
import { emitParked, observing, type InstrumentedGreenlet } from "./instrument.js";
import { registerWaitList, visitPending, waitLabel } from "./stuck.js";

/** A greenlet as a Waiter sees it: a signal that parks. */
interface Parker {
  [PARKS]: true;
}

export type ExpireHandler<T> = (waiter: Waiter<T>) => void;

function expire(waiter: Waiter<any>): void {
  waiter.timer = undefined;
  if (!waiter.settled) waiter.onExpire(waiter);
}

export class Waiter<T = unknown> implements AbortTarget, Watcher, ParkEntry {
  // WaitList links
  next: Waiter<any> | null = null;
  prev: Waiter<any> | null = null;
  /** The list the waiter waits in: a WaitList (linked) or a ParkList (which holds it in an array). */
  list: WaitList | ParkList | null = null;
  /** The source this waiter watches, when it waits through the waitable protocol. */
  watched: Waitable | null = null;
  /**
   * What the waiter carries: the item a putter offers, the count an acquirer asks for, or what
   * `notify()` resolves with when a watched source becomes ready.
   */
  item: unknown;
  timer: TimerHandle | undefined = undefined;
  private clock: Clock | undefined = undefined;
  private signal: SignalLike | undefined = undefined;
  /** The promise's resolving functions; cleared when the wait settles (that is what `settled` reads). */
  private resolveFn: ((value: T) => void) | undefined;
  private rejectFn: ((reason: unknown) => void) | undefined;
  readonly promise: Promise<T>;

  constructor(
    readonly onExpire: ExpireHandler<T>,
    item?: unknown,
  ) {
    this.item = item;
    this.promise = new Promise<T>((resolve, reject) => {
      this.resolveFn = resolve;
      this.rejectFn = reject;
    });
  }

  /** True once the wait has settled, whatever settled it. */
  get settled(): boolean {
    return this.resolveFn === undefined;
  }

  /**
   * Arms the own timeout (ms, or undefined for none) and the abort registration. Does nothing on a
   * wait that settled already (a watched source that was ready at once), so nothing is left armed.
   */
  arm(timeout: number | undefined, signal: SignalLike | undefined, what?: string, detail?: unknown): this {
    if (this.resolveFn === undefined) return this;
    if (signal !== undefined) {
      this.signal = signal;
      subscribe(signal, this);
      if (observing && (signal as Partial<Parker>)[PARKS] === true) {
        const [site, about] = what === undefined ? this.whereParked() : [what, detail];
        emitParked(signal as unknown as InstrumentedGreenlet, site, about);
      }
    }
    if (timeout !== undefined) {
      this.clock = getClock();
      this.timer = this.clock.setTimer(expire, timeout, this);
    }
    return this;
  }

  /**
   * Where it waits, as the instruments and the deadlock report name it: its list's label
   * (`Lock.acquire`), `join` with the watched source, or `wait`.
   */
  whereParked(): [what: string, detail: unknown] {
    if (this.list !== null) return [this.list.label, undefined];
    if (this.watched !== null) return ["join", this.watched];
    return ["wait", undefined];
  }

  /** The greenlet given as signal, when the deadlock report asks (a Waiter knows no other owner). */
  get parker(): unknown {
    const signal = this.signal;
    return signal !== undefined && (signal as Partial<Parker>)[PARKS] === true ? signal : undefined;
  }

  resolve(value: T): boolean {
    const resolve = this.resolveFn;
    if (resolve === undefined) return false;
    this.resolveFn = this.rejectFn = undefined;
    this.detach();
    resolve(value);
    return true;
  }

  reject(reason: unknown): boolean {
    const reject = this.rejectFn;
    if (reject === undefined) return false;
    this.resolveFn = this.rejectFn = undefined;
    this.detach();
    reject(reason);
    return true;
  }

  /** AbortTarget: the signal (a CancelScope, or an AbortSignal through its fan-out) aborted. */
  abort(reason: unknown): void {
    this.reject(reason);
  }

  /** ParkEntry: still in `list`. */
  _parkedIn(list: ParkList): boolean {
    return this.list === list;
  }

  /** ParkEntry: leaves `list` if still in it, so that settling it next does not count it as stale. */
  _take(list: ParkList): boolean {
    if (this.list !== list) return false;
    this.list = null;
    return true;
  }

  /** ParkEntry. */
  _wake(value: unknown): void {
    this.resolve(value as T);
  }

  /** ParkEntry. */
  _fail(reason: unknown): void {
    this.reject(reason);
  }

  /** Watcher: the watched source became ready. */
  notify(_source?: Waitable): void {
    this.watched = null; // the source dropped us already
    this.resolve(this.item as T);
  }

  /** Starts watching `source` through the waitable protocol. */
  watch(source: Waitable): this {
    this.watched = source;
    source[addWatcher](this);
    return this;
  }

  protected detach(): void {
    if (this.list !== null) this.list.remove(this);
    if (this.watched !== null) {
      this.watched[removeWatcher](this);
      this.watched = null;
    }
    if (this.timer !== undefined) {
      this.clock!.clearTimer(this.timer);
      this.timer = undefined;
    }
    const signal = this.signal;
    if (signal !== undefined) {
      this.signal = undefined;
      unsubscribe(signal, this);
    }
  }
}

/** A FIFO of parked waiters with O(1) push, shift and removal from the middle (on abort or timeout). */
export class WaitList {
  private head: Waiter<any> | null = null;
  private tail: Waiter<any> | null = null;
  size = 0;

  /** `owner` and `verb` name the wait, as a ParkList's do (`Lock.acquire`, `Group.join`). */
  constructor(
    private readonly owner: object | null = null,
    private readonly verb = "wait",
  ) {}

  /** What a wait parked here is parked on. */
  get label(): string {
    return waitLabel(this.owner, this.verb);
  }

  get first(): Waiter<any> | null {
    return this.head;
  }

  push(waiter: Waiter<any>): void {
    waiter.list = this;
    waiter.prev = this.tail;
    waiter.next = null;
    if (this.tail === null) this.head = waiter;
    else this.tail.next = waiter;
    this.tail = waiter;
    this.size++;
  }

  /** Unlinks and returns the oldest waiter, or null. The waiter is not settled. */
  shift(): Waiter<any> | null {
    const waiter = this.head;
    if (waiter !== null) this.remove(waiter);
    return waiter;
  }

  remove(waiter: Waiter<any>): void {
    if (waiter.list !== this) return;
    if (waiter.prev === null) this.head = waiter.next;
    else waiter.prev.next = waiter.next;
    if (waiter.next === null) this.tail = waiter.prev;
    else waiter.next.prev = waiter.prev;
    waiter.prev = waiter.next = null;
    waiter.list = null;
    this.size--;
  }

  *[Symbol.iterator](): IterableIterator<Waiter<any>> {
    for (let w = this.head; w !== null; w = w.next) yield w;
  }

  /** @internal The deadlock report: each wait here that no greenlet was given to. */
  [visitPending](found: (label: string) => void): void {
    for (let w = this.head; w !== null; w = w.next) if (w.parker === undefined) found(this.label);
  }
}

/** A promise that rejects with the signal's reason when it is aborted already, else undefined. */
export function rejectIfAborted(signal: SignalLike | undefined): Promise<never> | undefined {
  if (signal !== undefined && isAborted(signal)) return Promise.reject(abortReason(signal));
  return undefined;
}
registerWaitList(WaitList.prototype);
