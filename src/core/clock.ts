/**
 * The one place greenthread reads time and arms timers. Every timeout, `sleep`, `spawnLater`
 * and `Timeout` goes through the installed clock, so a test (or a user) can swap in a virtual
 * clock and make time-dependent code deterministic. See `greenthread/testing`.
 * @module
 */

/** An opaque handle returned by {@link Clock.setTimer}. */
export type TimerHandle = unknown;

/** What the library needs from a clock. Implement it to drive greenthread's time yourself. */
export interface Clock {
  /** Milliseconds on this clock's own time line (monotonic). */
  now(): number;
  /**
   * Calls `callback(arg)` once `ms` milliseconds have passed on this clock. A real timer keeps
   * the process alive while it is armed.
   */
  setTimer<A>(callback: (arg: A) => void, ms: number, arg: A): TimerHandle;
  /** Disarms a timer. A handle that already fired, or came from another clock, is ignored. */
  clearTimer(handle: TimerHandle): void;
  /**
   * Calls `callback` on a later macrotask turn, after every pending microtask (every greenlet that
   * is ready) has run. This is what `sleep(0)` waits for.
   */
  yieldTurn(callback: () => void): void;
}

/**
 * The longest delay one Node timer holds (2^31−1 ms, about 24.8 days). Node fires a longer one
 * after 1 ms and prints a `TimeoutOverflowWarning`.
 */
const MAX_TIMER_MS = 2 ** 31 - 1;

type NodeTimer = ReturnType<typeof setTimeout>;

/**
 * A delay longer than one Node timer can hold, as a chain of legs: full-length legs while more
 * than one is left, then the remainder. One leg is armed at a time and `leg` is always the
 * pending one, so a single `clearTimeout(leg)` cancels the whole chain wherever it is.
 */
class ChainedTimer {
  leg: NodeTimer;

  constructor(
    readonly callback: (arg: any) => void,
    public remaining: number,
    readonly arg: unknown,
  ) {
    this.leg = setTimeout(nextLeg, MAX_TIMER_MS, this);
    this.remaining -= MAX_TIMER_MS;
  }
}

function nextLeg(timer: ChainedTimer): void {
  if (timer.remaining > MAX_TIMER_MS) {
    timer.remaining -= MAX_TIMER_MS;
    timer.leg = setTimeout(nextLeg, MAX_TIMER_MS, timer);
  } else {
    timer.leg = setTimeout(timer.callback, timer.remaining, timer.arg);
  }
}

/**
 * The wall clock: Node's timers and `performance.now()`. A delay past 2^31−1 ms is waited in
 * full (Node alone would fire it after 1 ms); shorter ones are one plain `setTimeout`.
 */
export const realClock: Clock = {
  now: () => performance.now(),
  setTimer: (callback, ms, arg) => (ms > MAX_TIMER_MS ? new ChainedTimer(callback, ms, arg) : setTimeout(callback, ms, arg)),
  clearTimer: (handle) => clearTimeout(handle instanceof ChainedTimer ? handle.leg : (handle as NodeTimer)),
  yieldTurn: (callback) => void setImmediate(callback),
};

let current: Clock = realClock;

/** The clock every timer of the library uses right now. */
export function getClock(): Clock {
  return current;
}

/**
 * Installs `clock` for every timer armed from now on and returns the previous one. Timers already
 * armed stay on the clock that armed them, so swap clocks while nothing is waiting.
 */
export function setClock(clock: Clock): Clock {
  const previous = current;
  current = clock;
  return previous;
}
