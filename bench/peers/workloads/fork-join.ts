// How Effect and Effection start n tasks together and join them all, shared by the spawn + join
// workloads: each task returns its index and the joined values are checked.
import { Effect, Fiber } from "effect";
import { all, run, spawn, type Operation, type Task } from "effection";
import { check } from "../../lib.js";

function checkJoined(values: readonly number[], n: number, who: string): void {
  check(values.length === n && values[0] === 0 && values[n - 1] === n - 1, `${who} joined the wrong values`);
}

/** Effect: one program forks a fiber per task (`task(i)`), then Fiber.joinAll. */
export function effectForkJoin(n: number, task: (i: number) => Effect.Effect<number>): Promise<void> {
  return Effect.runPromise(
    Effect.gen(function* () {
      const fibers: Fiber.Fiber<number>[] = new Array(n);
      for (let i = 0; i < n; i++) fibers[i] = yield* Effect.forkChild(task(i));
      checkJoined(yield* Fiber.joinAll(fibers), n, "Fiber.joinAll");
    }),
  );
}

/** Effection: run() spawns a child operation per task (`task(i)`), then waits for all of them. */
export function effectionSpawnAll(n: number, task: (i: number) => Operation<number>): Promise<void> {
  return run(function* () {
    const tasks: Task<number>[] = new Array(n);
    for (let i = 0; i < n; i++) tasks[i] = yield* spawn(() => task(i));
    checkJoined(yield* all(tasks), n, "effection all()");
  });
}
