// Bounded-concurrency map: n trivial async items, 100 at a time, results in input order; every
// batch checks the values. The floor is 100 async workers pulling the next index from a shared
// counter, the least bookkeeping there is.
import { Effect } from "effect";
import PQueue from "p-queue";
import { checkDoubled, double, itemsBelow, pLimitMap, pMapMap, poolImap, poolMap } from "../../workloads/pool.js";
import { geventContender } from "../gevent.js";
import { inProcess, type Contender } from "../method.js";
import { cappedBatch, type WorkloadDefinition } from "./define.js";

const CONCURRENCY = 100;

async function workersMap(items: number[]): Promise<void> {
  const values: number[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      values[i] = await double(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  checkDoubled(values, items.length, "the workers");
}

async function pQueueMap(items: number[]): Promise<void> {
  const queue = new PQueue({ concurrency: CONCURRENCY });
  checkDoubled(await Promise.all(items.map((i) => queue.add(() => double(i)))), items.length, "p-queue");
}

/** Effect: Effect.forEach with a concurrency bound, each item an Effect.promise over the async function. */
async function effectMap(items: number[]): Promise<void> {
  const values = await Effect.runPromise(Effect.forEach(items, (i) => Effect.promise(() => double(i)), { concurrency: CONCURRENCY }));
  checkDoubled(values, items.length, "Effect.forEach");
}

export const poolMapWorkload: WorkloadDefinition = {
  id: "pool-map",
  n: 100_000,
  build: async ({ n, gevent }) => {
    const items = itemsBelow(n);
    const others: Contender[] = [
      inProcess("greenthread Pool(100).imap", "greenthread", n, () => poolImap(items, CONCURRENCY)),
      inProcess("p-limit(100) + Promise.all", "p-limit", n, () => pLimitMap(items, CONCURRENCY)),
      inProcess("p-map, concurrency 100", "p-map", n, () => pMapMap(items, CONCURRENCY)),
      inProcess("p-queue, concurrency 100 + Promise.all", "p-queue", n, () => pQueueMap(items)),
      inProcess("effect forEach, concurrency 100", "effect", n, () => effectMap(items)),
    ];
    if (gevent) others.push(await geventContender("gevent Pool(100).map", "pool-map", cappedBatch(n, 10_000)));
    return {
      id: "pool-map",
      title: `map over ${n.toLocaleString("en-US")} async items, 100 at a time`,
      description: "Each item is an async call doubling it; results in input order, checked every batch. The floor is 100 async workers pulling indices from a shared counter.",
      unit: "items",
      n,
      floor: inProcess("100 async workers on a shared index", "floor", n, () => workersMap(items)),
      subject: inProcess("greenthread Pool(100).map", "greenthread", n, () => poolMap(items, CONCURRENCY)),
      others,
    };
  },
};
