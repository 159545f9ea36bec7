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
 * A timer of the real clock. Timers of one duration are FIFO by deadline, so they share one list
 * and one Node timer armed for the oldest (what Node does inside its own timers, minus the
 * `Timeout` object, its async-hooks bookkeeping and the argument array per timer). Clearing
 * unlinks the entry: O(1), and no Node call at all. This is what every `timeout` option, every
 * `sleep(ms)` and `withTimeout` pay per call, and most are cleared long before they fire.
 */
class Scheduled {
  next: Scheduled | null = null;
  prev: Scheduled | null = null;

  constructor(
    readonly callback: (arg: any) => void,
    readonly arg: unknown,
    readonly deadline: number,
    public list: TimerList | null,
  ) {}
}

/** The timers of one duration, oldest first, behind one Node timer. */
class TimerList {
  head: Scheduled | null = null;
  tail: Scheduled | null = null;
  /** The Node timer, armed for the oldest deadline (or an older one); unref'd while the list is empty. */
  timer: NodeTimer | undefined = undefined;
  referenced = false;

  constructor(readonly ms: number) {}
}

const lists = new Map<number, TimerList>();
let lastList: TimerList | null = null;

function listFor(ms: number): TimerList {
  const last = lastList;
  if (last !== null && last.ms === ms) return last;
  let list = lists.get(ms);
  if (list === undefined) {
    list = new TimerList(ms);
    lists.set(ms, list);
  }
  lastList = list;
  return list;
}

function arm(list: TimerList, delay: number): void {
  list.timer = setTimeout(fireList, delay < 1 ? 1 : delay, list);
  list.referenced = true;
}

function unlink(entry: Scheduled, list: TimerList): void {
  if (entry.prev === null) list.head = entry.next;
  else entry.prev.next = entry.next;
  if (entry.next === null) list.tail = entry.prev;
  else entry.next.prev = entry.prev;
  entry.next = entry.prev = null;
  entry.list = null;
}

function schedule(callback: (arg: any) => void, ms: number, arg: unknown): Scheduled {
  const list = listFor(ms);
  const entry = new Scheduled(callback, arg, performance.now() + ms, list);
  const tail = list.tail;
  if (tail === null) list.head = entry;
  else {
    tail.next = entry;
    entry.prev = tail;
  }
  list.tail = entry;
  if (list.timer === undefined) arm(list, ms);
  else if (!list.referenced) {
    // The Node timer still runs (for an older deadline, since cleared): it keeps the process
    // alive again and, when it fires early, re-arms for this entry.
    list.timer.ref();
    list.referenced = true;
  }
  return entry;
}

function cancel(entry: Scheduled): void {
  const list = entry.list;
  if (list === null) return; // fired already, or cleared
  unlink(entry, list);
  if (list.head === null && list.referenced) {
    // Nothing left to wait for: the process may exit. The Node timer stays, unref'd, so that the
    // next timer of this duration reuses it; it drops the list when it fires with nothing due.
    list.timer!.unref();
    list.referenced = false;
  }
}

/**
 * Node fires a timer when its own loop time has passed the deadline, and that time lags
 * `performance.now()` by up to a millisecond: an entry within that of its deadline is due.
 */
const EARLY_MS = 1;

function fireList(list: TimerList): void {
  list.timer = undefined;
  list.referenced = false;
  try {
    const now = performance.now() + EARLY_MS;
    for (let entry = list.head; entry !== null && entry.deadline <= now; entry = list.head) {
      unlink(entry, list);
      entry.callback(entry.arg);
    }
  } finally {
    // Also after a callback threw (it reaches the process as Node's own timers' errors do): the
    // entries behind it still fire.
    const head = list.head;
    if (head !== null) {
      if (list.timer === undefined) arm(list, head.deadline - performance.now());
    } else if (list.timer === undefined) {
      if (lists.get(list.ms) === list) lists.delete(list.ms);
      if (lastList === list) lastList = null;
    }
  }
}

/**
 * The wall clock: Node's timers and `performance.now()`. A delay past 2^31−1 ms is waited in
 * full (Node alone would fire it after 1 ms).
 */
export const realClock: Clock = {
  now: () => performance.now(),
  setTimer: (callback, ms, arg) => (ms > MAX_TIMER_MS ? new ChainedTimer(callback, ms, arg) : schedule(callback, ms, arg)),
  clearTimer: (handle) => {
    if (handle instanceof Scheduled) cancel(handle);
    else if (handle instanceof ChainedTimer) clearTimeout(handle.leg);
  },
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
