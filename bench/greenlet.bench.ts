// Spawn + join throughput and the memory of parked greenlets (issue 2's targets).
import { joinall, spawn, type Greenlet } from "../src/index.js";
import { check, collect, finish, measure, target, targetAtMost } from "./lib.js";

const N = 100_000;

async function plainTask(i: number): Promise<number> {
  return i;
}

async function greenletTask(_g: Greenlet<number>, i: number): Promise<number> {
  return i;
}

const results = await measure("spawn + join of 100,000 trivial tasks", N, {
  "Promise.all over async functions": async () => {
    const promises: Promise<number>[] = new Array(N);
    for (let i = 0; i < N; i++) promises[i] = plainTask(i);
    const values = await Promise.all(promises);
    check(values[N - 1] === N - 1, "Promise.all returned the wrong values");
  },
  "greenthread spawn + joinall": async () => {
    const greenlets: Greenlet<number>[] = new Array(N);
    for (let i = 0; i < N; i++) greenlets[i] = spawn(greenletTask, i);
    const done = await joinall(greenlets);
    check(done.length === N && greenlets[N - 1]!.value === N - 1, "joinall returned the wrong greenlets");
  },
});
target(results, "greenthread spawn + joinall", "Promise.all over async functions", 0.5);

// Memory: N tasks parked on one thing. The baseline is N plain async functions awaiting one
// promise; the subject is N greenlets waiting on one Event-like gate (a greenlet that never ends
// until released), each through the library's own wait.
async function heapOf(park: (release: Promise<void>) => { settle: () => Promise<void> }): Promise<number> {
  collect();
  const before = process.memoryUsage().heapUsed;
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const parked = park(gate);
  await new Promise((resolve) => setImmediate(resolve));
  collect();
  const after = process.memoryUsage().heapUsed;
  open();
  await parked.settle();
  return (after - before) / N;
}

const plainBytes = await heapOf((gate) => {
  const all: Promise<void>[] = [];
  for (let i = 0; i < N; i++) all.push((async () => { await gate; })());
  return { settle: async () => { await Promise.all(all); } };
});

const { Event } = await import("../src/index.js").then((m) => m as unknown as { Event?: new () => { set(): void; wait(o?: object): Promise<boolean> } });
const greenletBytes = await heapOf((gate) => {
  const greenlets: Greenlet<unknown>[] = [];
  if (Event !== undefined) {
    const event = new Event();
    void gate.then(() => event.set());
    for (let i = 0; i < N; i++) greenlets.push(spawn(async (g) => { await event.wait({ signal: g }); }));
  } else {
    for (let i = 0; i < N; i++) greenlets.push(spawn(async () => { await gate; }));
  }
  return { settle: async () => { await joinall(greenlets); } };
});
console.log(`\n## heap per parked task\n  plain async function awaiting one promise   ${plainBytes.toFixed(0)} bytes\n  greenlet waiting on one Event               ${greenletBytes.toFixed(0)} bytes`);
targetAtMost("greenlet heap vs plain async function", greenletBytes, plainBytes, 1.5, "bytes");
finish();
