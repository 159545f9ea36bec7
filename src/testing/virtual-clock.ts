/**
 * A virtual clock for deterministic tests of time-dependent code, the library's and its users'.
 *
 * Time moves only when the test says so (`advance(ms)`, `runAll()`), or, in autojump mode, when
 * nothing else can run: once the microtask queue is drained and no greenlet asked for another turn
 * (`sleep(0)`), the clock jumps to the next deadline. A 10-second timeout then takes no wall time.
 * Yielding holds the clock still for at most `maxYieldTurns` turns in a row, so a loop that polls
 * with `sleep(0)` cannot stop time forever.
 *
 * Timers live in a binary heap ordered by (deadline, arming order), and each timer knows its
 * index in it: `clearTimer` removes it at once (O(log n)), so a cleared timer, and whatever its
 * argument holds, is not kept until virtual time passes its deadline.
 * @module
 */
import { getClock, setClock, type Clock, type TimerHandle } from "../core/clock.js";
import { checkDuration, checkInteger } from "../core/validate.js";

class VirtualTimer {
  /** Position in the heap; -1 once fired or cleared. */
  index = -1;

  constructor(
    readonly deadline: number,
    readonly seq: number,
    readonly callback: (arg: any) => void,
    readonly arg: unknown,
  ) {}
}

/** The default of {@link VirtualClockOptions.maxYieldTurns}. */
const MAX_YIELD_TURNS = 1000;

/** Options of {@link VirtualClock}. */
export interface VirtualClockOptions {
  /** The time the clock starts at, in ms. Default 0. */
  now?: number;
  /** Jump to the next deadline whenever nothing else can run. Default false. */
  autojump?: boolean;
  /**
   * How many turns in a row autojump waits while someone yields with `sleep(0)` before it jumps
   * anyway; an integer ≥ 0. Default 1000.
   */
  maxYieldTurns?: number;
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function earlier(a: VirtualTimer, b: VirtualTimer): boolean {
  return a.deadline < b.deadline || (a.deadline === b.deadline && a.seq < b.seq);
}

/**
 * A {@link Clock} whose time moves only on request. Install it with `install()` (or
 * {@link installVirtualClock}) and put the previous clock back with `uninstall()`.
 *
 * Autojump rule: at each macrotask turn, when microtasks are drained and timers are armed, the
 * clock fires the next one unless someone yielded with `sleep(0)` (`yieldTurn`) since the last
 * turn; then it waits another turn, but never more than `maxYieldTurns` turns in a row. So
 * cooperative work that yields finishes before time moves, as long as it takes fewer turns, and a
 * `sleep(0)` poller lets a deadline fire every `maxYieldTurns` turns instead of never.
 *
 * Caveat: autojump considers the process idle when microtasks are drained at a macrotask turn; it
 * does not wait for real I/O. For code that waits on sockets or files, use `advance()` instead.
 *
 * @throws {TypeError|RangeError} from the constructor when `maxYieldTurns` is not an integer ≥ 0.
 *
 * @example
 * ```ts
 * const clock = installVirtualClock({ autojump: true });
 * try {
 *   const r = await withTimeout(10_000, () => new Promise(() => {}), { timeoutValue: "late" });
 *   assert.equal(r, "late"); // instantly
 * } finally { clock.uninstall(); }
 * ```
 */
export class VirtualClock implements Clock {
  private time: number;
  private seq = 0;
  private heap: VirtualTimer[] = [];
  private autojumpEnabled: boolean;
  private jumpScheduled = false;
  private yields = 0;
  /** Consecutive autojump turns that saw a yield and so did not jump. */
  private yieldTurns = 0;
  private readonly maxYieldTurns: number;
  private previous: Clock | undefined = undefined;

  constructor(options: VirtualClockOptions = {}) {
    this.time = options.now ?? 0;
    this.autojumpEnabled = options.autojump ?? false;
    this.maxYieldTurns = options.maxYieldTurns === undefined
      ? MAX_YIELD_TURNS
      : checkInteger("new VirtualClock()", "options.maxYieldTurns", options.maxYieldTurns, 0, "an integer ≥ 0");
  }

  now(): number {
    return this.time;
  }

  /** Number of timers armed and not yet fired or cleared. */
  get pendingTimers(): number {
    return this.heap.length;
  }

  /** Whether the clock jumps to the next deadline by itself once nothing else can run. */
  get autojump(): boolean {
    return this.autojumpEnabled;
  }

