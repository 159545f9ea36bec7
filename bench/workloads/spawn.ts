// Spawn + join batches: n trivial tasks, or n tasks that each yield once, as greenlets and as the
// plain async functions they are measured against. Each batch checks its own result.
import { joinall, sleep, spawn, type Greenlet } from "../../src/index.js";
import { check } from "../lib.js";

async function plainTask(i: number): Promise<number> {
  return i;
}

async function greenletTask(_g: Greenlet<number>, i: number): Promise<number> {
  return i;
}

async function plainYieldingTask(i: number): Promise<number> {
  await new Promise((resolve) => setImmediate(resolve));
  return i;
}

async function greenletYieldingTask(g: Greenlet<number>, i: number): Promise<number> {
  await sleep(0, { signal: g });
  return i;
}

/** n tasks started together, each resolving its index, joined with Promise.all and checked. */
async function allOf(n: number, task: (i: number) => Promise<number>): Promise<void> {
  const promises: Promise<number>[] = new Array(n);
  for (let i = 0; i < n; i++) promises[i] = task(i);
  const values = await Promise.all(promises);
  check(values[n - 1] === n - 1 && values[0] === 0, "Promise.all returned the wrong values");
}

/** n greenlets spawned together, each returning its index, joined with joinall and checked. */
async function joinallOf(n: number, fn: (g: Greenlet<number>, i: number) => Promise<number>): Promise<void> {
  const greenlets: Greenlet<number>[] = new Array(n);
  for (let i = 0; i < n; i++) greenlets[i] = spawn(fn, i);
  const done = await joinall(greenlets);
  check(done.length === n && greenlets[n - 1]!.value === n - 1 && greenlets[0]!.value === 0, "joinall returned the wrong greenlets");
}

/** The floor: n async functions returning their index, joined with Promise.all. */
export const promiseAllBatch = (n: number): Promise<void> => allOf(n, plainTask);

/** n greenlets returning their index, spawned and joined with joinall. */
export const spawnJoinBatch = (n: number): Promise<void> => joinallOf(n, greenletTask);

/** The floor of one yield per task: n async functions each awaiting a setImmediate promise (not killable). */
export const setImmediateBatch = (n: number): Promise<void> => allOf(n, plainYieldingTask);

/** n greenlets each yielding once with the killable `sleep(0, { signal: g })`. */
export const sleepZeroBatch = (n: number): Promise<void> => joinallOf(n, greenletYieldingTask);
