// The docs generator: bench/results/peers.json → docs/benchmarks.md and docs/benchmarks/*.svg.
// A full peers run calls it at the end; on its own it redraws the page from a results file:
//   node --import tsx bench/peers/report.ts [results.json] [docs dir]
// Everything on the page is derived from the file, so the same file always gives the same page.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { formatRate } from "../lib.js";
import { ratesOf, ratiosOf, spread, type MemoryResult, type PeersResults, type Spread, type ThroughputResult } from "./results.js";
import { barChart, lineChart, type Series } from "./charts.js";

const COLORS: Record<string, string> = {
  floor: "#9e9e9e",
  greenthread: "#2e7d32",
  effect: "#1565c0",
  effection: "#6a1b9a",
  "p-limit": "#ef6c00",
  "p-map": "#f9a825",
  "p-queue": "#8d6e63",
  "abort-controller-x": "#00838f",
  gevent: "#c62828",
};
const colorOf = (library: string): string => COLORS[library] ?? "#607d8b";

/** A ratio as the tables print it: 0.0081, 0.72, 12.3. */
export function formatRatio(ratio: number): string {
  if (ratio >= 10) return ratio.toFixed(1);
  if (ratio >= 0.1) return ratio.toFixed(2);
  return ratio.toPrecision(2);
}

const times = (s: Spread): string => `${formatRatio(s.median)}× (${formatRatio(s.min)}–${formatRatio(s.max)})`;
const count = (n: number): string => n.toLocaleString("en-US");

function libraryCell(results: PeersResults, library: string): string {
  if (library === "floor") return "floor (plain JS)";
  const version = results.versions[library];
  return version === undefined ? library : `${library} ${version}`;
}

/** Rows that appear only as points of a scaling curve, not as a section of their own. */
const curveOnly = (w: ThroughputResult): boolean => w.curve !== undefined && w.curve !== w.id;

function workloadTable(results: PeersResults, w: ThroughputResult): string {
  const lines = [
    `| contender | library | batch | ${w.unit}/s (median) | × floor (median, min–max) | × greenthread (median, min–max) |`,
    "| --- | --- | ---: | ---: | ---: | ---: |",
  ];
  for (const c of w.contenders) {
    const rate = formatRate(spread(ratesOf(w, c.name)).median);
    const toFloor = c.name === w.floor ? "1" : times(spread(ratiosOf(w, c.name, w.floor)));
    const toSubject = c.name === w.subject ? "1" : times(spread(ratiosOf(w, c.name, w.subject)));
    const name = c.name === w.subject ? `**${c.name}**` : c.name;
    lines.push(`| ${name} | ${libraryCell(results, c.library)} | ${count(c.opsPerBatch)} | ${rate} | ${toFloor} | ${toSubject} |`);
  }
  return lines.join("\n");
}

function workloadChart(w: ThroughputResult): Promise<string> {
  const bars = w.contenders
    .filter((c) => c.name !== w.floor)
    .map((c) => {
      const s = spread(ratiosOf(w, c.name, w.floor));
      return { label: c.name, value: s.median, low: s.min, high: s.max, color: colorOf(c.library), caption: `${formatRatio(s.median)}×` };
    });
  return barChart({
    title: w.title,
    axisLabel: `${w.unit}/s as a multiple of the floor (log scale; bar: median round, whisker: min–max)`,
    bars,
    reference: 1,
    referenceLabel: `floor: ${w.floor}`,
  });
}

function summaryTable(results: PeersResults, sections: ThroughputResult[]): string {
  const lines = ["| workload | floor | greenthread × floor | peers × greenthread (median) |", "| --- | ---: | ---: | --- |"];
  for (const w of sections) {
    const floorRate = `${formatRate(spread(ratesOf(w, w.floor)).median)} ${w.unit}/s`;
    const peers = w.contenders
      .filter((c) => c.library !== "floor" && c.library !== "greenthread")
      .map((c) => `${c.library} ${formatRatio(spread(ratiosOf(w, c.name, w.subject)).median)}×`);
    lines.push(`| [${w.title}](#${w.id}) | ${floorRate} | ${formatRatio(spread(ratiosOf(w, w.subject, w.floor)).median)}× | ${peers.join(", ") || "—"} |`);
  }
  return lines.join("\n");
}

const bytes = (b: number): string => `${Math.round(b).toLocaleString("en-US")} B`;

function memoryCases(results: PeersResults, n: number): MemoryResult[] {
  const main = results.memory.cases.filter((c) => c.n === n);
  // A case that could not afford the main count (effection) joins the table at its own count.
  const others = results.memory.cases.filter((c) => c.n < n && !main.some((m) => m.name === c.name) && c.library !== "floor" && c.library !== "greenthread");
  return [...main, ...others];
}

