// What observing costs: spawn + join, the killable Event ping-pong and parked memory with nothing
// installed, with run-info on, and while a trace records. Nothing installed is the path every
// other suite measures (its targets are theirs); the ratios here say what turning a tool on costs.
import { enableRunInfo, startTrace } from "../src/observe/index.js";
import { eventRoundTrips, flagRoundTrips } from "./workloads/event.js";
import { heapPerTask, parkGreenlets, parkPlain } from "./workloads/park.js";
import { promiseAllBatch, sleepZeroBatch, spawnJoinBatch } from "./workloads/spawn.js";
import { alternate, finish, ratioTarget } from "./lib.js";

const N = 100_000;

/** Runs `batch` with run-info on for its duration. */
function withRunInfo(batch: () => Promise<void>): () => Promise<void> {
  return async () => {
    const disable = enableRunInfo();
    try {
      await batch();
    } finally {
      disable();
    }
  };
}

/** Runs `batch` with a trace recording every switch point (limit above what a batch makes). */
function traced(batch: () => Promise<void>): () => Promise<void> {
  return async () => {
    const tracer = startTrace({ limit: 10 * N });
    try {
      await batch();
    } finally {
      tracer.stop();
    }
  };
}

const spawnJoin = await alternate("spawn + join of 100,000 trivial tasks, observed or not", N, {
  "Promise.all over async functions": () => promiseAllBatch(N),
  "greenthread, nothing installed": () => spawnJoinBatch(N),
  "greenthread, run-info on": withRunInfo(() => spawnJoinBatch(N)),
  "greenthread, tracing": traced(() => spawnJoinBatch(N)),
}, { rounds: 5 });
ratioTarget(spawnJoin, "greenthread, nothing installed", "Promise.all over async functions");
ratioTarget(spawnJoin, "greenthread, run-info on", "greenthread, nothing installed");
ratioTarget(spawnJoin, "greenthread, tracing", "greenthread, nothing installed");

const yielding = await alternate("spawn + join of 100,000 tasks, each with one sleep(0, { signal: g }), observed or not", N, {
  "greenthread, nothing installed": () => sleepZeroBatch(N),
  "greenthread, run-info on": withRunInfo(() => sleepZeroBatch(N)),
}, { rounds: 5 });
ratioTarget(yielding, "greenthread, run-info on", "greenthread, nothing installed");

const pingPong = await alternate("Event ping-pong, 100,000 round trips, wait({ signal: g }), observed or not", N, {
  "plain promise flag, two async functions": () => flagRoundTrips(N),
  "greenthread, nothing installed": () => eventRoundTrips(N, true),
  "greenthread, run-info on": withRunInfo(() => eventRoundTrips(N, true)),
}, { rounds: 5 });
ratioTarget(pingPong, "greenthread, nothing installed", "plain promise flag, two async functions");
ratioTarget(pingPong, "greenthread, run-info on", "greenthread, nothing installed");

// Memory: the registry's record per parked greenlet.
const killable = (n: number) => parkGreenlets(n, true);
await heapPerTask(N, parkPlain);
await heapPerTask(N, killable);
const plainBytes = await heapPerTask(N, parkPlain);
const offBytes = await heapPerTask(N, killable);
const disable = enableRunInfo();
await heapPerTask(N, killable);
const onBytes = await heapPerTask(N, killable);
disable();
console.log(
  `\n## heap per greenlet parked in event.wait({ signal: g }) (${N.toLocaleString("en-US")} tasks)\n` +
    `  plain async function awaiting one promise        ${plainBytes.toFixed(0)} bytes\n` +
    `  greenlet, nothing installed                      ${offBytes.toFixed(0)} bytes (${(offBytes / plainBytes).toFixed(2)}×)\n` +
    `  greenlet, run-info on                            ${onBytes.toFixed(0)} bytes (${(onBytes / plainBytes).toFixed(2)}×; the record: ${(onBytes - offBytes).toFixed(0)} bytes)`,
);
finish();
