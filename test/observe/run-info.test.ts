// Run-info and the instrument hooks it stands on: what each live greenlet is parked on, its owner,
// its age, the tree formatRunInfo prints, all on the virtual clock so the figures are exact.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Event, Group, Lock, Pool, Queue, instrument, sleep, spawn } from "../../src/index.js";
import { enableRunInfo, formatRunInfo, runInfo, runInfoEnabled } from "../../src/observe/index.js";
import { captureReports, nextTurn, withVirtualClock } from "../helpers.js";

test("runInfo names what each greenlet is parked on, with its owner, age and time parked", () =>
  withVirtualClock(async (clock) => {
    const disable = enableRunInfo();
    try {
      const q = new Queue<number>();
      const ready = new Event();
      const lock = new Lock();
      await lock.acquire();
      const pool = new Pool(2);
      const group = new Group();
      const consumer = await pool.spawn(async (g) => void (await q.get({ signal: g })));
      consumer.name = "consumer";
      const waiter = group.spawn(async (g) => void (await ready.wait({ signal: g })));
      waiter.name = "waiter";
      await clock.advance(100);
      const locker = spawn(async (g) => void (await lock.acquire({ signal: g })));
      locker.name = "locker";
      const sleeper = spawn(async (g) => await sleep(250, { signal: g }));
      sleeper.name = "sleeper";
      const joiner = spawn(async (g) => void (await waiter.join({ signal: g })));
      joiner.name = "joiner";
      await clock.advance(50);
      const byName = new Map(runInfo().greenlets.map((g) => [g.name, g]));
      assert.deepEqual(
        [...byName.values()].map((g) => [g.name, g.state, g.owner, g.parkedOn, g.ageMs, g.parkedForMs]),
        [
          ["consumer", "running", "Pool(2)", "Queue.get", 150, 150],
          ["waiter", "running", "Group", "Event.wait", 150, 150],
          ["locker", "running", undefined, "Lock.acquire", 50, 50],
          ["sleeper", "running", undefined, "sleep(250)", 50, 50],
          ["joiner", "running", undefined, "join(waiter)", 50, 50],
        ],
      );
      assert.equal(formatRunInfo(), [
        "5 greenlets",
        "Pool(2)",
        "  consumer (#" + consumer.id + "), running, age 150 ms, parked on Queue.get for 150 ms",
        "Group",
        "  waiter (#" + waiter.id + "), running, age 150 ms, parked on Event.wait for 150 ms",
        "(no owner)",
        "  locker (#" + locker.id + "), running, age 50 ms, parked on Lock.acquire for 50 ms",
        "  sleeper (#" + sleeper.id + "), running, age 50 ms, parked on sleep(250) for 50 ms",
        "  joiner (#" + joiner.id + "), running, age 50 ms, parked on join(waiter) for 50 ms",
        "",
      ].join("\n"));
      // Woken greenlets leave the wait; ended ones leave the registry.
      q.putNowait(1);
      ready.set();
      lock.release();
      await clock.advance(250);
      assert.deepEqual(runInfo().greenlets.map((g) => g.name), []);
      assert.equal(formatRunInfo(), "0 greenlets\n");
    } finally {
      disable();
    }
  }));

test("a greenlet between waits shows as running outside a library wait, and a killed one as still ending", () =>
  withVirtualClock(async (clock) => {
    const disable = enableRunInfo();
    try {
      let release!: () => void;
      const g = spawn(async (g) => {
        try {
          await new Promise<void>((resolve) => (release = resolve));
        } finally {
          await sleep(10);
        }
        return g.id;
      });
      await nextTurn();
      assert.deepEqual(runInfo().greenlets.map((i) => [i.parkedOn, i.killed]), [[undefined, false]]);
      assert.match(formatRunInfo(), /running, age 0 ms, not in a library wait\n$/);
      void g.kill({ block: false });
      assert.deepEqual(runInfo().greenlets.map((i) => i.killed), [true]);
      release();
      await clock.advance(10);
      assert.equal(g.dead, true);
      assert.deepEqual(runInfo().greenlets, []);
    } finally {
      disable();
    }
  }));

test("enableRunInfo nests: the registry stays on until every enabler turned it off; off, runInfo is empty", () => {
  assert.equal(runInfoEnabled(), false);
  const a = enableRunInfo();
  const b = enableRunInfo();
  a();
  a();
  assert.equal(runInfoEnabled(), true);
  b();
  assert.equal(runInfoEnabled(), false);
  assert.deepEqual(runInfo().greenlets, []);
  assert.equal(formatRunInfo(), "run-info is off: call enableRunInfo() from greenthread/observe first\n");
  assert.throws(() => enableRunInfo({ stacks: "yes" as never }), { name: "TypeError", message: "enableRunInfo(): expected stacks to be a boolean, got string" });
  assert.throws(() => enableRunInfo(5 as never), { name: "TypeError", message: /^enableRunInfo\(\): expected options to be an object or undefined, got 5/ });
});

test("an instrument sees spawn, start, park, resume, kill and end in order, and stops seeing them once removed", () =>
  withVirtualClock(async (clock) => {
    const seen: string[] = [];
    const stop = instrument({
      spawned: (g) => seen.push(`spawned ${g.name}`),
      started: (g) => seen.push(`started ${g.name}`),
      parked: (g, what, detail) => seen.push(`parked ${g.name} ${what} ${String(detail)}`),
      resumed: (g) => seen.push(`resumed ${g.name}`),
      killed: (g) => seen.push(`killed ${g.name}`),
      ended: (g) => seen.push(`ended ${g.name}`),
      linked: (g) => seen.push(`linked ${g.name}`),
    });
    try {
      const g = spawn(async (g) => {
        await sleep(10, { signal: g });
        await new Event().wait({ signal: g });
      });
      g.name = "a";
      g.link(() => {});
      await clock.advance(10);
      await g.kill();
      assert.deepEqual(seen, [
        "spawned Greenlet-" + g.id,
        "linked a",
        "started a",
        "parked a sleep 10",
        "resumed a",
        "parked a Event.wait undefined",
        "killed a",
        "resumed a",
        "ended a",
      ]);
    } finally {
      stop();
    }
    seen.length = 0;
    const after = spawn(async () => {});
    await after.join();
    assert.deepEqual(seen, []);
  }));

test("a hook that throws is reported with kind instrument and never reaches the greenlet", async () => {
  const reports = await captureReports(async () => {
    const stop = instrument({ started: () => { throw new Error("broken hook"); } });
    try {
      const g = spawn(async () => 42);
      assert.equal(await g.get(), 42);
    } finally {
      stop();
    }
  });
  assert.deepEqual(reports.map((r) => [r.context.kind, (r.error as Error).message]), [["instrument", "broken hook"]]);
  assert.throws(() => instrument(null as never), { name: "TypeError", message: "instrument(): expected hooks to be an object of hook functions, got null" });
  assert.throws(() => instrument({ ended: 3 as never }), { name: "TypeError", message: "instrument(): expected hooks.ended to be a function, got number" });
});
