// Every throughput workload of the peers suite, in the order a run goes through them.
import type { WorkloadDefinition } from "./define.js";
import { events } from "./event.js";
import { poolMapWorkload } from "./pool-map.js";
import { queues } from "./queue.js";
import { socketioChurn, socketioRoundTrips } from "./socketio.js";
import { spawnJoin, spawnJoinScaling } from "./spawn-join.js";
import { spawnYield } from "./spawn-yield.js";

export const workloads: WorkloadDefinition[] = [
  spawnJoin,
  spawnYield,
  ...queues,
  ...events,
  poolMapWorkload,
  socketioRoundTrips,
  socketioChurn,
  ...spawnJoinScaling,
];
