// The heap that n parked tasks hold: the heap after a full collection while every task is parked,
// minus the heap before, per task. Not timed, so a full gc() is the right tool here.
import { Event, joinall, spawn, type Greenlet } from "../../src/index.js";
import { check, collect } from "../lib.js";

/** n parked tasks: `release` wakes them all, `settle` resolves once every one has ended. */
export interface Parked {
  release(): void;
  settle(): Promise<unknown>;
  /** How many have reached their wait; omitted when one turn parks them all. */
  parked?(): number;
}

/** Heap bytes per parked task; waits until `parked()` reaches n when the shape reports it. */
export async function heapPerTask(n: number, park: (n: number) => Parked): Promise<number> {
  collect();
  const before = process.memoryUsage().heapUsed;
  const parked = park(n);
  await new Promise((resolve) => setImmediate(resolve));
  for (let turns = 0; parked.parked !== undefined && parked.parked() < n; turns++) {
    check(turns < 10_000, `only ${parked.parked()} of ${n} tasks parked`);
    await new Promise((resolve) => setImmediate(resolve));
  }
  collect();
  const after = process.memoryUsage().heapUsed;
  parked.release();
  await parked.settle();
  return (after - before) / n;
}

/** The floor: n async functions awaiting one promise. */
export function parkPlain(n: number): Parked {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const all: Promise<void>[] = [];
  for (let i = 0; i < n; i++) all.push((async () => { await gate; })());
  return { release: open, settle: () => Promise.all(all) };
}

/** n greenlets in `event.wait()`, or in the killable `event.wait({ signal: g })`. */
export function parkGreenlets(n: number, withSignal: boolean): Parked {
  const event = new Event();
  const greenlets: Greenlet<unknown>[] = [];
  for (let i = 0; i < n; i++) {
    greenlets.push(withSignal ? spawn(async (g) => { await event.wait({ signal: g }); }) : spawn(async () => { await event.wait(); }));
  }
  return {
    release: () => event.set(),
    settle: async () => check((await joinall(greenlets)).length === n, "every parked greenlet woke"),
  };
}
