// Pool.map against the usual ways of running many async calls with bounded concurrency: p-limit
// with Promise.all, and p-map. 100,000 trivial items, concurrency 100, so what is measured is the
// cost of the bookkeeping: admitting, running and retiring one task per item.
import { itemsBelow, pLimitMap, pMapMap, poolMap } from "./workloads/pool.js";
import { finish, measure, target } from "./lib.js";

const N = 100_000;
const CONCURRENCY = 100;
const items = itemsBelow(N);

const POOL = "greenthread Pool(100).map";
const LIMIT = "p-limit(100) + Promise.all";
const PMAP = "p-map, concurrency 100";

const results = await measure("map over 100,000 trivial items, 100 at a time", N, {
  [LIMIT]: async () => pLimitMap(items, CONCURRENCY),
  [PMAP]: async () => pMapMap(items, CONCURRENCY),
  [POOL]: async () => poolMap(items, CONCURRENCY),
});
target(results, POOL, LIMIT, 1.5);
target(results, POOL, PMAP, 1);
finish();