function memoryTable(results: PeersResults, cases: MemoryResult[], floor: MemoryResult | undefined, subject: MemoryResult | undefined): string {
  const lines = ["| case | library | tasks | bytes per task (median, min–max) | × floor | × greenthread |", "| --- | --- | ---: | ---: | ---: | ---: |"];
  for (const c of cases) {
    const s = spread(c.bytesPerTask);
    const rss = c.metric === "rss" ? " (resident set)" : "";
    const vs = (ref: MemoryResult | undefined): string => (ref === undefined ? "—" : ref === c ? "1" : `${formatRatio(s.median / spread(ref.bytesPerTask).median)}×`);
    lines.push(`| ${c === subject ? `**${c.name}**` : c.name} | ${libraryCell(results, c.library)} | ${count(c.n)} | ${bytes(s.median)} (${bytes(s.min)}–${bytes(s.max)})${rss} | ${vs(floor)} | ${vs(subject)} |`);
  }
  return lines.join("\n");
}

function memoryChart(cases: MemoryResult[], floor: MemoryResult): Promise<string> {
  const floorBytes = spread(floor.bytesPerTask).median;
  return barChart({
    title: `heap per parked task, as a multiple of the floor (${count(floor.n)} tasks)`,
    axisLabel: "bytes per parked task as a multiple of the floor (log scale; smaller is better)",
    bars: cases
      .filter((c) => c !== floor)
      .map((c) => {
        const s = spread(c.bytesPerTask);
        const label = c.n === floor.n ? c.name : `${c.name} (${count(c.n)} tasks)`;
        return { label, value: s.median / floorBytes, low: s.min / floorBytes, high: s.max / floorBytes, color: colorOf(c.library), caption: bytes(s.median) };
      }),
    reference: 1,
    referenceLabel: `floor: ${bytes(floorBytes)}`,
  });
}

interface CurvePoint {
  n: number;
  floor: number;
  subject: number;
}

function spawnCurve(results: PeersResults): CurvePoint[] {
  return results.throughput
    .filter((w) => w.curve === "spawn-join")
    .map((w) => ({ n: w.n, floor: 1e9 / spread(ratesOf(w, w.floor)).median, subject: 1e9 / spread(ratesOf(w, w.subject)).median }))
    .sort((a, b) => a.n - b.n);
}

function memoryCurve(results: PeersResults): CurvePoint[] {
  const of = (n: number, library: string): MemoryResult | undefined =>
    results.memory.cases.find((c) => c.n === n && c.library === library && (library === "floor" || c.name === "greenthread event.wait()"));
  const counts = [...new Set(results.memory.cases.map((c) => c.n))].sort((a, b) => a - b);
  return counts.flatMap((n) => {
    const floor = of(n, "floor");
    const subject = of(n, "greenthread");
    return floor === undefined || subject === undefined ? [] : [{ n, floor: spread(floor.bytesPerTask).median, subject: spread(subject.bytesPerTask).median }];
  });
}

function curveTable(points: CurvePoint[], unit: string): string {
  const lines = [`| tasks | floor, ${unit} | greenthread, ${unit} | greenthread's cost × floor's |`, "| ---: | ---: | ---: | ---: |"];
  for (const p of points) lines.push(`| ${count(p.n)} | ${p.floor.toFixed(0)} | ${p.subject.toFixed(0)} | ${formatRatio(p.subject / p.floor)}× |`);
  return lines.join("\n");
}

function curveChart(title: string, yLabel: string, points: CurvePoint[]): Promise<string> {
  const series: Series[] = [
    { label: "floor (plain JS)", color: colorOf("floor"), points: points.map((p) => ({ x: p.n, y: p.floor })) },
    { label: "greenthread", color: colorOf("greenthread"), points: points.map((p) => ({ x: p.n, y: p.subject })) },
  ];
  return lineChart({ title, xLabel: "tasks (log scale)", yLabel, series, formatY: ".0f" });
}

