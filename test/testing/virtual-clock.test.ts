import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { getClock, sleep, withTimeout } from "../../src/index.js";
import { VirtualClock, installVirtualClock, realClock } from "../../src/testing/index.js";

describe("VirtualClock", () => {
  test("install replaces the library's clock and uninstall puts the previous one back", () => {
    const clock = new VirtualClock({ now: 1000 });
    assert.equal(getClock(), realClock);
    clock.install();
    assert.equal(getClock(), clock);
    assert.equal(clock.now(), 1000);
    clock.uninstall();
    assert.equal(getClock(), realClock);
  });

  test("advance fires due timers in deadline order, and timers armed on the way fire too", async () => {
    const clock = installVirtualClock();
    try {
      const order: string[] = [];
      void sleep(30).then(() => order.push("30"));
      void sleep(10).then(async () => {
        order.push("10");
        await sleep(5);
        order.push("10+5");
      });
      void sleep(20).then(() => order.push("20"));
      await clock.advance(25);
      assert.deepEqual(order, ["10", "10+5", "20"]);
      assert.equal(clock.now(), 25);
      assert.equal(clock.pendingTimers, 1);
      await clock.advance(5);
      assert.deepEqual(order, ["10", "10+5", "20", "30"]);
    } finally {
      clock.uninstall();
    }
  });

  test("timers with the same deadline fire in the order they were armed", async () => {
    const clock = installVirtualClock();
    try {
      const order: number[] = [];
      for (let i = 0; i < 5; i++) void sleep(10).then(() => order.push(i));
      await clock.advance(10);
      assert.deepEqual(order, [0, 1, 2, 3, 4]);
    } finally {
      clock.uninstall();
    }
  });

  test("autojump jumps to the next deadline once nothing else can run: a 10 s timeout takes no wall time", async () => {
    const clock = installVirtualClock({ autojump: true });
    try {
      const started = performance.now();
      const value = await withTimeout(10_000, () => new Promise(() => {}), { timeoutValue: "late" });
      assert.equal(value, "late");
      assert.equal(clock.now(), 10_000);
      assert.ok(performance.now() - started < 5_000, "a virtual 10 s must not take real seconds");
    } finally {
      clock.uninstall();
    }
  });

  test("autojump waits while greenlets keep yielding with sleep(0)", async () => {
    const clock = installVirtualClock({ autojump: true });
    try {
      let spins = 0;
      const spinner = (async () => {
        for (let i = 0; i < 20; i++) {
          spins++;
          await sleep(0);
        }
      })();
      let timeAtWake = -1;
      const sleeper = sleep(100).then(() => (timeAtWake = spins));
      await Promise.all([spinner, sleeper]);
      assert.equal(timeAtWake, 20, "the clock jumped only after the spinner stopped yielding");
    } finally {
      clock.uninstall();
    }
  });

  test("runAll fires every timer; advance rejects a bad duration", async () => {
    const clock = installVirtualClock();
    try {
      const fired: number[] = [];
      void sleep(5).then(() => fired.push(5));
      void sleep(500).then(() => fired.push(500));
      await clock.runAll();
      assert.deepEqual(fired, [5, 500]);
      assert.equal(clock.now(), 500);
      await assert.rejects(clock.advance(-1), { name: "RangeError" });
    } finally {
      clock.uninstall();
    }
  });
});
