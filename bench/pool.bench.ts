// Pool.map against the usual ways of running many async calls with bounded concurrency: p-limit
// with Promise.all, and p-map. 100,000 trivial items, concurrency 100, so what is measured is the
// cost of the bookkeeping: admitting, running and retiring one task per item.
import pLimit from "p-limit";
import pMap from "p-map";
import type { Greenlet } from "../src/index.js";
import { Pool } from "../src/pool/index.js";
import { check, finish, measure, target } from "./lib.js";

const N = 100_000;
const CONCURRENCY = 100;
const items: number[] = Array.from({ length: N }, (_, i) => i);

async function double(i: number): Promise<number> {
  return i * 2;
}

async function doubleIn(_g: Greenlet<number>, i: number): Promise<number> {
  return i * 2;
}

function checkValues(values: number[], who: string): void {
  check(values.length === N && values[0] === 0 && values[N - 1] === (N - 1) * 2 && values[N >> 1] === N, `${who} returned the wrong values`);
}

const POOL = "greenthread Pool(100).map";
const LIMIT = "p-limit(100) + Promise.all";
const PMAP = "p-map, concurrency 100";

const results = await measure("map over 100,000 trivial items, 100 at a time", N, {
  [LIMIT]: async () => {
    const limit = pLimit(CONCURRENCY);
    checkValues(await Promise.all(items.map((i) => limit(double, i))), LIMIT);
  },
  [PMAP]: async () => {
    checkValues(await pMap(items, double, { concurrency: CONCURRENCY }), PMAP);
  },
  [POOL]: async () => {
    const pool = new Pool(CONCURRENCY);
    checkValues(await pool.map(doubleIn, items), POOL);
    check(pool.size === 0, "Pool.map left members behind");
  },
});
target(results, POOL, LIMIT, 1.5);
target(results, POOL, PMAP, 1);
finish();
