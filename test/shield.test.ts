import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { GreenletExit, Queue, TimeoutError, shield, sleep, spawn } from "../src/index.js";
import { withVirtualClock } from "./helpers.js";

describe("shield", () => {
  test("a wait in a killed greenlet's finally, given the shield's scope, is not interrupted by the kill", async () => {
    await withVirtualClock(async (clock) => {
      const queue = new Queue<string>(1);
      queue.putNowait("occupied");
      const log: string[] = [];
      const g = spawn(async (g) => {
        try {
          await sleep(1000, { signal: g });
        } finally {
          await assert.rejects(queue.put("lost", { signal: g }), GreenletExit); // aborted at once
          await shield((s) => queue.put("kept", { signal: s }), { timeout: 1000 });
          log.push(`put at ${clock.now()}`);
        }
      });
      await clock.advance(1);
      const killed = g.kill();
      await clock.advance(50);
      assert.equal(g.dead, false, "the shielded put still waits");
      assert.equal(queue.getNowait(), "occupied"); // room for the shielded put
      assert.equal(await killed, true);
      assert.deepEqual(log, ["put at 51"]);
      assert.equal(queue.getNowait(), "kept");
      assert.ok(g.value instanceof GreenletExit);
    });
  });

  test("at the deadline the waits given the scope and the shield reject with the same TimeoutError", async () => {
    await withVirtualClock(async (clock) => {
      const queue = new Queue<number>();
      let inner: unknown;
      const shielded = shield(async (s) => {
        try {
          return await queue.get({ signal: s });
        } catch (error) {
          inner = error;
          throw error;
        }
      }, { timeout: 200 });
      const outcome = shielded.then(
        () => undefined,
        (error: unknown) => error,
      );
      await clock.advance(200);
      const error = await outcome;
      assert.ok(error instanceof TimeoutError);
      assert.equal(error.message, "shield(): timed out after 200 ms");
      assert.equal(error.ms, 200);
      assert.equal(inner, error);
    });
  });

  test("a function that ignores its scope does not hold the shield past the deadline", async () => {
    await withVirtualClock(async (clock) => {
      let finished = false;
      const outcome = shield(async () => {
        await sleep(500);
        finished = true;
      }, { timeout: 100 }).then(
        () => "resolved",
        (error: unknown) => (error as Error).name,
      );
      await clock.advance(100);
      assert.equal(await outcome, "TimeoutError");
      assert.equal(finished, false);
      await clock.advance(400);
      assert.equal(finished, true);
    });
  });

  test("settles with the function's value or error, sync or async, and clears its deadline", async () => {
    await withVirtualClock(async (clock) => {
      assert.equal(await shield(() => 7, { timeout: 10 }), 7);
      assert.equal(await shield(async (s) => { await sleep(5, { signal: s }); return "late"; }, { timeout: 10 }), "late");
      await assert.rejects(shield(() => { throw new RangeError("sync"); }, { timeout: 10 }), { name: "RangeError", message: "sync" });
      await assert.rejects(shield(() => Promise.reject(new RangeError("async")), { timeout: 10 }), { message: "async" });
      assert.equal(clock.pendingTimers, 0, "no timer left behind");
    }, { autojump: true });
  });

  test("timeout: Infinity shields without a deadline", async () => {
    await withVirtualClock(async (clock) => {
      const value = shield(async (s) => {
        await sleep(1_000_000, { signal: s });
        return "done";
      }, { timeout: Infinity });
      await clock.advance(1_000_000);
      assert.equal(await value, "done");
    });
  });

  test("a kill that arrives during a shield lands at the greenlet's next wait", async () => {
    await withVirtualClock(async (clock) => {
      const log: string[] = [];
      const g = spawn(async (g) => {
        await shield((s) => sleep(100, { signal: s }), { timeout: 1000 });
        log.push(`shield done at ${clock.now()}`);
        await sleep(1000, { signal: g });
        log.push("never");
      });
      await clock.advance(10);
      void g.kill({ block: false });
      await clock.advance(90);
      await g.join();
      assert.deepEqual(log, ["shield done at 100"]);
    });
  });

  test("bad arguments throw at the call", () => {
    assert.throws(() => shield(1 as never, { timeout: 1 }), { name: "TypeError", message: "shield(): expected fn to be a function, got 1 (number)" });
    assert.throws(() => shield(() => 1, undefined as never), {
      name: "TypeError",
      message: "shield(): expected options to be an object with a timeout, got undefined",
    });
    assert.throws(() => shield(() => 1, {} as never), {
      name: "TypeError",
      message: "shield(): expected timeout to be a number of milliseconds ≥ 0 (Infinity for none), got undefined",
    });
    assert.throws(() => shield(() => 1, { timeout: -1 }), { name: "RangeError" });
  });
});
