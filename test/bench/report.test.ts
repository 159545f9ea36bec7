// The peers suite's docs generator on a small synthetic results file: the tables it writes, the
// charts it draws, and that the same file always gives the same page.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatRatio, renderReport, writeReport } from "../../bench/peers/report.js";
import { ratiosOf, spread, type PeersResults, type ThroughputResult } from "../../bench/peers/results.js";
import { barChart, barChartSpec } from "../../bench/peers/charts.js";

const FLOOR = "floor <fast>";
const SUBJECT = "greenthread spawn";
const PEER = "effect fork";

// Two rounds; the floor and greenthread appear in every triplet, the peer in one per round.
const spawnJoin: ThroughputResult = {
  id: "spawn-join",
  title: "spawn + join of 1,000 trivial tasks",
  description: "Synthetic.",
  unit: "tasks",
  n: 1000,
  curve: "spawn-join",
  floor: FLOOR,
  subject: SUBJECT,
  contenders: [
    { name: FLOOR, library: "floor", opsPerBatch: 1000 },
    { name: SUBJECT, library: "greenthread", opsPerBatch: 1000 },
    { name: PEER, library: "effect", opsPerBatch: 500 },
  ],
  rounds: [
    [{ order: [FLOOR, SUBJECT, PEER], opsPerSecond: { [FLOOR]: 4e6, [SUBJECT]: 2e6, [PEER]: 4e5 } }],
    [{ order: [PEER, SUBJECT, FLOOR], opsPerSecond: { [FLOOR]: 5e6, [SUBJECT]: 2e6, [PEER]: 1e6 } }],
  ],
};

// A point of the scaling curve only: no section of its own.
const bigger: ThroughputResult = {
  ...spawnJoin,
  id: "spawn-join-10000",
  title: "spawn + join of 10,000 trivial tasks",
  n: 10_000,
  contenders: spawnJoin.contenders.slice(0, 2),
  rounds: [[{ order: [FLOOR, SUBJECT], opsPerSecond: { [FLOOR]: 4e6, [SUBJECT]: 1e6 } }]],
};

const results: PeersResults = {
  suite: "peers",
  command: "npm run bench -- peers",
  startedAt: "2026-01-02T03:04:05.000Z",
  durationSeconds: 330,
  machine: { node: "v20.20.2", platform: "linux x64", cpu: "Test CPU", cores: 2, loadavgAtStart: [1, 2, 3], loadavgAtEnd: [1.5, 2, 3] },
  versions: { greenthread: "0.1.0", effect: "4.1.5" },
  method: { rounds: 2, warmupRounds: 1, minTimeMs: 250 },
  throughput: [spawnJoin, bigger],
  memory: {
    title: "heap per parked task",
    description: "Synthetic memory.",
    n: 1000,
    cases: [
      { name: "plain", library: "floor", n: 1000, metric: "heap", bytesPerTask: [400, 500, 450] },
      { name: "greenthread event.wait()", library: "greenthread", n: 1000, metric: "heap", bytesPerTask: [900, 900, 900] },
      { name: "gevent greenlets", library: "gevent", n: 1000, metric: "rss", bytesPerTask: [4500] },
      { name: "plain", library: "floor", n: 10_000, metric: "heap", bytesPerTask: [400] },
      { name: "greenthread event.wait()", library: "greenthread", n: 10_000, metric: "heap", bytesPerTask: [800] },
    ],
  },
  skipped: [{ library: "effection", reason: "not installed in this synthetic run" }],
};

test("per-round ratios pair the rows timed in the same triplet", () => {
  assert.deepEqual(ratiosOf(spawnJoin, PEER, SUBJECT), [0.2, 0.5]);
  assert.deepEqual(ratiosOf(spawnJoin, SUBJECT, FLOOR), [0.5, 0.4]);
  assert.deepEqual(spread([3, 1, 2, 10]), { median: 2.5, min: 1, max: 10 });
  assert.throws(() => spread([]), /spread\(\): expected at least one value, got none/);
  assert.deepEqual([12.34, 0.7249, 0.00812].map(formatRatio), ["12.3", "0.72", "0.0081"]);
});

test("the page has one table per workload with rates, ratios to the floor and to greenthread", async () => {
  const page = (await renderReport(results)).get("benchmarks.md")!;
  const table = [
    "| contender | library | batch | tasks/s (median) | × floor (median, min–max) | × greenthread (median, min–max) |",
    "| --- | --- | ---: | ---: | ---: | ---: |",
    "| floor <fast> | floor (plain JS) | 1,000 | 4.50 M | 1 | 2.25× (2.00–2.50) |",
    "| **greenthread spawn** | greenthread 0.1.0 | 1,000 | 2.00 M | 0.45× (0.40–0.50) | 1 |",
    "| effect fork | effect 4.1.5 | 500 | 700.0 k | 0.15× (0.10–0.20) | 0.35× (0.20–0.50) |",
  ].join("\n");
  assert.ok(page.includes(table), page);
  assert.ok(page.includes("| [spawn + join of 1,000 trivial tasks](#spawn-join) | 4.50 M tasks/s | 0.45× | effect 0.35× |"));
  assert.ok(page.includes("load average 1.00 / 2.00 / 3.00 at the start and 1.50 / 2.00 / 3.00 at the end"));
  assert.ok(page.includes("- **effection not measured**: not installed in this synthetic run."));
  assert.ok(!page.includes("## spawn + join of 10,000 trivial tasks"), "a curve-only point gets no section");
});

