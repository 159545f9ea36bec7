// greenthread against its peers on the same workloads, on this machine, in one command:
// `npm run bench -- peers` (about six minutes on a quiet 2-core machine) or
// `npm run bench -- peers --quick` (a tenth of every batch, three rounds). Each throughput
// workload runs in its own process (bench/peers/workload.ts), each parked-memory case too
// (bench/peers/memory.ts); the raw figures go to bench/results/<suite>.json, and a full run
// regenerates docs/benchmarks.md and its charts from that file (bench/peers/report.ts, which
// also runs on its own).
//
// Options, values attached with "=" (run.ts passes on what starts with "--"): --quick;
// --only=id,id (workload ids, or "parked" for the memory cases); --n=N (every batch and parked
// count); --rounds=R; --time=MS (least time per timing); --results=FILE; --docs=DIR (where
// benchmarks.md and benchmarks/*.svg go; a full run's default is docs/).
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { GEVENT_MISSING, geventVersions } from "./peers/gevent.js";
import type { MemoryJob } from "./peers/memory.js";
import { writeReport } from "./peers/report.js";
import type { MemoryResult, PeersResults, Skipped, ThroughputResult } from "./peers/results.js";
import type { WorkloadJob } from "./peers/workload.js";
import { workloads } from "./peers/workloads/index.js";
import { parkedCases } from "./peers/workloads/parked.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    only: { type: "string" },
    n: { type: "string" },
    rounds: { type: "string" },
    time: { type: "string" },
    results: { type: "string" },
    docs: { type: "string" },
  },
});

function positiveInteger(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`peers: expected --${name} to be a positive integer, got ${JSON.stringify(text)}`);
  return value;
}

const quick = args.quick;
const custom = args.only !== undefined || args.n !== undefined || args.rounds !== undefined || args.time !== undefined;
const suite = quick ? "peers-quick" : custom ? "peers-custom" : "peers";
const scale = quick ? 0.1 : 1;
const fixedN = positiveInteger("n", args.n);
const method = {
  rounds: positiveInteger("rounds", args.rounds) ?? (quick ? 3 : 7),
  warmupRounds: 1,
  minTimeMs: positiveInteger("time", args.time) ?? (quick ? 100 : 200),
};
const only = args.only?.split(",").map((id) => id.trim());
const unknown = only?.filter((id) => id !== "parked" && !workloads.some((w) => w.id === id)) ?? [];
if (unknown.length > 0) throw new RangeError(`peers: unknown --only ${unknown.join(", ")}; known: ${[...workloads.map((w) => w.id), "parked"].join(", ")}`);
const selected = (id: string): boolean => only === undefined || only.includes(id);
const resultsPath = args.results ?? join(root, "bench", "results", `${suite}.json`);
const docsDir = args.docs ?? (suite === "peers" ? join(root, "docs") : undefined);

const sized = (n: number, minN = 1): number => fixedN ?? Math.max(minN, Math.round(n * scale));
/** Seconds each child process took, for the closing summary. */
const elapsed: [string, number][] = [];
const scratch = mkdtempSync(join(tmpdir(), "greenthread-peers-"));

/** Runs one child (a fresh Node process with --expose-gc) and reads the JSON it wrote. */
function child<T>(script: string, job: { out: string }): T {
  const start = Date.now();
  const run = spawnSync(process.execPath, ["--expose-gc", "--import", "tsx", join(root, "bench", "peers", script), JSON.stringify(job)], { stdio: "inherit" });
  if (run.status !== 0) throw new Error(`bench/peers/${script} ${JSON.stringify(job)} exited with ${run.status ?? run.signal}`);
  elapsed.push([script === "memory.ts" ? "parked" : (job as unknown as WorkloadJob).id, (Date.now() - start) / 1000]);
  return JSON.parse(readFileSync(job.out, "utf8")) as T;
}

