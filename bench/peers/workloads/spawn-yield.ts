// spawn + join of n tasks that each yield once, killably where the library can (each returns its
// index; the join checks the values). The floor is n async functions each awaiting a setImmediate
// promise, which nothing can cancel. Raw AbortController code gets its own row: one controller
// per task (each task can be stopped on its own, as a greenlet can) and abort-controller-x's
// `delay(signal, 0)` as the yield.
import { delay } from "abort-controller-x";
import { Effect, Fiber } from "effect";
import { all, run, sleep, spawn, type Task } from "effection";
import { check } from "../../lib.js";
import { setImmediateBatch, sleepZeroBatch } from "../../workloads/spawn.js";
import { geventContender } from "../gevent.js";
import { inProcess, type Contender } from "../method.js";
import { cappedBatch, type WorkloadDefinition } from "./define.js";

function checkValues(values: readonly number[], n: number, who: string): void {
  check(values.length === n && values[0] === 0 && values[n - 1] === n - 1, `${who} joined the wrong values`);
}

async function abortableTask(signal: AbortSignal, i: number): Promise<number> {
  await delay(signal, 0);
  return i;
}

async function abortControllerBatch(n: number): Promise<void> {
  const promises: Promise<number>[] = new Array(n);
  for (let i = 0; i < n; i++) promises[i] = abortableTask(new AbortController().signal, i);
  checkValues(await Promise.all(promises), n, "Promise.all");
}

/** Effect: every fiber is interruptible, and Effect.yieldNow is its cooperative yield. */
function effectBatch(n: number): Promise<void> {
  return Effect.runPromise(
    Effect.gen(function* () {
      const fibers: Fiber.Fiber<number>[] = new Array(n);
      for (let i = 0; i < n; i++) fibers[i] = yield* Effect.forkChild(Effect.as(Effect.yieldNow, i));
      checkValues(yield* Fiber.joinAll(fibers), n, "Fiber.joinAll");
    }),
  );
}

/** Effection: a halted task stops at its next yield; sleep(0) is the yield it offers. */
function effectionBatch(n: number): Promise<void> {
  return run(function* () {
    const tasks: Task<number>[] = new Array(n);
    for (let i = 0; i < n; i++) {
      tasks[i] = yield* spawn(function* () {
        yield* sleep(0);
        return i;
      });
    }
    checkValues(yield* all(tasks), n, "effection all()");
  });
}

export const spawnYield: WorkloadDefinition = {
  id: "spawn-yield",
  n: 100_000,
  build: async ({ n, gevent }) => {
    const others: Contender[] = [
      inProcess("AbortController + abort-controller-x delay(signal, 0)", "abort-controller-x", n, () => abortControllerBatch(n)),
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
