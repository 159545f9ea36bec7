// Heap per parked task: n tasks waiting on one thing, measured in a fresh process per case
// (bench/peers/memory.ts). greenthread parks on an Event, plainly or killably; the floor is n
// async functions awaiting one promise; Effect forks n fibers awaiting one Deferred; Effection
// spawns n operations waiting on one withResolvers(); gevent parks n greenlets on an Event
// (measured as resident-set growth, since Python has no V8 heap).
import type { Fiber } from "effect";
import type { Task } from "effection";
import { parkGreenlets, parkPlain, type Parked } from "../../workloads/park.js";

// The peers load on demand: importing effect alone takes a second or more here, and each case
// runs in a process of its own.

/** Effect: one program forks n fibers that count themselves parked and await one Deferred. */
async function loadEffect(): Promise<(n: number) => Parked> {
  const { Deferred, Effect, Fiber: Fibers } = await import("effect");
  return (n) => {
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
        yield* Fibers.joinAll(fibers);
      }),
    );
    return { release: () => void Deferred.doneUnsafe(deferred, Effect.void), settle: () => done, parked: () => parked };
  };
}

/** Effection: run() spawns n operations that count themselves parked and wait on one withResolvers(). */
async function loadEffection(): Promise<(n: number) => Parked> {
  const { all, run, spawn, withResolvers } = await import("effection");
  return (n) => {
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
  };
}

export interface ParkedCase {
  name: string;
  library: string;
  /** The shape to park; absent for gevent, which parks in Python. */
  load?: () => Promise<(n: number) => Parked>;
  /** The parked count of a full run, when this case cannot afford the workload's. */
  cap?: number;
}

export const parkedCases: ParkedCase[] = [
  { name: "async functions awaiting one promise", library: "floor", load: async () => parkPlain },
  { name: "greenthread event.wait()", library: "greenthread", load: async () => (n) => parkGreenlets(n, false) },
  { name: "greenthread event.wait({ signal: g })", library: "greenthread", load: async () => (n) => parkGreenlets(n, true) },
  { name: "effect fibers in Deferred.await", library: "effect", load: loadEffect },
  // One effection spawn costs about 0.2 ms and 20 KB here: 100,000 of them, four times over, would take minutes.
  { name: "effection operations waiting on withResolvers()", library: "effection", load: loadEffection, cap: 2_000 },
  { name: "gevent greenlets in Event.wait()", library: "gevent" },
];
