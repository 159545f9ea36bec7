// Shared by tutorial chapter 6's first program: the virtual clock of greenthread/testing, with
// `cpu.burn(ms)` standing for ms of synchronous work. A real busy loop would give other times on
// every run; this one moves the clock forward while no timer fires and no other greenlet runs,
// which is what a busy loop does to the real clock, and gives the same trace every time.
import { setClock, type Clock } from "greenthread";
import { VirtualClock } from "greenthread/testing";

class CpuClock implements Clock {
  private readonly virtual = new VirtualClock({ autojump: true });
  private busyUntil = 0;

  now(): number {
    return Math.max(this.virtual.now(), this.busyUntil);
  }

  setTimer<A>(callback: (arg: A) => void, ms: number, arg: A): unknown {
    return this.virtual.setTimer(callback, this.now() + ms - this.virtual.now(), arg);
  }

  /** `ms` of synchronous work: the clock moves on, and nothing else runs meanwhile. */
  burn(ms: number): void {
    this.busyUntil = this.now() + ms;
  }

  clearTimer(handle: unknown): void {
    this.virtual.clearTimer(handle);
  }

  yieldTurn(callback: () => void): void {
    this.virtual.yieldTurn(callback);
  }
}

export const cpu = new CpuClock();
setClock(cpu);
