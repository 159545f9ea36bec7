// The deadlock report, on real child processes run under Node's defaults: greenlets parked on
// each other are named with what they wait for, the exit code says so, and programs that end
// normally are left alone.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { setDeadlockMode } from "../../src/index.js";

const root = fileURLToPath(new URL("../..", import.meta.url));

function run(fixture: string, args: string[] = [], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ["--import", "tsx", join("test", "fixtures", "observe", fixture), ...args], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, ...env, GREENTHREAD_DEADLOCK: env.GREENTHREAD_DEADLOCK ?? "" },
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test("greenlets parked on each other's lock and event are reported by name, wait and owner, and the exit code is 1", () => {
  const { status, stdout, stderr } = run("deadlock.ts");
  assert.equal(stdout, "started\n");
  assert.equal(status, 1, stderr);
  const lines = stderr.trim().split("\n");
  assert.equal(lines.length, 3, stderr);
  assert.match(lines[0]!, /^holder is deadlocked: DeadlockError: holder \(owned by Group\) is parked on Event\.wait, and nothing is left that could wake it: the event loop ran out of work with it still alive \(exit code set to 1;/);
  assert.match(lines[1]!, /^waiter is deadlocked: DeadlockError: waiter is parked on Lock\.acquire, and nothing is left/);
  assert.match(lines[2]!, /^joiner is deadlocked: DeadlockError: joiner is parked on join\(waiter\), and nothing is left/);
});

test("with run-info on, the report adds how long each has been parked and where it was spawned", () => {
  const { status, stderr } = run("deadlock.ts", ["default", "runinfo"]);
  assert.equal(status, 1, stderr);
  assert.match(stderr, /holder \(owned by Group\) is parked on Event\.wait for \d+ ms, and nothing/);
  assert.match(stderr, /waiter is parked on Lock\.acquire for \d+ ms/);
  assert.match(stderr, /spawned at:\n {4}at .*deadlock\.ts:14:/, "the holder's spawn, in the fixture, not in the library");
  assert.ok(!stderr.includes(join("src", "greenlet.ts")), "library frames are left out of spawn stacks");
});

test("report mode reports and keeps the exit code; off mode and GREENTHREAD_DEADLOCK=off say nothing", () => {
  const report = run("deadlock.ts", ["report"]);
  assert.equal(report.status, 0);
  assert.equal(report.stderr.match(/is deadlocked/g)?.length, 3);
  assert.ok(!report.stderr.includes("exit code set to 1"));
  const off = run("deadlock.ts", ["off"]);
  assert.deepEqual([off.status, off.stderr], [0, ""]);
  const env = run("deadlock.ts", [], { GREENTHREAD_DEADLOCK: "off" });
  assert.deepEqual([env.status, env.stderr], [0, ""]);
});

test("a program whose greenlets all end is untouched", () => {
  const normal = run("ends-normally.ts");
  assert.deepEqual([normal.status, normal.stdout, normal.stderr], [0, "all done\n", ""]);
});

test("a greenlet left awaiting a promise of its own can never end either: reported, exit code 1", () => {
  const foreign = run("ends-normally.ts", ["foreign"]);
  assert.equal(foreign.status, 1, foreign.stderr);
  assert.equal(foreign.stdout, "all done\n");
  assert.match(foreign.stderr, /^stuck-on-a-promise is deadlocked: DeadlockError: stuck-on-a-promise is still running, awaiting something outside the library's waits .*nothing is left that could settle it/);
});

test("two greenlets locked in each other's Lock are reported: by name when they have one, else by id or, once collected, counted", () => {
  const { status, stderr } = run("ab-ba.ts");
  assert.equal(status, 1, stderr);
  // Whether V8 still holds unnamed greenlets that only each other's locks reference, at the time
  // of the report, depends on what else their module keeps alive: either outcome is a report.
  const byId = stderr.match(/^Greenlet-\d+ is deadlocked: DeadlockError: Greenlet-\d+ is parked on Lock\.acquire, and nothing/gm)?.length ?? 0;
  const counted = /^greenthread is deadlocked: DeadlockError: 2 greenlets are still running with nothing left that could wake them, and nothing references them any more/m.test(stderr);
  assert.ok(byId === 2 || counted, stderr);
  const named = run("ab-ba-named.ts");
  assert.equal(named.status, 1, named.stderr);
  assert.match(named.stderr, /^first is deadlocked: DeadlockError: first is parked on Lock\.acquire, and nothing/m);
  assert.match(named.stderr, /^second is deadlocked: DeadlockError: second is parked on Lock\.acquire, and nothing/m);
});

test("setDeadlockMode returns the previous mode and refuses anything but the three modes", () => {
  const previous = setDeadlockMode("report");
  assert.equal(setDeadlockMode(previous), "report");
  assert.throws(() => setDeadlockMode("loud" as never), {
    name: "TypeError",
    message: 'setDeadlockMode(): expected mode to be "exit", "report" or "off", got "loud" (string)',
  });
});

test("under node:test a greenlet left parked is reported, and the runner keeps the exit code of the tests", () => {
  // The fixture runs as a test file of its own (not inside this file's runner).
  const env: Record<string, string | undefined> = { ...process.env, GREENTHREAD_DEADLOCK: "" };
  delete env.NODE_TEST_CONTEXT;
  const result = spawnSync(process.execPath, ["--import", "tsx", "--test-reporter=tap", join("test", "fixtures", "observe", "leaves-parked.ts")], {
    cwd: root,
    encoding: "utf8",
    env,
    timeout: 60_000,
  });
  assert.equal(result.status, 0, result.stdout + result.stderr);
  assert.match(result.stdout + result.stderr, /left-behind is deadlocked: DeadlockError: left-behind is parked on Event\.wait/);
  assert.ok(!(result.stdout + result.stderr).includes("exit code set to 1"));
});

test("a named greenlet is held for the report only while it is started and not dead", async () => {
  const { Greenlet, sleep } = await import("../../src/index.js");
  const { namedCount } = await import("../../src/core/stuck.js");
  const before = namedCount();
  const idle = new Greenlet(async () => {});
  idle.name = "never started";
  assert.equal(namedCount(), before, "a greenlet that never starts is not held");
  idle.start();
  assert.equal(namedCount(), before + 1);
  await idle.join();
  assert.equal(namedCount(), before, "released at its end");
  const g = new Greenlet(async (g) => await sleep(1, { signal: g }));
  g.start();
  g.name = "named while scheduled";
  assert.equal(namedCount(), before + 1);
  await g.kill();
  assert.equal(namedCount(), before);
});
