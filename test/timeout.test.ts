import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Timeout, TimeoutError, sleep, spawn, withTimeout } from "../src/index.js";
import { deferred, withVirtualClock } from "./helpers.js";

describe("Timeout", () => {
  test("fires at its deadline: signal aborts with a TimeoutError naming the ms, waits given it reject", () =>
    withVirtualClock(async (clock) => {
      const t = Timeout.startNew(250);
      assert.equal(t.pending, true);
      const slept = sleep(10_000, { signal: t });
      const rejected = assert.rejects(slept, (e: unknown) => e instanceof TimeoutError && e.message === "timed out after 250 ms" && e.ms === 250);
      await clock.advance(249);
      assert.equal(t.signal.aborted, false);
      await clock.advance(1);
      await rejected;
      assert.equal(t.pending, false);
      assert.equal(t.expired, true);
      assert.equal(t.signal.aborted, true);
      assert.ok(t.signal.reason instanceof TimeoutError);
    }));

  test("fires with the given exception instead, unchanged", () =>
    withVirtualClock(async (clock) => {
      const custom = new Error("too slow");
      const t = new Timeout(10, custom).start();
      await clock.advance(10);
      assert.equal(t.signal.reason, custom);
    }));

  test("null never fires; 0 fires on the next timer turn", () =>
    withVirtualClock(async (clock) => {
      const never = Timeout.startNew(null);
      const zero = Timeout.startNew(0);
      assert.equal(never.pending, false);
      assert.equal(clock.pendingTimers, 1);
      await clock.advance(0);
      assert.equal(zero.expired, true);
      await clock.advance(1e9);
      assert.equal(never.expired, false);
    }));

  test("cancel disarms it and it may be started again; start while pending or after firing throws", () =>
    withVirtualClock(async (clock) => {
      const t = new Timeout(100);
      t.start();
      assert.throws(() => t.start(), { message: "Timeout.start(): the timeout is pending already" });
      t.cancel();
      assert.equal(t.pending, false);
      assert.equal(clock.pendingTimers, 0);
      t.start();
      await clock.advance(100);
      assert.equal(t.expired, true);
      assert.throws(() => t.start(), { message: "Timeout.start(): the timeout has fired already; create a new one" });
      t.cancel(); // harmless after firing
    }));

  test("bad durations are rejected at construction", () => {
    assert.throws(() => new Timeout(-1), { name: "RangeError", message: "new Timeout(): expected ms to be a finite number of milliseconds ≥ 0, got -1 (number)" });
    assert.throws(() => new Timeout(NaN), { name: "RangeError" });
    assert.throws(() => new Timeout(Infinity), { name: "RangeError" });
    assert.throws(() => new Timeout("1" as never), { name: "TypeError" });
  });
});

describe("Timeout with using", () => {
  test("a using declaration cancels a pending Timeout when its block ends, and the timer is gone", () =>
    withVirtualClock(async (clock) => {
      let seen!: Timeout;
      {
        using t = Timeout.startNew(500);
        seen = t;
        assert.equal(t.pending, true);
        assert.equal(clock.pendingTimers, 1);
      }
      assert.equal(seen.pending, false);
      assert.equal(clock.pendingTimers, 0);
      await clock.advance(1000);
      assert.equal(seen.expired, false);
    }));

  test("the block's waits given the Timeout reject with its TimeoutError once it fires, and leaving the block after that changes nothing", () =>
    withVirtualClock(async (clock) => {
      let seen!: Timeout;
      const guarded = (async () => {
        using t = Timeout.startNew(250);
        seen = t;
        await sleep(10_000, { signal: t });
      })();
      const rejected = assert.rejects(guarded, (e: unknown) => e instanceof TimeoutError && e.message === "timed out after 250 ms");
      await clock.advance(250);
      await rejected;
      assert.equal(seen.expired, true);
      assert.ok(seen.signal.reason instanceof TimeoutError);
      assert.equal(clock.pendingTimers, 0);
    }));

  test("a block left by a throw cancels the Timeout too", () =>
    withVirtualClock(async (clock) => {
      const boom = new Error("boom");
      let seen!: Timeout;
      assert.throws(() => {
        using t = Timeout.startNew(500);
        seen = t;
        throw boom;
      }, (e) => e === boom);
      assert.equal(seen.pending, false);
      assert.equal(clock.pendingTimers, 0);
    }));

  test("dispose is cancel under Node's own Symbol.dispose: a cancelled Timeout may be started again", () =>
    withVirtualClock(async (clock) => {
      assert.equal(typeof Symbol.dispose, "symbol");
      const t = new Timeout(100).start();
      t[Symbol.dispose]();
      t[Symbol.dispose](); // idempotent, like cancel()
      assert.equal(t.pending, false);
      t.start();
      await clock.advance(100);
      assert.equal(t.expired, true);
      t[Symbol.dispose](); // harmless after firing
      assert.equal(t.expired, true);
    }));
});