test("the memory table and the scaling tables come from the cases and the curve points", async () => {
  const page = (await renderReport(results)).get("benchmarks.md")!;
  assert.ok(page.includes("| plain | floor (plain JS) | 1,000 | 450 B (400 B–500 B) | 1 | 0.50× |"), page);
  assert.ok(page.includes("| **greenthread event.wait()** | greenthread 0.1.0 | 1,000 | 900 B (900 B–900 B) | 2.00× | 1 |"));
  assert.ok(page.includes("| gevent greenlets | gevent | 1,000 | 4,500 B (4,500 B–4,500 B) (resident set) | 10.0× | 5.00× |"));
  assert.ok(page.includes("| 1,000 | 222 | 500 | 2.25× |\n| 10,000 | 250 | 1000 | 4.00× |"), "spawn + join ns per task");
  assert.ok(page.includes("| 1,000 | 450 | 900 | 2.00× |\n| 10,000 | 400 | 800 | 2.00× |"), "bytes per parked task");
});

test("every chart is a self-contained SVG drawn by Vega with one bar per row other than the floor", async () => {
  const files = await renderReport(results);
  assert.deepEqual([...files.keys()].sort(), [
    "benchmarks.md",
    "benchmarks/parked.svg",
    "benchmarks/scaling-parked.svg",
    "benchmarks/scaling-spawn-join.svg",
    "benchmarks/spawn-join.svg",
  ]);
  const chart = files.get("benchmarks/spawn-join.svg")!;
  assert.match(chart, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" [^>]*>/);
  assert.ok(chart.endsWith("</svg>\n"));
  const bars = chart.match(/<path [^>]*aria-roledescription="bar"[^>]*>/g) ?? [];
  assert.equal(bars.length, 2, "greenthread and effect; the floor is the reference line");
  assert.equal(bars.filter((b) => b.includes('fill="#2e7d32"')).length, 1, "one greenthread bar");
  assert.equal(bars.filter((b) => b.includes('fill="#1565c0"')).length, 1, "one effect bar");
  assert.ok(chart.includes("dashed line: floor: floor &lt;fast&gt;"), "labels are escaped");
  assert.ok(!chart.includes("floor <fast>"), "no raw markup from a label");
  const curve = files.get("benchmarks/scaling-spawn-join.svg")!;
  assert.equal(curve.match(/aria-roledescription="point"/g)?.length, 4, "two series of two points");
});

test("a bar runs from the log axis' first decade to its median, whiskers from min to max", async () => {
  const chart = { title: "t", axisLabel: "a", reference: 1, referenceLabel: "r", bars: [
    { label: "x", value: 0.5, low: 0.25, high: 0.8, color: "#000000", caption: "0.5×" },
    { label: "y", value: 2, low: 1.5, high: 3, color: "#111111", caption: "2×" },
  ] };
  const spec = barChartSpec(chart) as unknown as { layer: { data: { values: Record<string, unknown>[] }; layer?: { encoding: { x: { scale: { domain: number[] } }; y?: { sort: string[] } } }[] }[] };
  const [rows] = spec.layer;
  assert.deepEqual(rows!.data.values.map((r) => [r.label, r.base, r.value, r.low, r.high]), [["x", 0.1, 0.5, 0.25, 0.8], ["y", 0.1, 2, 1.5, 3]]);
  assert.deepEqual(rows!.layer![0]!.encoding.x.scale.domain, [0.1, 10], "the decades around every value and the reference");
  assert.deepEqual(rows!.layer![0]!.encoding.y!.sort, ["x", "y"], "rows keep the given order");
  // 420 pixels for two decades: 0.5 sits at (log10 0.5 + 1) / 2 × 420 = 146.8 px, 2 at 273.2 px.
  const widths = [...(await barChart(chart)).matchAll(/aria-roledescription="bar" d="M0,[\d.]+h([\d.]+)v16/g)].map((m) => Number(m[1]).toFixed(1));
  assert.deepEqual(widths, ["146.8", "273.2"]);
});

test("writeReport writes the same files twice over, byte for byte", async () => {
  const dir = mkdtempSync(join(tmpdir(), "greenthread-report-"));
  try {
    const first = (await writeReport(results, dir)).map((path) => readFileSync(path, "utf8"));
    const second = (await writeReport(results, dir)).map((path) => readFileSync(path, "utf8"));
    assert.deepEqual(second, first);
    assert.deepEqual(readdirSync(join(dir, "benchmarks")).sort(), ["parked.svg", "scaling-parked.svg", "scaling-spawn-join.svg", "spawn-join.svg"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
