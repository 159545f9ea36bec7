import { test } from "node:test";
import assert from "node:assert/strict";
import { getEventListeners } from "node:events";
import { QueueEmptyError } from "../../src/index.js";
import { Queue } from "../../src/queue/index.js";
import { installVirtualClock } from "../../src/testing/index.js";
import { captureWarnings } from "../helpers.js";

const WAITS = 100_000;

test("100,000 sequential gets with timeouts on one long-lived AbortSignal leave no abort listener and raise no warning", async () => {
  const clock = installVirtualClock();
  const warnings = await captureWarnings(async () => {
    try {
      const queue = new Queue<number>();
      const signal = new AbortController().signal;
      let delivered = 0;
      let timedOut = 0;
      for (let i = 0; i < WAITS; i++) {
        const got = queue.get({ timeout: 50, signal });
        if (getEventListeners(signal, "abort").length !== 1) assert.fail(`wait ${i} found ${getEventListeners(signal, "abort").length} listeners`);
        // Every other wait ends by its own timeout, the rest by an item: both ways of settling
        // must remove the listener and clear the timer.
        if (i % 2 === 0) {
          // Observe the rejection before the clock fires it, so it is never unhandled.
          const outcome = got.then(
            () => "resolved",
            (error: unknown) => error,
          );
          await clock.advance(50);
          if ((await outcome) instanceof QueueEmptyError) timedOut++;
        } else {
          queue.putNowait(i);
          if ((await got) === i) delivered++;
        }
      }
      assert.equal(timedOut, WAITS / 2);
      assert.equal(delivered, WAITS / 2);
      assert.equal(getEventListeners(signal, "abort").length, 0);
      assert.equal(clock.pendingTimers, 0);
    } finally {
      clock.uninstall();
    }
  });
  assert.deepEqual(
    warnings.map((w) => w.name),
    [],
  );
});
