// Pool.map against the usual ways of running many async calls with bounded concurrency: 100
// hand-written worker loops sharing one index (the floor: no task per item at all), p-limit with
// Promise.all, and p-map. 100,000 trivial items, concurrency 100, so what is measured is the cost
// of the bookkeeping: admitting, running and retiring one greenlet per item. Targets on the median
// of alternating rounds: map ≥ 0.5× the worker loops and imap ≥ 0.3×, map ≥ 1.5× p-limit and ≥ 1×
// p-map.
import pLimit from "p-limit";
import pMap from "p-map";
import type { Greenlet } from "../src/index.js";
import { Pool } from "../src/pool/index.js";
import { alternate, check, finish, ratioTarget } from "./lib.js";

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

const WORKERS = "100 hand-written worker loops";
const POOL = "greenthread Pool(100).map";
const IMAP = "greenthread Pool(100).imap, for await";
const LIMIT = "p-limit(100) + Promise.all";
const PMAP = "p-map, concurrency 100";

const results = await alternate("map over 100,000 trivial items, 100 at a time", N, {
  [WORKERS]: async () => {
    const out: number[] = new Array(N);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < N) {
        const i = next++;
        out[i] = await double(items[i]!);
      }
    };
    const workers: Promise<void>[] = [];
    for (let k = 0; k < CONCURRENCY; k++) workers.push(worker());
    await Promise.all(workers);
    checkValues(out, WORKERS);
  },
  [POOL]: async () => {
    const pool = new Pool(CONCURRENCY);
    checkValues(await pool.map(doubleIn, items), POOL);
    check(pool.size === 0, "Pool.map left members behind");
  },
  [IMAP]: async () => {
    const pool = new Pool(CONCURRENCY);
    const out: number[] = [];
    for await (const value of pool.imap(doubleIn, items)) out.push(value);
    checkValues(out, IMAP);
    check(pool.size === 0, "Pool.imap left members behind");
  },
  [LIMIT]: async () => {
    const limit = pLimit(CONCURRENCY);
    checkValues(await Promise.all(items.map((i) => limit(double, i))), LIMIT);
  },
  [PMAP]: async () => {
    checkValues(await pMap(items, double, { concurrency: CONCURRENCY }), PMAP);
  },
}, { rounds: 5, time: 500 });
ratioTarget(results, POOL, WORKERS, 0.5);
ratioTarget(results, IMAP, WORKERS, 0.3);
ratioTarget(results, POOL, LIMIT, 1.5);
ratioTarget(results, POOL, PMAP, 1);
finish();
