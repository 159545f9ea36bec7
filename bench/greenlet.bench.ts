// Spawn + join throughput and the memory of parked greenlets (issue 2's targets).
import { Event, joinall, spawn, type Greenlet } from "../src/index.js";
import { alternate, check, collect, finish, ratioTarget, targetAtMost } from "./lib.js";

const N = 100_000;

async function plainTask(i: number): Promise<number> {
  return i;
}

async function greenletTask(_g: Greenlet<number>, i: number): Promise<number> {
  return i;
}

const results = await alternate("spawn + join of 100,000 trivial tasks", N, {
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
}, { rounds: 5 });
ratioTarget(results, "greenthread spawn + joinall", "Promise.all over async functions", 0.5);

// Memory: N tasks parked on one thing. The baseline is N plain async functions awaiting one
// promise; the subject is N greenlets waiting on one Event. Measured with the heap after a full GC,
// while every task is parked, minus the heap before.
async function heapOf(park: () => { release: () => void; settle: () => Promise<unknown> }): Promise<number> {
  collect();
  const before = process.memoryUsage().heapUsed;
  const parked = park();
  await new Promise((resolve) => setImmediate(resolve));
  collect();
  const after = process.memoryUsage().heapUsed;
  parked.release();
  await parked.settle();
  return (after - before) / N;
}

function parkPlain() {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const all: Promise<void>[] = [];
  for (let i = 0; i < N; i++) all.push((async () => { await gate; })());
  return { release: open, settle: () => Promise.all(all) };
}

function parkGreenlets(withSignal: boolean) {
  const event = new Event();
  const greenlets: Greenlet<unknown>[] = [];
  for (let i = 0; i < N; i++) {
    greenlets.push(withSignal ? spawn(async (g) => { await event.wait({ signal: g }); }) : spawn(async () => { await event.wait(); }));
  }
  return {
    release: () => event.set(),
    settle: async () => check((await joinall(greenlets)).length === N, "every parked greenlet woke"),
  };
}

// Warm up each shape once so that code and maps exist before measuring.
await heapOf(parkPlain);
await heapOf(() => parkGreenlets(false));
await heapOf(() => parkGreenlets(true));
const plainBytes = await heapOf(parkPlain);
const greenletBytes = await heapOf(() => parkGreenlets(false));
const signalBytes = await heapOf(() => parkGreenlets(true));
console.log(
  `\n## heap per parked task (${N.toLocaleString("en-US")} tasks)\n` +
    `  plain async function awaiting one promise        ${plainBytes.toFixed(0)} bytes\n` +
    `  greenlet in event.wait()                          ${greenletBytes.toFixed(0)} bytes\n` +
    `  greenlet in event.wait({ signal: g })             ${signalBytes.toFixed(0)} bytes (killable wait)`,
);
// The first target (≤ 1.5×) is still missed (bench/README.md says why); ≤ 1.7× guards against a
// regression of the plain wait while the killable one is made leaner; the killable one ≤ 2.0×.
targetAtMost("greenlet in event.wait() vs plain async function", greenletBytes, plainBytes, 1.5, "bytes");
targetAtMost("greenlet in event.wait() vs plain async function (no regression)", greenletBytes, plainBytes, 1.7, "bytes");
targetAtMost("greenlet in event.wait({ signal: g }) vs plain async function", signalBytes, plainBytes, 2.0, "bytes");
finish();
