// 1,000 sessions connect, each spawns 2 greenlets, all disconnect: nothing is left behind. Runs
// test/fixtures/socketio-churn.ts in a child process, which needs --expose-gc to measure the heap
// and must exit on its own once it has closed its servers (a leaked handle would keep it alive).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "../..");

test("1,000 sessions with 2 greenlets each churn through: 0 sessions and 0 live greenlets after, heap within 10%, no handle left", { timeout: 90_000 }, () => {
  const result = spawnSync(process.execPath, ["--expose-gc", "--import", "tsx", join("test", "fixtures", "socketio-churn.ts")], {
    cwd: root,
    encoding: "utf8",
    timeout: 80_000,
    env: { ...process.env, CHURN_SESSIONS: "1000" },
  });
  assert.equal(result.signal, null, `the fixture did not exit on its own (killed by ${result.signal}): a handle was left open\n${result.stderr}`);
  assert.equal(result.status, 0, result.stderr);
  const report = JSON.parse(result.stdout.trim().split("\n").at(-1)!) as {
    sessions: number;
    peakSessions: number;
    peakGreenlets: number;
    stats: { sessions: number; greenlets: number; reaped: number; stragglers: number };
    heapBefore: number;
    heapAfter: number;
  };
  assert.equal(report.peakSessions, 1000);
  assert.equal(report.peakGreenlets, 2000);
  // Two rounds ran (a warm-up of the same size, then the measured one): 4,000 greenlets reaped.
  assert.deepEqual(report.stats, { sessions: 0, greenlets: 0, reaped: 4000, stragglers: 0 });
  const growth = (report.heapAfter - report.heapBefore) / report.heapBefore;
  assert.ok(growth <= 0.1, `heap grew by ${(growth * 100).toFixed(1)}% (${report.heapBefore} → ${report.heapAfter} bytes)`);
});
