// One throughput workload in this process (started by bench/peers.bench.ts, one process each):
// argv[2] is a JSON WorkloadJob; the raw figures go to job.out as JSON.
import { writeFileSync } from "node:fs";
import { runWorkload, type MethodOptions } from "./method.js";
import { workloads } from "./workloads/index.js";

export interface WorkloadJob extends MethodOptions {
  id: string;
  n: number;
  gevent: boolean;
  out: string;
}

const job = JSON.parse(process.argv[2]!) as WorkloadJob;
const definition = workloads.find((w) => w.id === job.id);
if (definition === undefined) throw new Error(`bench/peers/workload.ts: no workload named ${job.id}`);
const workload = await definition.build({ n: job.n, gevent: job.gevent });
console.log(`\n# ${workload.id}: ${workload.title}`);
const result = await runWorkload(workload, job);
writeFileSync(job.out, JSON.stringify(result));
