/**
 * A virtual clock for deterministic tests of time-dependent code, the library's and its users'.
 *
 * Time moves only when the test says so (`advance(ms)`, `runAll()`), or, in autojump mode, when
 * nothing else can run: once the microtask queue is drained and no greenlet asked for another turn
 * (`sleep(0)`), the clock jumps to the next deadline. A 10-second timeout then takes no wall time.
 * @module
 */
import { getClock, setClock, type Clock, type TimerHandle } from "../core/clock.js";
import { checkDuration } from "../core/validate.js";

interface VirtualTimer {
  deadline: number;
  seq: number;
  callback: (arg: any) => void;
  arg: unknown;
  cancelled: boolean;
}

/** Options of {@link VirtualClock}. */
export interface VirtualClockOptions {
  /** The time the clock starts at, in ms. Default 0. */
  now?: number;
  /** Jump to the next deadline whenever nothing else can run. Default false. */
  autojump?: boolean;
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function earlier(a: VirtualTimer, b: VirtualTimer): boolean {
  return a.deadline < b.deadline || (a.deadline === b.deadline && a.seq < b.seq);
}

/**
 * A {@link Clock} whose time moves only on request. Install it with `install()` (or
 * {@link installVirtualClock}) and put the previous clock back with `uninstall()`.
 *
 * Caveat: autojump considers the process idle when microtasks are drained at a macrotask turn; it
 * does not wait for real I/O. For code that waits on sockets or files, use `advance()` instead.
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
  private previous: Clock | undefined = undefined;

  constructor(options: VirtualClockOptions = {}) {
    this.time = options.now ?? 0;
    this.autojumpEnabled = options.autojump ?? false;
  }

  now(): number {
    return this.time;
  }

  /** Number of timers armed and not yet fired or cleared. */
  get pendingTimers(): number {
    let n = 0;
    for (const t of this.heap) if (!t.cancelled) n++;
    return n;
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
    const timer: VirtualTimer = { deadline: this.time + ms, seq: this.seq++, callback, arg, cancelled: false };
    this.push(timer);
    if (this.autojumpEnabled) this.scheduleJump();
    return timer;
  }

  clearTimer(handle: TimerHandle): void {
    if (handle !== null && typeof handle === "object" && "cancelled" in handle) (handle as VirtualTimer).cancelled = true;
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
      const next = this.peek();
      if (next === undefined || next.deadline > target) break;
      this.fireNext();
      await turn();
    }
    this.time = Math.max(this.time, target);
  }

  /** Fires timers until none is left (a timer that re-arms forever makes this loop forever). */
  async runAll(): Promise<void> {
    await turn();
    while (this.peek() !== undefined) {
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
    if (!this.autojumpEnabled || this.peek() === undefined) return;
    // Someone yielded with sleep(0) since we looked: the process is not idle yet.
    if (this.yields !== yieldsBefore) {
      this.scheduleJump();
      return;
    }
    this.fireNext();
    if (this.peek() !== undefined) this.scheduleJump();
  }

  private fireNext(): void {
    const timer = this.pop()!;
    this.time = Math.max(this.time, timer.deadline);
    timer.cancelled = true;
    timer.callback(timer.arg);
  }

  /** The earliest live timer, dropping cancelled ones from the top of the heap. */
  private peek(): VirtualTimer | undefined {
    while (this.heap.length > 0 && this.heap[0]!.cancelled) this.pop();
    return this.heap[0];
  }

  private push(timer: VirtualTimer): void {
    const heap = this.heap;
    heap.push(timer);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!earlier(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  private pop(): VirtualTimer | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last !== undefined) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && earlier(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && earlier(heap[r]!, heap[m]!)) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    }
    return top;
  }
}

/** Creates a {@link VirtualClock}, installs it as the library's clock and returns it. */
export function installVirtualClock(options?: VirtualClockOptions): VirtualClock {
  return new VirtualClock(options).install();
}
