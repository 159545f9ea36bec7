// Principle 5: waits on an AbortSignal share one abort listener per signal, removed with the last
// wait, so a long-lived signal shared by many sequential waits collects nothing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { getEventListeners } from "node:events";
import { Event, Semaphore } from "../../src/sync/index.js";
import { installVirtualClock } from "../../src/testing/index.js";
import { captureWarnings } from "../helpers.js";

const N = 100_000;

test("100,000 sequential waits on one long-lived AbortSignal leave no abort listener and raise no MaxListenersExceededWarning", async () => {
  const clock = installVirtualClock();
  const warnings = await captureWarnings(async () => {
    try {
      const signal = new AbortController().signal;
      const event = new Event();
      const sem = new Semaphore(1);
      let woken = 0;
      let acquired = 0;
      let timedOut = 0;
      for (let i = 0; i < N; i++) {
        // Event.wait with a timeout, settled by set() (and every 1000th by its own timeout).
        const waiting = event.wait({ timeout: 1000, signal });
        assert.equal(getEventListeners(signal, "abort").length, 1);
        if (i % 1000 === 999) {
          await clock.advance(1000);
          if (!(await waiting)) timedOut++;
        } else {
          event.set();
          if (await waiting) woken++;
          event.clear();
        }
        // Semaphore.acquire with a timeout, settled by a hand-off (and every 1000th by its own timeout).
        await sem.acquire();
        const acquiring = sem.acquire({ timeout: 1000, signal });
        if (i % 1000 === 999) {
          await clock.advance(1000);
          if (!(await acquiring)) timedOut++;
          sem.release();
        } else {
          sem.release();
          if (await acquiring) acquired++;
          sem.release();
        }
      }
      assert.equal(woken, N - N / 1000);
      assert.equal(acquired, N - N / 1000);
      assert.equal(timedOut, 2 * (N / 1000));
      assert.equal(sem.counter, 1);
      assert.deepEqual(getEventListeners(signal, "abort"), []);
      assert.equal(clock.pendingTimers, 0);
    } finally {
      clock.uninstall();
    }
  });
  assert.deepEqual(
    warnings.filter((w) => w.name === "MaxListenersExceededWarning"),
    [],
  );
});