/** The page and its charts, keyed by their path under the docs directory. */
export async function renderReport(results: PeersResults): Promise<Map<string, string>> {
  const files = new Map<string, string | Promise<string>>();
  const m = results.machine;
  const sections = results.throughput.filter((w) => !curveOnly(w));
  const out: string[] = [
    "# Benchmarks: greenthread and its peers",
    "",
    "<!-- Generated by bench/peers/report.ts from bench/results/peers.json: change those, not this page. -->",
    "",
    `Every figure here comes from one run of \`${results.command}\` started ${results.startedAt.slice(0, 16).replace("T", " ")} UTC ` +
      `(${Math.round(results.durationSeconds / 60)} min): ${m.cpu}, ${m.cores} cores, Node ${m.node.replace(/^v/, "")}, ${m.platform}; ` +
      `load average ${m.loadavgAtStart.map((l) => l.toFixed(2)).join(" / ")} at the start and ${m.loadavgAtEnd.map((l) => l.toFixed(2)).join(" / ")} at the end ` +
      "(1 / 5 / 15 min; other work shared the machine). Expect other figures on another machine, and some spread between runs on this one: the ratios travel better than the rates.",
    "",
    "Regenerate with `npm run bench -- peers` (it writes bench/results/peers.json, then this page and its charts); " +
      "`npm run bench -- peers --quick` is a shorter preview (a tenth of every batch, three rounds) that leaves this page alone; " +
      "`node --import tsx bench/peers/report.ts` redraws the page from the JSON.",
    "",
    "**Method.** One process per workload. After a warm-up round, " +
      `${results.method.rounds} rounds; a round times, for every row other than the floor and greenthread, a triplet (the floor, greenthread, that row) ` +
      "back to back, in an order that changes from triplet to triplet and round to round. A timing runs whole batches for at least " +
      `${results.method.minTimeMs} ms after a minor GC, and every batch checks its own result (a sum, a count, the values). ` +
      "*× floor* and *× greenthread* are ratios of operations per second measured in the same triplet, one per round, given as the median and the min–max over the rounds " +
      "(above 1 is faster); the rate column is the median over every timing of the row. A slow peer runs a smaller batch (the batch column) so that a round stays short. " +
      "The parked-memory cases run each in a fresh process. Each peer is written the way its own documentation shows; the code is in bench/peers/workloads/.",
    "",
    "| package | version |",
    "| --- | --- |",
    ...Object.entries(results.versions).map(([name, version]) => `| ${name} | ${version} |`),
    "",
  ];
  for (const s of results.skipped) out.push(`- **${s.library} not measured**: ${s.reason}.`, "");
  out.push("## Summary", "", summaryTable(results, sections), "");
  for (const w of sections) {
    files.set(`benchmarks/${w.id}.svg`, workloadChart(w));
    out.push(`<a id="${w.id}"></a>`, "", `## ${w.title}`, "", w.description, "", workloadTable(results, w), "", `![${w.title}](benchmarks/${w.id}.svg)`, "");
  }
  const main = results.memory.cases.find((c) => c.library === "floor" && c.n === results.memory.n);
  if (main !== undefined) {
    const cases = memoryCases(results, main.n);
    const subject = cases.find((c) => c.name === "greenthread event.wait()");
    files.set("benchmarks/parked.svg", memoryChart(cases, main));
    out.push(`<a id="parked"></a>`, "", `## ${results.memory.title}, ${count(main.n)} tasks`, "", results.memory.description, "", memoryTable(results, cases, main, subject), "", "![heap per parked task](benchmarks/parked.svg)", "");
  }
  const spawnPoints = spawnCurve(results);
  const memoryPoints = memoryCurve(results);
  if (spawnPoints.length > 1 || memoryPoints.length > 1) out.push("## Scaling: does the cost per task stay flat?", "");
  if (spawnPoints.length > 1) {
    files.set("benchmarks/scaling-spawn-join.svg", curveChart("spawn + join: nanoseconds per task", "ns per task", spawnPoints));
    out.push("spawn + join of trivial tasks at each size (its own process per size), nanoseconds per task from the median rate:", "", curveTable(spawnPoints, "ns/task"), "", "![spawn + join scaling](benchmarks/scaling-spawn-join.svg)", "");
  }
  if (memoryPoints.length > 1) {
    files.set("benchmarks/scaling-parked.svg", curveChart("parked tasks: bytes per task", "bytes per task", memoryPoints));
    out.push("Heap per parked task at each count (a fresh process per count):", "", curveTable(memoryPoints, "bytes/task"), "", "![parked memory scaling](benchmarks/scaling-parked.svg)", "");
  }
  files.set("benchmarks.md", out.join("\n"));
  const rendered = new Map<string, string>();
  for (const [path, content] of files) rendered.set(path, await content);
  return rendered;
}

/** Writes the page and its charts under `docsDir`; returns the paths written. */
export async function writeReport(results: PeersResults, docsDir: string): Promise<string[]> {
  const written: string[] = [];
  for (const [path, content] of await renderReport(results)) {
    const target = join(docsDir, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
    written.push(target);
  }
  return written;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = fileURLToPath(new URL("../..", import.meta.url));
  const resultsPath = process.argv[2] ?? join(root, "bench", "results", "peers.json");
  const docsDir = process.argv[3] ?? join(root, "docs");
  const written = await writeReport(JSON.parse(readFileSync(resultsPath, "utf8")) as PeersResults, docsDir);
  console.log(`wrote ${written.join(", ")}`);
}
