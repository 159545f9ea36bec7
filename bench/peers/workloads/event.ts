// Event ping-pong: two tasks hand control back and forth through two flags, n round trips per
// batch; every batch checks the count. The floor is a one-promise-per-cycle flag between two
// async functions. greenthread's Event runs with plain waits in one workload and with
// `{ signal: g }` in another; Effect's Latch (its open/close gate) and Effection's one-shot
// resolvers are interruptible waits in both.
import { Effect, Fiber, Latch } from "effect";
import { run, spawn, withResolvers, type WithResolvers } from "effection";
import { check } from "../../lib.js";
import { eventRoundTrips, flagRoundTrips } from "../../workloads/event.js";
import { geventContender } from "../gevent.js";
import { inProcess, type Contender } from "../method.js";
import { cappedBatch, type WorkloadDefinition } from "./define.js";

/** Effect: two Latches, opened to wake the other side and closed again by the side that woke. */
function effectBatch(n: number): Promise<void> {
  return Effect.runPromise(
    Effect.gen(function* () {
      const ping = yield* Latch.make();
      const pong = yield* Latch.make();
      let count = 0;
      const ponger = yield* Effect.forkChild(
        Effect.gen(function* () {
          for (let i = 0; i < n; i++) {
            yield* ping.await;
            yield* ping.close;
            count++;
            yield* pong.open;
          }
        }),
      );
      for (let i = 0; i < n; i++) {
        yield* ping.open;
        yield* pong.await;
        yield* pong.close;
      }
      yield* Fiber.join(ponger);
      check(count === n, `expected ${n} round trips, counted ${count}`);
    }),
  );
}

/** Effection: a fresh withResolvers() per cycle is its way to wake another operation. */
function effectionBatch(n: number): Promise<void> {
  return run(function* () {
    let ping: WithResolvers<void> = withResolvers<void>();
    let pong: WithResolvers<void> = withResolvers<void>();
    let count = 0;
    const ponger = yield* spawn(function* () {
      for (let i = 0; i < n; i++) {
        yield* ping.operation;
        ping = withResolvers<void>();
        count++;
        pong.resolve();
      }
    });
    for (let i = 0; i < n; i++) {
      ping.resolve();
      yield* pong.operation;
      pong = withResolvers<void>();
    }
    yield* ponger;
    check(count === n, `expected ${n} round trips, counted ${count}`);
  });
}

function define(killable: boolean): WorkloadDefinition {
  const id = killable ? "event-killable" : "event";
  return {
    id,
    n: 100_000,
    build: async ({ n, gevent }) => {
      // Effect's Latch runs about 90 k round trips/s here: a smaller batch keeps its timing near a second.
      const effectN = cappedBatch(n, 20_000);
      const others: Contender[] = [
        inProcess("effect Latch", "effect", effectN, () => effectBatch(effectN)),
        inProcess("effection withResolvers()", "effection", n, () => effectionBatch(n)),
      ];
      if (gevent) others.push(await geventContender("gevent Event", "event", n));
      const waits = killable ? "wait({ signal: g })" : "wait()";
      return {
        id,
        title: `Event ping-pong, ${n.toLocaleString("en-US")} round trips, ${killable ? "killable" : "plain"} waits`,
        description: `Two tasks wake each other through two flags; every batch checks the count. greenthread: \`Event.${waits}\`. The floor is a one-promise-per-cycle flag with no cancellation.`,
        unit: "round trips",
        n,
        floor: inProcess("promise flag, two async functions", "floor", n, () => flagRoundTrips(n)),
        subject: inProcess(`greenthread Event, ${waits}`, "greenthread", n, () => eventRoundTrips(n, killable)),
        others,
      };
    },
  };
}

export const events: WorkloadDefinition[] = [define(false), define(true)];
