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

/** The wall clock: Node's timers and `performance.now()`. */
export const realClock: Clock = {
  now: () => performance.now(),
  setTimer: (callback, ms, arg) => setTimeout(callback, ms, arg),
  clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
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
