// spawn + join of n trivial tasks (each returns its index; the join checks the values): the floor
// is n async functions joined with Promise.all. At the main size the peers run too; the other sizes
// are the points of the scaling curve, floor and greenthread only.
import { Effect } from "effect";
import { promiseAllBatch, spawnJoinBatch } from "../../workloads/spawn.js";
import { geventContender } from "../gevent.js";
import { inProcess, type Contender, type Workload } from "../method.js";
import { cappedBatch, type BuildOptions, type WorkloadDefinition } from "./define.js";
import { effectForkJoin, effectionSpawnAll } from "./fork-join.js";

/** Effect: each fiber is Effect.succeed(i). */
const effectBatch = (n: number): Promise<void> => effectForkJoin(n, (i) => Effect.succeed(i));

/** Effection: each child is a generator that returns at once. */
const effectionBatch = (n: number): Promise<void> =>
  // An effection operation is a generator even when it never suspends.
  // eslint-disable-next-line require-yield
  effectionSpawnAll(n, function* (i) {
    return i;
  });

function title(n: number): string {
  return `spawn + join of ${n.toLocaleString("en-US")} trivial tasks`;
}

async function build(id: string, { n, gevent }: BuildOptions, withPeers: boolean): Promise<Workload> {
  const others: Contender[] = [];
  if (withPeers) {
    others.push(inProcess("effect forkChild + Fiber.joinAll", "effect", n, () => effectBatch(n)));
    // One effection spawn + join costs about 0.3 ms here, so its batch is smaller (the batch column).
    const effectionN = cappedBatch(n, 1_000);
    others.push(inProcess("effection spawn + all()", "effection", effectionN, () => effectionBatch(effectionN)));
    if (gevent) others.push(await geventContender("gevent spawn + joinall", "spawn-join", cappedBatch(n, 20_000)));
  }
  return {
    id,
    title: title(n),
    description: "Each task returns its index; every batch checks the joined values. The floor is n async functions joined with `Promise.all`.",
    unit: "tasks",
    n,
    curve: "spawn-join",
    floor: inProcess("async functions + Promise.all", "floor", n, () => promiseAllBatch(n)),
    subject: inProcess("greenthread spawn + joinall", "greenthread", n, () => spawnJoinBatch(n)),
    others,
  };
}

export const spawnJoin: WorkloadDefinition = { id: "spawn-join", n: 100_000, build: (options) => build("spawn-join", options, true) };

/** The scaling curve's other points (100,000 is the main workload above). */
export const spawnJoinScaling: WorkloadDefinition[] = [1_000, 10_000, 1_000_000].map((n) => ({
  id: `spawn-join-${n}`,
  n,
  build: (options) => build(`spawn-join-${n}`, options, false),
}));
