// Bounded-concurrency map batches: n trivial async items, `concurrency` at a time, so what is
// measured is the bookkeeping of admitting, running and retiring one task per item.
import pLimit from "p-limit";
import pMap from "p-map";
import type { Greenlet } from "../../src/index.js";
import { Pool } from "../../src/pool/index.js";
import { check } from "../lib.js";

/** The items 0 … n − 1. */
export const itemsBelow = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** The mapped function of the plain-promise contenders. */
export async function double(i: number): Promise<number> {
  return i * 2;
}

async function doubleIn(_g: Greenlet<number>, i: number): Promise<number> {
  return i * 2;
}

/** Checks a mapped batch: every item doubled, in input order. */
export function checkDoubled(values: readonly number[], n: number, who: string): void {
  check(values.length === n && values[0] === 0 && values[n - 1] === (n - 1) * 2 && values[n >> 1] === (n >> 1) * 2, `${who} returned the wrong values`);
}

export async function pLimitMap(items: number[], concurrency: number): Promise<void> {
  const limit = pLimit(concurrency);
  checkDoubled(await Promise.all(items.map((i) => limit(double, i))), items.length, "p-limit");
}

export async function pMapMap(items: number[], concurrency: number): Promise<void> {
  checkDoubled(await pMap(items, double, { concurrency }), items.length, "p-map");
}

export async function poolMap(items: number[], concurrency: number): Promise<void> {
  const pool = new Pool(concurrency);
  checkDoubled(await pool.map(doubleIn, items), items.length, "Pool.map");
  check(pool.size === 0, "Pool.map left members behind");
}

export async function poolImap(items: number[], concurrency: number): Promise<void> {
  const pool = new Pool(concurrency);
  const values: number[] = [];
  for await (const value of pool.imap(doubleIn, items)) values.push(value);
  checkDoubled(values, items.length, "Pool.imap");
  check(pool.size === 0, "Pool.imap left members behind");
}

/** The floor: `concurrency` hand-written worker loops sharing one index; no task per item. */
export async function workerLoopsMap(items: number[], concurrency: number): Promise<void> {
  const n = items.length;
  const out: number[] = new Array(n);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < n) {
      const i = next++;
      out[i] = await double(items[i]!);
    }
  };
  const workers: Promise<void>[] = [];
  for (let k = 0; k < concurrency; k++) workers.push(worker());
  await Promise.all(workers);
  checkDoubled(out, n, "worker loops");
}
