// The whole peers pipeline in a tiny configuration (1,000 tasks, one round, the spawn + join
// workload and the parked-memory cases): real child processes per workload and per memory case,
// the results file, the page and its charts. Timings are not checked, only that every row was
// measured and written.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { PeersResults } from "../../bench/peers/results.js";

const root = fileURLToPath(new URL("../..", import.meta.url));

test("a tiny peers run writes the results file, the page and the charts", () => {
  const dir = mkdtempSync(join(tmpdir(), "greenthread-peers-test-"));
  try {
    const resultsPath = join(dir, "peers.json");
    const docs = join(dir, "docs");
    const run = spawnSync(
      process.execPath,
      ["--expose-gc", "--import", "tsx", join(root, "bench", "peers.bench.ts"), "--only=spawn-join,parked", "--n=1000", "--rounds=1", "--time=20", `--results=${resultsPath}`, `--docs=${docs}`],
      { cwd: root, encoding: "utf8" },
    );
    assert.equal(run.status, 0, run.stderr + run.stdout);
    assert.match(run.stdout, /spawn-join +round 1\/1 +greenthread spawn \+ joinall +[\d.]+ [kM]? ?tasks\/s/, "a progress line per timing");

    const results = JSON.parse(readFileSync(resultsPath, "utf8")) as PeersResults;
    assert.equal(results.suite, "peers-custom");
    assert.deepEqual(results.method, { rounds: 1, warmupRounds: 1, minTimeMs: 20 });
    assert.deepEqual(results.throughput.map((w) => [w.id, w.n, w.rounds.length]), [["spawn-join", 1000, 1]]);
    const [workload] = results.throughput;
    const gevent = results.versions.gevent !== undefined;
    const expected = ["async functions + Promise.all", "greenthread spawn + joinall", "effect forkChild + Fiber.joinAll", "effection spawn + all()", ...(gevent ? ["gevent spawn + joinall"] : [])];
    assert.deepEqual(workload!.contenders.map((c) => c.name), expected);
    // One triplet per row beside the floor and greenthread, each timing all three.
    assert.equal(workload!.rounds[0]!.length, expected.length - 2);
    for (const triplet of workload!.rounds[0]!) {
      assert.equal(triplet.order.length, 3);
      for (const name of triplet.order) assert.ok(Number.isFinite(triplet.opsPerSecond[name]) && triplet.opsPerSecond[name]! > 0, `${name} measured`);
    }
    if (!gevent) assert.deepEqual(results.skipped.map((s) => s.library), ["gevent"]);
    if (!gevent) assert.match(results.skipped[0]!.reason, /python3-gevent/);

    const cases = results.memory.cases.map((c) => [c.library, c.n, c.bytesPerTask.length]);
    // One sample per round; the parked-memory curve's other counts are left out when --n fixes every count.
    const nodeCases = [["floor", 1000, 1], ["greenthread", 1000, 1], ["greenthread", 1000, 1], ["effect", 1000, 1], ["effection", 1000, 1]];
    assert.deepEqual(cases, gevent ? [...nodeCases, ["gevent", 1000, 1]] : nodeCases);

    const page = readFileSync(join(docs, "benchmarks.md"), "utf8");
    assert.ok(page.includes("## spawn + join of 1,000 trivial tasks"));
    assert.ok(page.includes("## heap per parked task, 1,000 tasks"));
    assert.ok(existsSync(join(docs, "benchmarks", "spawn-join.svg")) && existsSync(join(docs, "benchmarks", "parked.svg")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