function packageVersion(name: string): string {
  const manifest = name === "greenthread" ? join(root, "package.json") : join(root, "node_modules", name, "package.json");
  return (JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version;
}

const started = Date.now();
const loadavgAtStart = loadavg();
const gevent = geventVersions();
const skipped: Skipped[] = gevent === undefined ? [{ library: "gevent", reason: GEVENT_MISSING }] : [];
if (gevent === undefined) console.log(`\n${GEVENT_MISSING}`);
const versions: Record<string, string> = {};
for (const name of ["greenthread", "effect", "effection", "p-limit", "p-map", "p-queue", "abort-controller-x", "socket.io", "tinybench"]) versions[name] = packageVersion(name);
if (gevent !== undefined) Object.assign(versions, { gevent: gevent.gevent, python: gevent.python });

const throughput: ThroughputResult[] = [];
for (const definition of workloads) {
  if (!selected(definition.id)) continue;
  const job: WorkloadJob = { id: definition.id, n: sized(definition.n, definition.minN), gevent: gevent !== undefined, out: join(scratch, `${definition.id}.json`), ...method };
  throughput.push(child<ThroughputResult>("workload.ts", job));
}

// Every case at the main count; the floor and greenthread's plain wait also at the other points
// of the scaling curve. Each (case, count) in its own process.
const memory: MemoryResult[] = [];
const parkedN = sized(100_000);
if (selected("parked")) {
  const main = parkedN;
  const curve = fixedN === undefined ? [1_000, 10_000, 1_000_000].map((n) => sized(n)) : [];
  // A sample per round, three at the most: memory varies far less between samples than time does.
  const samples = Math.min(3, method.rounds);
  console.log(`\n# parked: heap per parked task, one process per case`);
  for (const parked of parkedCases) {
    if (parked.library === "gevent" && gevent === undefined) continue;
    const counts = [parked.cap === undefined ? main : Math.min(main, sized(parked.cap))];
    if (parked.library === "floor" || parked.name === "greenthread event.wait()") counts.push(...curve);
    for (const n of counts) {
      // A million parked tasks read the same to the byte sample after sample, and each costs seconds of GC.
      const job: MemoryJob = { name: parked.name, n, samples: n >= 1_000_000 ? 1 : samples, out: join(scratch, "memory.json") };
      const result = child<MemoryResult>("memory.ts", job);
      console.log(`  ${"parked".padEnd(22)} n ${String(n).padEnd(9)} ${parked.name.padEnd(48)} ${result.bytesPerTask.map((b) => b.toFixed(0)).join(", ")} bytes/task`);
      memory.push(result);
    }
  }
}
rmSync(scratch, { recursive: true, force: true });

const results: PeersResults = {
  suite,
  command: ["npm run bench -- peers", ...process.argv.slice(2)].join(" "),
  startedAt: new Date(started).toISOString(),
  durationSeconds: Math.round((Date.now() - started) / 1000),
  machine: {
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpu: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    loadavgAtStart,
    loadavgAtEnd: loadavg(),
  },
  versions,
  method,
  throughput,
  memory: {
    title: `heap per parked task`,
    description: "n tasks parked on one thing; the heap after a full GC while all are parked, minus the heap before, per task (gevent: the process's resident-set growth). One process per case and count.",
    n: parkedN,
    cases: memory,
  },
  skipped,
};
mkdirSync(dirname(resultsPath), { recursive: true });
writeFileSync(resultsPath, JSON.stringify(results, null, 1) + "\n");
const seconds = new Map<string, number>();
for (const [id, s] of elapsed) seconds.set(id, (seconds.get(id) ?? 0) + s);
console.log(`\nseconds per workload: ${[...seconds].map(([id, s]) => `${id} ${s.toFixed(0)}`).join(", ")}`);
console.log(`${suite}: ${throughput.length} workloads and ${memory.length} memory cases in ${results.durationSeconds} s → ${resultsPath}`);
if (docsDir !== undefined) {
  const written = await writeReport(results, docsDir);
  console.log(`wrote ${written.join(", ")}`);
}
