// Spawn + join throughput and the memory of parked greenlets (issue 2's targets).
import { heapPerTask, parkGreenlets, parkPlain } from "./workloads/park.js";
import { promiseAllBatch, spawnJoinBatch } from "./workloads/spawn.js";
import { alternate, finish, ratioTarget, targetAtMost } from "./lib.js";

const N = 100_000;

const results = await alternate("spawn + join of 100,000 trivial tasks", N, {
  "Promise.all over async functions": async () => promiseAllBatch(N),
  "greenthread spawn + joinall": async () => spawnJoinBatch(N),
}, { rounds: 5 });
ratioTarget(results, "greenthread spawn + joinall", "Promise.all over async functions", 0.5);

// Memory: N tasks parked on one thing. The baseline is N plain async functions awaiting one
// promise; the subject is N greenlets waiting on one Event. Measured with the heap after a full GC,
// while every task is parked, minus the heap before.
// Warm up each shape once so that code and maps exist before measuring.
const parkGreenletsPlain = (n: number) => parkGreenlets(n, false);
const parkGreenletsKillable = (n: number) => parkGreenlets(n, true);
await heapPerTask(N, parkPlain);
await heapPerTask(N, parkGreenletsPlain);
await heapPerTask(N, parkGreenletsKillable);
const plainBytes = await heapPerTask(N, parkPlain);
const greenletBytes = await heapPerTask(N, parkGreenletsPlain);
const signalBytes = await heapPerTask(N, parkGreenletsKillable);
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
