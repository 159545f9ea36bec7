// Producer/consumer: n items through a bounded queue (1024, and 1 where every item makes both
// sides switch), one producer started first and one consumer that sums what it gets; every batch
// checks the sum. The floor is an array-and-resolvers queue with no cancellation. greenthread runs
// with plain waits in one workload and with `{ signal: g }` on every wait in another (two
// processes, so that neither variant's call sites see the other's); Effect's and gevent's waits
// are always interruptible, and they run the same code in both.
import { Effect, Fiber, Queue } from "effect";
import { check } from "../../lib.js";
import { sumBelow, throughFloor, throughQueue } from "../../workloads/queue.js";
import { geventContender } from "../gevent.js";
import { inProcess, type Contender } from "../method.js";
import { cappedBatch, type WorkloadDefinition } from "./define.js";

/** Effect: Queue.bounded, a producer fiber forked first and a consumer fiber, both joined. */
function effectBatch(n: number, maxsize: number): Promise<void> {
  return Effect.runPromise(
    Effect.gen(function* () {
      const queue = yield* Queue.bounded<number>(maxsize);
      const producer = yield* Effect.forkChild(
        Effect.gen(function* () {
          for (let i = 0; i < n; i++) yield* Queue.offer(queue, i);
        }),
      );
      const consumer = yield* Effect.forkChild(
        Effect.gen(function* () {
          let sum = 0;
          for (let i = 0; i < n; i++) sum += yield* Queue.take(queue);
          return sum;
        }),
      );
      yield* Fiber.join(producer);
      const sum = yield* Fiber.join(consumer);
      check(sum === sumBelow(n), `the consumer summed ${sum}, expected ${sumBelow(n)}`);
    }),
  );
}

function define(maxsize: number, killable: boolean): WorkloadDefinition {
  const id = `queue-${maxsize}${killable ? "-killable" : ""}`;
  return {
    id,
    n: 1_000_000,
    build: async ({ n, gevent }) => {
      // At a queue of 1 every item switches fibers or greenlets twice: smaller batches keep the
      // slower peers' timings near a second.
      const peerN = maxsize === 1 ? cappedBatch(n, 200_000) : n;
      const others: Contender[] = [inProcess(`effect Queue.bounded(${maxsize})`, "effect", peerN, () => effectBatch(peerN, maxsize))];
      if (gevent) others.push(await geventContender(`gevent Queue(${maxsize})`, `queue-${maxsize}`, peerN));
      const waits = killable ? "every wait given { signal: g }" : "plain waits";
      return {
        id,
        title: `${n.toLocaleString("en-US")} items through a queue of ${maxsize}, ${killable ? "killable" : "plain"} waits`,
        description:
          `One producer (started first) and one consumer summing the items; every batch checks the sum. greenthread: ${waits}. ` +
          "The floor is an array-and-resolvers queue with no cancellation; Effect's and gevent's waits are always interruptible.",
        unit: "items",
        n,
        floor: inProcess(`array + resolvers queue(${maxsize})`, "floor", n, () => throughFloor(n, maxsize, false)),
        subject: inProcess(`greenthread Queue(${maxsize}), ${waits}`, "greenthread", n, () => throughQueue(n, maxsize, false, killable)),
        others,
      };
    },
  };
}

export const queues: WorkloadDefinition[] = [define(1024, false), define(1024, true), define(1, false), define(1, true)];
