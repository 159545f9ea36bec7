import { test } from "node:test";
import assert from "node:assert/strict";
import { getEventListeners } from "node:events";
import { Timeout, sleep, spawn } from "../../src/index.js";
import { captureWarnings, withVirtualClock } from "../helpers.js";

/** A greenlet that waits, without any timer, until it is killed. */
function parked() {
  return spawn(
    (g) => new Promise<void>((_resolve, reject) => g.signal.addEventListener("abort", () => reject(g.signal.reason), { once: true })),
  );
}

test("100,000 sequential waits on one long-lived AbortSignal leave no abort listener and no warning", () =>
  withVirtualClock(async (clock) => {
    const warnings = await captureWarnings(async () => {
      const controller = new AbortController();
      const g = parked();
      for (let i = 0; i < 100_000; i++) {
        // Alternate the ways a wait settles: the thing it waits for, and its own timeout.
        if (i % 2 === 0) {
          const slept = sleep(1, { signal: controller.signal });
          await clock.advance(1);
          await slept;
        } else {
          const joined = g.join({ signal: controller.signal, timeout: 1 });
          await clock.advance(1);
          assert.equal(await joined, false);
        }
        if (i % 10_000 === 0) assert.equal(getEventListeners(controller.signal, "abort").length, 0);
      }
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(getEventListeners(controller.signal, "abort").length, 0);
      assert.equal(clock.pendingTimers, 0);
      await g.kill();
    });
    assert.deepEqual(warnings.map((w) => w.name), []);
  }));

test("waits that pass a greenlet or a Timeout as signal unregister when they settle", () =>
  withVirtualClock(async (clock) => {
    const owner = parked();
    const deadline = new Timeout(null);
    for (let i = 0; i < 1000; i++) {
      const a = sleep(1, { signal: owner });
      const b = sleep(1, { signal: deadline });
      await clock.advance(1);
      await Promise.all([a, b]);
    }
    // The greenlet's own wait (inside parked()) does not use it as a signal, so nothing is registered.
    const state = (owner as unknown as { extra?: { cancel?: { subscribers: number } } }).extra?.cancel;
    assert.equal(state?.subscribers ?? 0, 0);
    assert.equal((deadline as unknown as { state: { subscribers: number } }).state.subscribers, 0);
    await owner.kill();
    assert.equal(clock.pendingTimers, 0);
  }));

test("arming a wait that settled already arms nothing: no timer, no abort registration", () =>
  withVirtualClock(async (clock) => {
    const { Waiter } = await import("../../src/core/waiter.js");
    const controller = new AbortController();
    const waiter = new Waiter<string>(() => undefined);
    waiter.resolve("done");
    waiter.arm(1000, controller.signal);
    assert.equal(clock.pendingTimers, 0);
    assert.equal(getEventListeners(controller.signal, "abort").length, 0);
    assert.equal(await waiter.promise, "done");
  }));