describe("withTimeout", () => {
  test("a fn declaring no parameter is called with none; one declaring a parameter gets a signal that aborts at the deadline", () =>
    withVirtualClock(async (clock) => {
      let given: unknown[] = ["not called"];
      const fast = await withTimeout(100, function (this: unknown) {
        // eslint-disable-next-line prefer-rest-params
        given = [...arguments];
        return 7;
      });
      assert.equal(fast, 7);
      assert.deepEqual(given, []);
      let seen: AbortSignal | undefined;
      const slow = withTimeout(100, (signal) => {
        seen = signal;
        return new Promise<never>(() => {});
      });
      const rejected = assert.rejects(slow, (e: unknown) => e instanceof TimeoutError && e.ms === 100);
      assert.ok(seen instanceof AbortSignal);
      assert.equal(seen.aborted, false);
      await clock.advance(100);
      await rejected;
      assert.equal(seen.aborted, true);
      assert.ok(seen.reason instanceof TimeoutError && seen.reason.message === "withTimeout(): timed out after 100 ms");
      assert.equal(clock.pendingTimers, 0);
    }));

  test("resolves with fn's value when fn finishes in time, and clears its timer", () =>
    withVirtualClock(async (clock) => {
      const result = withTimeout(100, async () => {
        await sleep(50);
        return "in time";
      });
      await clock.advance(50);
      assert.equal(await result, "in time");
      assert.equal(clock.pendingTimers, 0);
    }));

  test("rejects with its own TimeoutError at the deadline, and fn's signal aborts with that same error", () =>
    withVirtualClock(async (clock) => {
      let signal!: AbortSignal;
      const result = withTimeout(100, (s) => {
        signal = s;
        return new Promise(() => {});
      });
      const rejected = assert.rejects(result, (e: unknown) => {
        assert.ok(e instanceof TimeoutError);
        assert.equal(e.message, "withTimeout(): timed out after 100 ms");
        assert.equal(signal.reason, e);
        return true;
      });
      await clock.advance(100);
      await rejected;
      assert.equal(signal.aborted, true);
    }));

  test("resolves timeoutValue at the deadline when the key is present, even undefined", () =>
    withVirtualClock(async (clock) => {
      const withValue = withTimeout(10, () => new Promise(() => {}), { timeoutValue: "fallback" });
      const withUndefined = withTimeout(10, () => new Promise(() => {}), { timeoutValue: undefined });
      await clock.advance(10);
      assert.equal(await withValue, "fallback");
      assert.equal(await withUndefined, undefined);
    }));

  test("settles at the deadline even when fn ignores its signal; fn keeps running", () =>
    withVirtualClock(async (clock) => {
      const gate = deferred();
      let finished = false;
      const result = withTimeout(10, async () => {
        await gate.promise;
        finished = true;
        return "late";
      }, { timeoutValue: "on time" });
      await clock.advance(10);
      assert.equal(await result, "on time");
      assert.equal(finished, false);
      gate.resolve();
      await sleep(0);
      assert.equal(finished, true);
    }));

  test("nested: the shorter deadline wins and its error reaches the caller unchanged", () =>
    withVirtualClock(async (clock) => {
      let innerError: unknown;
      const outer = withTimeout(100, (signal) =>
        withTimeout(10, () => new Promise(() => {}), { signal }).catch((e: unknown) => {
          innerError = e;
          throw e;
        }),
      );
      const rejected = assert.rejects(outer, (e) => e === innerError && e instanceof TimeoutError && e.ms === 10);
      await clock.advance(10);
      await rejected;

      // The outer deadline shorter: the inner wait is cut by the outer signal, and the outer's
      // own error is what the caller sees.
      let outerSignal!: AbortSignal;
      const outer2 = withTimeout(10, (signal) => {
        outerSignal = signal;
        return withTimeout(100, () => new Promise(() => {}), { signal });
      });
      const rejected2 = assert.rejects(outer2, (e) => e instanceof TimeoutError && e.ms === 10 && e === outerSignal.reason);
      await clock.advance(10);
      await rejected2;
      assert.equal(clock.pendingTimers, 0);
    }));

  test("rejects at once with exactly the outer signal's reason when it aborts, even if fn ignores it", () =>
    withVirtualClock(async (clock) => {
      const controller = new AbortController();
      const reason = new Error("client went away");
      let inner!: AbortSignal;
      const result = withTimeout(1000, (s) => {
        inner = s;
        return new Promise(() => {});
      }, { signal: controller.signal });
      controller.abort(reason);
      await assert.rejects(result, (e) => e === reason);
      assert.equal(inner.reason, reason);
      assert.equal(clock.pendingTimers, 0);
      await assert.rejects(withTimeout(10, () => "never runs", { signal: controller.signal }), (e) => e === reason);
    }));

  test("a greenlet as the outer signal: killing it rejects with the kill's reason", async () => {
    const g = spawn(async (self) => withTimeout(60_000, () => new Promise(() => {}), { signal: self }));
    g.linkException(() => undefined);
    await sleep(0);
    const exit = new Error("killed");
    await g.kill({ exception: exit });
    assert.equal(g.exception, exit);
  });

  test("fn throwing synchronously or rejecting rejects with that error", async () => {
    const sync = new Error("sync");
    const async_ = new Error("async");
    await assert.rejects(withTimeout(100, () => {
      throw sync;
    }), (e) => e === sync);
    await assert.rejects(withTimeout(100, async () => {
      throw async_;
    }), (e) => e === async_);
  });

  test("bad input is rejected at the call", () => {
    assert.throws(() => withTimeout(-1, () => 1), { name: "RangeError", message: "withTimeout(): expected ms to be a finite number of milliseconds ≥ 0, got -1 (number)" });
    assert.throws(() => withTimeout(Infinity, () => 1), { name: "RangeError" });
    assert.throws(() => withTimeout(10, "fn" as never), { name: "TypeError", message: 'withTimeout(): expected fn to be a function, got "fn" (string)' });
    assert.throws(() => withTimeout(10, () => 1, { signal: 1 as never }), { name: "TypeError" });
  });
});
