// spawn + join of n tasks that each yield once, killably where the library can (each returns its
// index; the join checks the values). The floor is n async functions each awaiting a setImmediate
// promise, which nothing can cancel. Raw AbortController code gets its own row: one controller
// per task (each task can be stopped on its own, as a greenlet can) and abort-controller-x's
// `delay(signal, 0)` as the yield.
import { delay } from "abort-controller-x";
import { Effect } from "effect";
import { sleep } from "effection";
import { check } from "../../lib.js";
import { setImmediateBatch, sleepZeroBatch } from "../../workloads/spawn.js";
import { geventContender } from "../gevent.js";
import { inProcess, type Contender } from "../method.js";
import { cappedBatch, type WorkloadDefinition } from "./define.js";
import { effectForkJoin, effectionSpawnAll } from "./fork-join.js";

async function abortableTask(signal: AbortSignal, i: number): Promise<number> {
  await delay(signal, 0);
  return i;
}

async function abortControllerBatch(n: number): Promise<void> {
  const promises: Promise<number>[] = new Array(n);
  for (let i = 0; i < n; i++) promises[i] = abortableTask(new AbortController().signal, i);
  const values = await Promise.all(promises);
  check(values.length === n && values[0] === 0 && values[n - 1] === n - 1, "Promise.all joined the wrong values");
}

/** Effect: every fiber is interruptible, and Effect.yieldNow is its cooperative yield. */
const effectBatch = (n: number): Promise<void> => effectForkJoin(n, (i) => Effect.as(Effect.yieldNow, i));

/** Effection: a halted task stops at its next yield; sleep(0) is the yield it offers. */
const effectionBatch = (n: number): Promise<void> =>
  effectionSpawnAll(n, function* (i) {
    yield* sleep(0);
    return i;
  });

export const spawnYield: WorkloadDefinition = {
  id: "spawn-yield",
  n: 100_000,
  build: async ({ n, gevent }) => {
    const acxN = cappedBatch(n, 20_000);
    const others: Contender[] = [
      // A timer per task (delay(signal, 0) is a setTimeout) runs about 50 k tasks/s here: a smaller batch.
      inProcess("AbortController + abort-controller-x delay(signal, 0)", "abort-controller-x", acxN, () => abortControllerBatch(acxN)),
      inProcess("effect forkChild(yieldNow) + Fiber.joinAll", "effect", n, () => effectBatch(n)),
    ];
    const effectionN = cappedBatch(n, 1_000);
    others.push(inProcess("effection spawn(sleep(0)) + all()", "effection", effectionN, () => effectionBatch(effectionN)));
    if (gevent) others.push(await geventContender("gevent spawn(sleep(0)) + joinall", "spawn-yield", cappedBatch(n, 10_000)));
    return {
      id: "spawn-yield",
      title: `spawn + join of ${n.toLocaleString("en-US")} tasks that each yield once`,
      description:
        "Each task yields once, killably where the library can, and returns its index; every batch checks the joined values. The floor awaits a `setImmediate` promise, which nothing can cancel.",
      unit: "tasks",
      n,
      floor: inProcess("async functions awaiting setImmediate", "floor", n, () => setImmediateBatch(n)),
      subject: inProcess("greenthread spawn, sleep(0, { signal: g })", "greenthread", n, () => sleepZeroBatch(n)),
      others,
    };
  },
};
