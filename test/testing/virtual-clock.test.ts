import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Event, getClock, sleep, spawn, withTimeout } from "../../src/index.js";
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

  test("a huge duration wakes exactly at its virtual time: sleep(2 ** 33) under autojump", async () => {
    const clock = installVirtualClock({ autojump: true });
    try {
      let wokeAt = -1;
      await sleep(2 ** 33).then(() => (wokeAt = clock.now()));
      assert.equal(wokeAt, 2 ** 33);
    } finally {
      clock.uninstall();
    }
  });

  test("a huge duration does not fire one millisecond early under advance()", async () => {
    const clock = installVirtualClock();
    try {
      let woke = false;
      void sleep(2 ** 33).then(() => (woke = true));
      await clock.advance(2 ** 33 - 1);
      assert.equal(woke, false);
      await clock.advance(1);
      assert.equal(woke, true);
      assert.equal(clock.now(), 2 ** 33);
    } finally {
      clock.uninstall();
    }
  });

  test("clearTimer takes the timer out of the heap: 100,000 waits with a 60 s timeout that settle early leave nothing", async () => {
    const clock = installVirtualClock();
    try {
      const heap = (clock as unknown as { heap: unknown[] }).heap;
      const event = new Event();
      const waits: Promise<boolean>[] = [];
      for (let i = 0; i < 100_000; i++) waits.push(event.wait({ timeout: 60_000 }));
      assert.equal(clock.pendingTimers, 100_000);
      event.set();
      assert.deepEqual(new Set(await Promise.all(waits)), new Set([true]));
      assert.equal(clock.pendingTimers, 0);
      assert.equal(heap.length, 0, "no cleared timer (nor the waiter it holds) stays in the heap");
    } finally {
      clock.uninstall();
    }
  });

  test("timers cleared from anywhere in the heap leave the rest firing in (deadline, arming) order", async () => {
    const clock = installVirtualClock();
    try {
      let seed = 12345;
      const random = (n: number): number => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return seed % n;
      };
      const fired: number[] = [];
      const armed: { id: number; deadline: number; handle: unknown }[] = [];
      for (let id = 0; id < 2000; id++) {
        const deadline = random(500);
        armed.push({ id, deadline, handle: clock.setTimer((n: number) => fired.push(n), deadline, id) });
      }
      const kept = armed.filter((t) => {
        if (random(2) === 0) return true;
        clock.clearTimer(t.handle);
        clock.clearTimer(t.handle); // twice is harmless
        return false;
      });
      assert.equal(clock.pendingTimers, kept.length);
      new VirtualClock().clearTimer(kept[0]!.handle); // another clock's handle is ignored
      assert.equal(clock.pendingTimers, kept.length);
      await clock.runAll();
      const expected = kept.sort((a, b) => a.deadline - b.deadline || a.id - b.id).map((t) => t.id);
      assert.deepEqual(fired, expected);
      assert.equal(clock.pendingTimers, 0);
    } finally {
      clock.uninstall();
    }
  });

  test("autojump cannot be starved by a sleep(0) poller: a 10 ms timeout fires at virtual 10 ms after maxYieldTurns turns", async () => {
    const clock = installVirtualClock({ autojump: true });
    try {
      const event = new Event();
      let polls = 0;
      let done = false;
      const poller = spawn(async () => {
        while (!done) {
          polls++;
          await sleep(0);
        }
      });
      let firedAt = -1;
      let pollsAtTimeout = -1;
      const outcome = await event.wait({ timeout: 10 }).then((v) => {
        firedAt = clock.now();
        pollsAtTimeout = polls;
        done = true;
        return v;
      });
      await poller.join();
      assert.equal(outcome, false);
      assert.equal(firedAt, 10);
      // The clock let 1000 turns that saw a yield pass (the default maxYieldTurns), then jumped on
      // the next: the poller's first poll came before the first of them.
      assert.equal(pollsAtTimeout, 1001);
    } finally {
      clock.uninstall();
    }
  });

  test("maxYieldTurns bounds how long yielding holds the clock: with 5, each deadline fires after five turns of polling", async () => {
    const clock = installVirtualClock({ autojump: true, maxYieldTurns: 5 });
    try {
      let polls = 0;
      let done = false;
      const poller = (async () => {
        while (!done) {
          polls++;
          await sleep(0);
        }
      })();
      const seen: number[] = [];
      for (let i = 0; i < 3; i++) {
        const before = polls;
        await sleep(1);
        seen.push(polls - before);
      }
      done = true;
      await poller;
      assert.equal(clock.now(), 3);
      assert.deepEqual(seen, [6, 6, 6], "five held turns, then the jump, for each deadline");
    } finally {
      clock.uninstall();
    }
  });

  test("new VirtualClock rejects a maxYieldTurns that is not an integer ≥ 0", () => {
    assert.throws(() => new VirtualClock({ maxYieldTurns: -1 }), {
      name: "RangeError",
      message: /^new VirtualClock\(\): expected options\.maxYieldTurns to be an integer ≥ 0, got -1/,
    });
    assert.throws(() => new VirtualClock({ maxYieldTurns: "5" as unknown as number }), { name: "TypeError" });
  });
});
