// Pool.map against the usual ways of running many async calls with bounded concurrency: 100
// hand-written worker loops sharing one index (the floor: no task per item at all), p-limit with
// Promise.all, and p-map. 100,000 trivial items, concurrency 100, so what is measured is the cost
// of the bookkeeping: admitting, running and retiring one greenlet per item. Targets on the median
// of alternating rounds: map ≥ 0.5× the worker loops and imap ≥ 0.3×, map ≥ 1.5× p-limit and ≥ 1×
// p-map.
import { itemsBelow, pLimitMap, pMapMap, poolImap, poolMap, workerLoopsMap } from "./workloads/pool.js";
import { alternate, finish, ratioTarget } from "./lib.js";

const N = 100_000;
const CONCURRENCY = 100;
const items = itemsBelow(N);

const WORKERS = "100 hand-written worker loops";
const POOL = "greenthread Pool(100).map";
const IMAP = "greenthread Pool(100).imap, for await";
const LIMIT = "p-limit(100) + Promise.all";
const PMAP = "p-map, concurrency 100";

const results = await alternate("map over 100,000 trivial items, 100 at a time", N, {
  [WORKERS]: async () => workerLoopsMap(items, CONCURRENCY),
  [POOL]: async () => poolMap(items, CONCURRENCY),
  [IMAP]: async () => poolImap(items, CONCURRENCY),
  [LIMIT]: async () => pLimitMap(items, CONCURRENCY),
  [PMAP]: async () => pMapMap(items, CONCURRENCY),
}, { rounds: 5, time: 500 });
ratioTarget(results, POOL, WORKERS, 0.5);
ratioTarget(results, IMAP, WORKERS, 0.3);
ratioTarget(results, POOL, LIMIT, 1.5);
ratioTarget(results, POOL, PMAP, 1);
finish();