  set autojump(on: boolean) {
    this.autojumpEnabled = on;
    if (on) this.scheduleJump();
  }

  setTimer<A>(callback: (arg: A) => void, ms: number, arg: A): TimerHandle {
    const timer = new VirtualTimer(this.time + ms, this.seq++, callback, arg);
    this.push(timer);
    if (this.autojumpEnabled) this.scheduleJump();
    return timer;
  }

  clearTimer(handle: TimerHandle): void {
    // A timer of another clock, or one already fired or cleared, is not at its index in this heap.
    if (handle instanceof VirtualTimer && this.heap[handle.index] === handle) this.removeAt(handle.index);
  }

  yieldTurn(callback: () => void): void {
    this.yields++;
    setImmediate(callback);
  }

  /** Makes this the library's clock; returns this. */
  install(): this {
    if (this.previous === undefined) this.previous = setClock(this);
    return this;
  }

  /** Puts back the clock that was installed before `install()`. */
  uninstall(): void {
    if (this.previous !== undefined && getClock() === this) setClock(this.previous);
    this.previous = undefined;
    this.autojumpEnabled = false;
  }

  /**
   * Moves time forward by `ms`, firing every timer that falls due on the way in deadline order.
   * After each timer the promise continuations it caused run before the next one fires, so a
   * timer armed by a callback inside the window fires too.
   */
  async advance(ms: number): Promise<void> {
    checkDuration("VirtualClock.advance()", "ms", ms);
    const target = this.time + ms;
    await turn();
    for (;;) {
      const next = this.heap[0];
      if (next === undefined || next.deadline > target) break;
      this.fireNext();
      await turn();
    }
    this.time = Math.max(this.time, target);
  }

  /** Fires timers until none is left (a timer that re-arms forever makes this loop forever). */
  async runAll(): Promise<void> {
    await turn();
    while (this.heap.length > 0) {
      this.fireNext();
      await turn();
    }
  }

  private scheduleJump(): void {
    if (this.jumpScheduled) return;
    this.jumpScheduled = true;
    const yieldsBefore = this.yields;
    setImmediate(() => this.autojumpStep(yieldsBefore));
  }

  private autojumpStep(yieldsBefore: number): void {
    this.jumpScheduled = false;
    if (!this.autojumpEnabled || this.heap.length === 0) return;
    // Someone yielded with sleep(0) since we looked: the process is not idle yet, unless it has
    // only been yielding for maxYieldTurns turns in a row (a poller would hold time still forever).
    if (this.yields !== yieldsBefore && this.yieldTurns < this.maxYieldTurns) {
      this.yieldTurns++;
      this.scheduleJump();
      return;
    }
    this.yieldTurns = 0;
    this.fireNext();
    if (this.heap.length > 0) this.scheduleJump();
  }

  private fireNext(): void {
    const timer = this.removeAt(0);
    this.time = Math.max(this.time, timer.deadline);
    timer.callback(timer.arg);
  }

  private push(timer: VirtualTimer): void {
    timer.index = this.heap.length;
    this.heap.push(timer);
    this.siftUp(timer.index);
  }

  /** Takes the timer at `index` out of the heap and marks it spent. */
  private removeAt(index: number): VirtualTimer {
    const heap = this.heap;
    const timer = heap[index]!;
    const last = heap.pop()!;
    if (last !== timer) {
      heap[index] = last;
      last.index = index;
      // The moved timer may belong above its new place (it came from another subtree) or below it.
      if (index > 0 && earlier(last, heap[(index - 1) >> 1]!)) this.siftUp(index);
      else this.siftDown(index);
    }
    timer.index = -1;
    return timer;
  }

  private siftUp(i: number): void {
    const heap = this.heap;
    const timer = heap[i]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const above = heap[parent]!;
      if (!earlier(timer, above)) break;
      heap[i] = above;
      above.index = i;
      i = parent;
    }
    heap[i] = timer;
    timer.index = i;
  }

  private siftDown(i: number): void {
    const heap = this.heap;
    const n = heap.length;
    const timer = heap[i]!;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const child = r < n && earlier(heap[r]!, heap[l]!) ? r : l;
      const below = heap[child]!;
      if (!earlier(below, timer)) break;
      heap[i] = below;
      below.index = i;
      i = child;
    }
    heap[i] = timer;
    timer.index = i;
  }
}

/** Creates a {@link VirtualClock}, installs it as the library's clock and returns it. */
export function installVirtualClock(options?: VirtualClockOptions): VirtualClock {
  return new VirtualClock(options).install();
}
