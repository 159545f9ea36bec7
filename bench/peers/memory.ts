// One parked-memory case in a fresh process (started by bench/peers.bench.ts): argv[2] is a JSON
// MemoryJob; the bytes per task of every sample go to job.out as JSON. One warm-up first, so that
// the code and the object shapes exist before the heap is measured.
import { writeFileSync } from "node:fs";
import { heapPerTask } from "../workloads/park.js";
import { geventParkedBytes } from "./gevent.js";
import type { MemoryResult } from "./results.js";
import { parkedCases } from "./workloads/parked.js";

export interface MemoryJob {
  name: string;
  n: number;
  samples: number;
  out: string;
}

const job = JSON.parse(process.argv[2]!) as MemoryJob;
const found = parkedCases.find((c) => c.name === job.name);
if (found === undefined) throw new Error(`bench/peers/memory.ts: no case named ${job.name}`);
let bytesPerTask: number[];
if (found.load === undefined) {
  bytesPerTask = geventParkedBytes(job.n, job.samples);
} else {
  const park = await found.load();
  // The warm-up only has to create the code and the shapes: a tenth of a million tasks does.
  await heapPerTask(Math.min(job.n, 100_000), park);
  bytesPerTask = [];
  for (let i = 0; i < job.samples; i++) bytesPerTask.push(await heapPerTask(job.n, park));
}
const result: MemoryResult = { name: found.name, library: found.library, n: job.n, metric: found.load === undefined ? "rss" : "heap", bytesPerTask };
writeFileSync(job.out, JSON.stringify(result));
