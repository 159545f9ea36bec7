/**
 * `Event`: a flag that tasks wait for.
 * @module
 */
import { checkSignal } from "../core/cancel.js";
import { checkOptions, checkTimeout } from "../core/validate.js";
import { rejectIfAborted, type Waiter } from "../core/waiter.js";
import { WatcherList, addWatcher, removeWatcher, type Waitable, type Watcher } from "../core/waitable.js";
import { PARKS } from "../core/park.js";
import type { Greenlet, WaitOptions } from "../greenlet.js";
import { WakeList } from "./wake-list.js";
import { labelId } from "../core/stuck.js";

const TRUE: Promise<boolean> = Promise.resolve(true);
const EVENT_WAIT = labelId("Event.wait");

function expireFalse(waiter: Waiter<boolean>): void {
  waiter.resolve(false);
}

/**
 * A flag that starts cleared. `wait()` parks until the flag is set; `set()` wakes every waiter,
 * oldest first, and `clear()` lowers the flag again.
 *
 * An Event is a waitable: `wait([event, g])` and `iwait(...)` accept it, and it is ready while set.
 * Waits with neither timeout nor signal share one promise per set/clear cycle, so a hundred
 * thousand tasks parked on one Event cost about as much as a hundred thousand `await`s on one
 * promise.
 *
 * @example
 * ```ts
 * const ready = new Event();
 * spawn(async (g) => { await ready.wait({ signal: g }); serve(); });
 * await loadConfig();
 * ready.set();
 * ```
 */
export class Event implements Waitable {
  private flag = false;
  private waiters: WakeList<boolean> | null = null;
  // A greenlet parked lean while nothing else waits: the commonest case (one task waiting for its
  // signal) skips the wait list. It is always the oldest wait; any other wait moves it into the
  // list first (`spill`), so the order stays the order the waits were made.
  private parked: Greenlet<any> | null = null;
  private readonly watchers = new WatcherList();

  /**
   * Sets the flag and wakes every pending `wait()` with `true`, in the order the waits were made,
   * and then every watcher (`wait()`/`iwait()` of `src/wait.ts`). Waits made while the flag is set
   * resolve at once. Does nothing if the flag is set already. Never throws.
   * @example
   * ```ts
   * stop.set();
   * ```
   */
  set(): void {
    if (this.flag) return;
    this.flag = true;
    const parked = this.parked;
    if (parked !== null) {
      this.parked = null;
      if (parked._take()) parked._wake(true);
    }
    const waiters = this.waiters;
    if (waiters !== null) waiters.wakeAll(true);
    this.watchers.notifyAll(this);
  }

  /**
   * Lowers the flag. Waits made from now on park until the next `set()`. Waits that were woken
   * by an earlier `set()` still resolve `true`, even if their code has not run yet. Never throws.
   * @example
   * ```ts
   * gate.clear(); // close the gate again
   * ```
   */
  clear(): void {
    this.flag = false;
  }

  /**
   * Whether the flag is set.
   * @example
   * ```ts
   * if (!stop.isSet()) await work();
   * ```
   */
  isSet(): boolean {
    return this.flag;
  }

  /** Same as `isSet()`: the waitable protocol's "a wait would finish at once". */
  ready(): boolean {
    return this.flag;
  }

  /**
   * Waits until the flag is set. A switch point: a kill of the greenlet passed as `signal` lands
   * here at once.
   *
   * @returns `true` if the flag was set at any moment during the wait (at the call, or by a
   * `set()` while parked, even if `clear()` came right after); `false` when the own `timeout`
   * expired first.
   * @throws {TypeError|RangeError} at the call for bad options (`timeout` not a number ≥ 0, a
   * `signal` that is neither an AbortSignal nor a Greenlet/Timeout).
   * @throws rejects with `signal.reason`, unchanged, when the signal aborts, and at once when it is
   * aborted already, even if the flag is set. An aborted or timed-out wait leaves nothing behind:
   * no timer, no abort listener, no place in the wait list.
   * @example
   * ```ts
   * spawn(async (g) => {
   *   while (!(await stop.wait({ timeout: 1000, signal: g }))) heartbeat();
   * });
   * ```
   */
  wait(options?: WaitOptions): Promise<boolean> {
    if (options === undefined) return this.flag ? TRUE : this.list().plain();
    // The path the docs prescribe inside a greenlet, `{ signal: g }`: classified once, parked lean.
    if (typeof options === "object" && options !== null) {
      const signal = options.signal as Greenlet<any> | undefined;
      if (signal !== undefined && signal[PARKS] === true && options.timeout === undefined && signal._canPark()) {
        if (this.flag) return TRUE;
        if ((this.parked === null || !this.parked._parkedIn()) && (this.waiters === null || this.waiters.idle)) {
          this.parked = signal;
          return signal._park(EVENT_WAIT);
        }
        return this.list().lean(signal);
      }
    }
    checkOptions("Event.wait()", options);
    const timeout = checkTimeout("Event.wait()", options?.timeout);
    const signal = checkSignal("Event.wait()", options?.signal);
    const aborted = rejectIfAborted(signal);
    if (aborted !== undefined) return aborted;
    if (this.flag) return TRUE;
    const waiters = this.list();
    if (timeout === undefined && signal === undefined) return waiters.plain();
    return waiters.own(expireFalse, undefined, timeout, signal);
  }

  /** The wait list, with the single lean waiter moved into it first. */
  private list(): WakeList<boolean> {
    const waiters = (this.waiters ??= new WakeList<boolean>(this, "wait"));
    const parked = this.parked;
    if (parked !== null) {
      this.parked = null;
      if (parked._parkedIn()) waiters.adopt(parked);
    }
    return waiters;
  }

  /** Waitable protocol: notified at once when set, else at the next `set()`. */
  [addWatcher](watcher: Watcher): void {
    if (this.flag) watcher.notify(this);
    else this.watchers.add(watcher);
  }

  /** Waitable protocol. */
  [removeWatcher](watcher: Watcher): void {
    this.watchers.remove(watcher);
  }

  toString(): string {
    return `<Event ${this.flag ? "set" : "clear"}>`;
  }
}
