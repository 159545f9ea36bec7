/**
 * `sleep`: the cooperative yield and the timed pause.
 * @module
 */
import { checkSignal, subscribe, unsubscribe, type AbortTarget, type SignalLike } from "./core/cancel.js";
import { getClock, type Clock } from "./core/clock.js";
import { checkDuration, checkOptions } from "./core/validate.js";
import { Waiter, rejectIfAborted } from "./core/waiter.js";
import { PARKS } from "./core/park.js";
import type { Greenlet, Signal } from "./greenlet.js";
import { labelId } from "./core/stuck.js";

const SLEEP = labelId("sleep");

function expireResolve(waiter: Waiter<void>): void {
  waiter.resolve();
}

/**
 * A killable `sleep(0)`: only a promise and the abort registration. It never has a timer or a
 * place in a wait list, so the general Waiter's other fields would be dead weight on the
 * commonest killable wait there is.
 */
class TurnWaiter implements AbortTarget {
  private resolveFn: (() => void) | undefined;
  private rejectFn: ((reason: unknown) => void) | undefined;
  readonly promise: Promise<void>;

  constructor(private readonly signal: SignalLike) {
    this.promise = new Promise<void>((resolve, reject) => {
      this.resolveFn = resolve;
      this.rejectFn = reject;
    });
    subscribe(signal, this);
  }

  /** The turn came. A waiter killed before it is skipped here: it settled already. */
  wake(): void {
    const resolve = this.resolveFn;
    if (resolve === undefined) return;
    this.resolveFn = this.rejectFn = undefined;
    unsubscribe(this.signal, this);
    resolve();
  }

  /**
   * AbortTarget. Only the signal calls it, and a signal drops its registrations before it aborts
   * them, so there is nothing to unsubscribe here.
   */
  abort(reason: unknown): void {
    const reject = this.rejectFn;
    if (reject === undefined) return;
    this.resolveFn = this.rejectFn = undefined;
    reject(reason);
  }
}

/** A plain `sleep(0)`, a killable one given an AbortSignal or a Timeout, or a greenlet parked lean. */
type TurnEntry = TurnWaiter | (() => void) | Greenlet<any>;

/** The `sleep(0)`s of one turn. A greenlet parked lean that was killed stays in it and is skipped. */
class Turn {
  readonly entries: TurnEntry[] = [];
}

// Every sleep(0) of one turn shares one yieldTurn: the first opens a batch and asks its clock for
// the turn, the rest join it, and the turn wakes them in the order they came. A batch belongs to
// the clock that scheduled it; a sleep(0) on another clock opens its own.
let batch: Turn | null = null;
let batchClock: Clock | null = null;

function turnOf(clock: Clock): Turn {
  if (batch !== null && batchClock === clock) return batch;
  const turn = new Turn();
  batch = turn;
  batchClock = clock;
  clock.yieldTurn(() => wakeTurn(turn));
  return turn;
}

function wakeTurn(turn: Turn): void {
  // Closed before anyone wakes: a sleep(0) called by a woken greenlet waits for the next turn.
  if (batch === turn) batch = batchClock = null;
  const entries = turn.entries;
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    if (typeof entry === "function") entry();
    else if (entry instanceof TurnWaiter) entry.wake();
    else if (entry._take()) entry._wake(undefined);
  }
}

/**
 * Waits `ms` milliseconds on the library's clock.
 *
 * `sleep(0)` is the cooperative yield: it resolves on a later macrotask turn, after every greenlet
 * that is ready has run, and a `sleep(0)` loop also lets timers and I/O run.
 *
 * @throws {TypeError|RangeError} at the call when `ms` is not a finite number ≥ 0.
 * @throws rejects with `signal.reason` when the signal aborts (at once if aborted already); the
 * timer is cleared then.
 * @example
 * ```ts
 * spawn(async (g) => { for (;;) { tick(); await sleep(500, { signal: g }); } });
 * ```
 */
export function sleep(ms: number, options?: { signal?: Signal }): Promise<void> {
  if (ms === 0 && typeof options === "object" && options !== null) {
    // `sleep(0, { signal: g })`, the killable yield of a running greenlet: the greenlet itself
    // joins the turn (core/park.ts), with no waiter and no cancel state.
    const g = options.signal as Greenlet<any> | undefined;
    if (g !== undefined && g[PARKS] === true && g._canPark()) {
      const turn = turnOf(getClock());
      turn.entries.push(g);
      return g._park(SLEEP, 0);
    }
  }
  checkDuration("sleep()", "ms", ms);
  checkOptions("sleep()", options);
  const signal = checkSignal("sleep()", options?.signal);
  const aborted = rejectIfAborted(signal);
  if (aborted !== undefined) return aborted;
  const clock = getClock();
  if (ms === 0) {
    if (signal === undefined) return new Promise((resolve) => turnOf(clock).entries.push(resolve));
    const waiter = new TurnWaiter(signal);
    turnOf(clock).entries.push(waiter);
    return waiter.promise;
  }
  return new Waiter<void>(expireResolve).arm(ms, signal, "sleep", ms).promise;
}
