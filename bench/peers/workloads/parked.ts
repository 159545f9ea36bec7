// Heap per parked task: n tasks waiting on one thing, measured in a fresh process per case
// (bench/peers/memory.ts). greenthread parks on an Event, plainly or killably; the floor is n
// async functions awaiting one promise; Effect forks n fibers awaiting one Deferred; Effection
// spawns n operations waiting on one withResolvers(); gevent parks n greenlets on an Event
// (measured as resident-set growth, since Python has no V8 heap).
import { Deferred, Effect, Fiber } from "effect";
import { all, run, spawn, withResolvers, type Task } from "effection";
import { parkGreenlets, parkPlain, type Parked } from "../../workloads/park.js";

/** Effect: one program forks n fibers that count themselves parked and await one Deferred. */
function parkEffect(n: number): Parked {
  const deferred = Deferred.makeUnsafe<void>();
  let parked = 0;
  const task = Effect.andThen(
    Effect.sync(() => void parked++),
    Deferred.await(deferred),
  );
  const done = Effect.runPromise(
    Effect.gen(function* () {
      const fibers: Fiber.Fiber<void>[] = new Array(n);
      for (let i = 0; i < n; i++) fibers[i] = yield* Effect.forkChild(task);
      yield* Fiber.joinAll(fibers);
    }),
  );
  return { release: () => void Deferred.doneUnsafe(deferred, Effect.void), settle: () => done, parked: () => parked };
}

/** Effection: run() spawns n operations that count themselves parked and wait on one withResolvers(). */
function parkEffection(n: number): Parked {
  const gate = withResolvers<void>();
  let parked = 0;
  const done = run(function* () {
    const tasks: Task<void>[] = new Array(n);
    for (let i = 0; i < n; i++) {
      tasks[i] = yield* spawn(function* () {
        parked++;
        yield* gate.operation;
      });
    }
    yield* all(tasks);
  });
  return { release: () => gate.resolve(), settle: () => done, parked: () => parked };
}

export interface ParkedCase {
  name: string;
  library: string;
  park?: (n: number) => Parked;
  /** The parked count of a full run, when this case cannot afford the workload's. */
  cap?: number;
}

export const parkedCases: ParkedCase[] = [
  { name: "async functions awaiting one promise", library: "floor", park: parkPlain },
  { name: "greenthread event.wait()", library: "greenthread", park: (n) => parkGreenlets(n, false) },
  { name: "greenthread event.wait({ signal: g })", library: "greenthread", park: (n) => parkGreenlets(n, true) },
  { name: "effect fibers in Deferred.await", library: "effect", park: parkEffect },
  // One effection spawn costs about 0.2 ms here: 100,000 of them, four times over, would take a minute.
  { name: "effection operations waiting on withResolvers()", library: "effection", park: parkEffection, cap: 10_000 },
  { name: "gevent greenlets in Event.wait()", library: "gevent" },
];
