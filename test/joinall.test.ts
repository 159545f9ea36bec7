import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { GreenletExit, TimeoutError, joinall, killall, sleep, spawn, type Greenlet } from "../src/index.js";
import { captureReports, nextTurn, withVirtualClock } from "./helpers.js";

/** A greenlet that sleeps `ms` on the library clock (killable), then returns `value`. */
function after<T>(ms: number, value: T): Greenlet<T> {
  return spawn(async (g) => {
    await sleep(ms, { signal: g });
    return value;
  });
}

describe("joinall", () => {
  test("returns the greenlets in completion order", () =>
    withVirtualClock(async () => {
      const slow = after(30, "slow");
      const fast = after(10, "fast");
      const mid = after(20, "mid");
      const done = await joinall([slow, fast, mid]);
      assert.deepEqual(done, [fast, mid, slow]);
    }, { autojump: true }));

  test("those finished at the call come first, in argument order", () =>
    withVirtualClock(async () => {
      const a = spawn(() => "a");
      const b = spawn(() => "b");
      await joinall([a, b]);
      const pending = after(5, "pending");
      assert.deepEqual(await joinall([pending, b, a]), [b, a, pending]);
    }, { autojump: true }));

  test("count stops after that many have finished; the rest keep running", () =>
    withVirtualClock(async () => {
      const gs = [after(30, 3), after(10, 1), after(20, 2)];
      const done = await joinall(gs, { count: 2 });
      assert.deepEqual(done.map((g) => g.value), [1, 2]);
      assert.equal(gs[0]!.dead, false);
      await joinall(gs);
    }, { autojump: true }));

  test("on its own timeout resolves with the ones finished so far", () =>
    withVirtualClock(async (clock) => {
      const gs = [after(10, "a"), after(1000, "b")];
      const joined = joinall(gs, { timeout: 50 });
      await clock.advance(50);
      assert.deepEqual((await joined).map((g) => g.value), ["a"]);
      await killall(gs);
      assert.equal(clock.pendingTimers, 0);
    }));

  test("raiseError rejects with the first failure in completion order; failures do not reject without it", () =>
    withVirtualClock(async () => {
      const first = new Error("first");
      const second = new Error("second");
      const failAfter = (ms: number, error: Error) =>
        spawn(async (g) => {
          await sleep(ms, { signal: g });
          throw error;
        });
      const a = failAfter(20, second);
      const b = failAfter(10, first);
      const ok = after(5, "ok");
      await assert.rejects(joinall([a, b, ok], { raiseError: true }), (e) => e === first);
      // b and ok are finished at this call (argument order), a finishes later.
      const done = await joinall([a, b, ok]);
      assert.equal(a.exception, second); // read in the turn it failed: observed, the hub stays quiet
      assert.deepEqual(done, [b, ok, a]);
    }, { autojump: true }));

  test("raiseError does not reject for a killed greenlet: a kill is not a failure", async () => {
    const reports = await captureReports(async () => {
      const killed = after(60_000, "never");
      const ok = spawn(() => "ok");
      await sleep(0);
      await killed.kill();
      const done = await joinall([killed, ok], { raiseError: true });
      assert.deepEqual(done, [killed, ok]);
      assert.equal(killed.successful(), true);
      await nextTurn();
      await nextTurn();
    });
    assert.deepEqual(reports, []);
  });

  test("raiseError counts as observing the failure it surfaces", async () => {
    const reports = await captureReports(async () => {
      const g = spawn(() => {
        throw new Error("surfaced");
      });
      await assert.rejects(joinall([g], { raiseError: true }), /surfaced/);
      await nextTurn();
      await nextTurn();
    });
    assert.deepEqual(reports, []);
  });

  test("rejects with exactly the signal's reason when it aborts", async () => {
    const g = spawn(() => new Promise(() => {}));
    const controller = new AbortController();
    const reason = new Error("request cancelled");
    const joined = joinall([g], { signal: controller.signal });
    controller.abort(reason);
    await assert.rejects(joined, (e) => e === reason);
    await g.kill({ block: false });
  });

  test("an empty list, or count 0, resolves with an empty list", async () => {
    assert.deepEqual(await joinall([]), []);
    const g = spawn(() => 1);
    assert.deepEqual(await joinall([g], { count: 0 }), []);
  });

  test("accepts any iterable of greenlets", async () => {
    const set = new Set([spawn(() => 1), spawn(() => 2)]);
    assert.equal((await joinall(set)).length, 2);
  });

  test("bad input is rejected at the call", () => {
    assert.throws(() => joinall(5 as never), { name: "TypeError", message: "joinall(): expected objects to be an iterable, got 5 (number)" });
    assert.throws(() => joinall([spawn(() => 1), "g" as never]), { name: "TypeError", message: 'joinall(): expected objects[1] to be a Greenlet, got "g" (string)' });
    assert.throws(() => joinall([], { timeout: -1 }), { name: "RangeError" });
    assert.throws(() => joinall([], { count: 1.5 }), { name: "RangeError", message: "joinall(): expected count to be an integer ≥ 0 or undefined, got 1.5 (number)" });
    assert.throws(() => joinall([], { signal: "x" as never }), { name: "TypeError" });
  });
});

describe("killall", () => {
  test("kills every greenlet and resolves once all are dead", async () => {
    const cleaned: number[] = [];
    const gs = [1, 2, 3].map((n) =>
      spawn(async (g) => {
        try {
          await sleep(60_000, { signal: g });
        } finally {
          cleaned.push(n);
        }
      }),
    );
    await sleep(0);
    await killall(gs);
    assert.deepEqual(cleaned, [1, 2, 3]);
    assert.ok(gs.every((g) => g.dead && g.value instanceof GreenletExit));
  });

  test("greenlets not yet started are marked dead synchronously and never run", async () => {
    let ran = 0;
    const gs = [spawn(() => ran++), spawn(() => ran++)];
    const killed = killall(gs);
    assert.ok(gs.every((g) => g.dead));
    await killed;
    await nextTurn();
    assert.equal(ran, 0);
  });

  test("rejects with TimeoutError when its own timeout expires first; the survivors keep running", () =>
    withVirtualClock(async (clock) => {
      let release!: () => void;
      const stubborn = spawn(() => new Promise<void>((resolve) => (release = resolve)));
      const polite = spawn(async (g) => sleep(60_000, { signal: g }));
      await sleep(0);
      const killed = assert.rejects(killall([stubborn, polite], { timeout: 100 }), (e: unknown) => {
        assert.ok(e instanceof TimeoutError);
        assert.equal(e.message, "killall(): 1 of 2 greenlets still alive after 100 ms");
        return true;
      });
      await clock.advance(100);
      await killed;
      assert.equal(polite.dead, true);
      assert.equal(stubborn.dead, false);
      release();
      await stubborn.join();
    }));

  test("block: false resolves at once; a custom exception reaches every greenlet", async () => {
    const custom = new Error("custom");
    const gs = [spawn(async (g) => sleep(60_000, { signal: g })), spawn(async (g) => sleep(60_000, { signal: g }))];
    gs.forEach((g) => g.linkException(() => undefined));
    await sleep(0);
    await killall(gs, { exception: custom, block: false });
    await joinall(gs);
    assert.ok(gs.every((g) => g.exception === custom));
  });
});
