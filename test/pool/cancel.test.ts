// Cancellation of the waits a group or pool makes its caller do: map/imap/imapUnordered with
// { signal, timeout }, and spawnWith({ signal, timeout, blocking }, fn, ...args).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { getEventListeners } from "node:events";
import { Greenlet, GreenletExit, TimeoutError, sleep, spawn, withTimeout } from "../../src/index.js";
import { Group, Pool } from "../../src/pool/index.js";
import { Queue } from "../../src/queue/index.js";
import { captureReports, captureWarnings, deferred, nextTurn, withVirtualClock } from "../helpers.js";

/** A mapped function that sleeps `ms` on the (virtual) clock, then returns `ms`. */
const sleeper = async (g: Greenlet<number>, ms: number): Promise<number> => {
  await sleep(ms, { signal: g });
  return ms;
};

/** Item 1 finishes on the next turn; every other item sleeps 10 s. */
const oneFast = async (g: Greenlet<number>, n: number): Promise<number> => {
  await sleep(n === 1 ? 0 : 10_000, { signal: g });
  return n;
};

const identity = (_g: Greenlet<number>, n: number): number => n;

/** A greenlet function that holds its slot until `gate` resolves. */
const holder = (gate: Promise<void>) => (): Promise<void> => gate;

/** How many waits are registered on a greenlet used as a signal, and whether it made an AbortSignal. */
function registrations(g: Greenlet<any>): { waits: number; abortSignal: boolean } {
  const extra = (g as unknown as { extra?: { cancel?: { subscribers: number }; controller?: AbortController } }).extra;
  return { waits: extra?.cancel?.subscribers ?? 0, abortSignal: extra?.controller !== undefined };
}

/** True when a slot of `pool` can be taken at once, that is, free and no claim queued before it. */
async function slotFreeNow(pool: Pool): Promise<boolean> {
  const probe = new Greenlet(() => undefined);
  try {
    await pool.add(probe, { blocking: false });
  } catch {
    return false;
  }
  pool.discard(probe);
  return true;
}

describe("map with signal and timeout", () => {
  test("map rejects with the signal's reason, unchanged, kills the workers it started and closes the source", async () => {
    const pool = new Pool(2);
    const controller = new AbortController();
    const reason = new Error("caller gave up");
    let closed = false;
    function* source(): Generator<number> {
      try {
        for (let i = 1; ; i++) yield i * 1000;
      } finally {
        closed = true;
      }
    }
    const mapped = pool.map(sleeper, source(), { signal: controller.signal });
    await nextTurn();
    const workers = [...pool];
    assert.equal(workers.length, 2);
    assert.equal(getEventListeners(controller.signal, "abort").length, 1);
    controller.abort(reason);
    await assert.rejects(mapped, (e) => e === reason);
    await pool.join();
    assert.ok(workers.every((g) => g.value instanceof GreenletExit));
    assert.equal(closed, true);
    assert.equal(getEventListeners(controller.signal, "abort").length, 0);
    assert.equal(await slotFreeNow(pool), true);
  });

  test("map rejects with a TimeoutError naming the call on its own timeout, and clears its timer", () =>
    withVirtualClock(async (clock) => {
      const group = new Group();
      const mapped = assert.rejects(group.map(sleeper, [50, 500, 5000], { timeout: 100 }), (e: unknown) => {
        assert.ok(e instanceof TimeoutError);
        assert.equal(e.message, "Group.map(): timed out after 100 ms");
        assert.equal(e.ms, 100);
        return true;
      });
      await clock.advance(100);
      await mapped;
      assert.equal(group.size, 0); // the workers not started yet died synchronously; sleeping ones too
      await group.join();
      assert.equal(clock.pendingTimers, 0);
    }));

  test("map that finishes in time clears its timer and its registration", () =>
    withVirtualClock(
      async (clock) => {
        const controller = new AbortController();
        assert.deepEqual(await new Pool(2).map(sleeper, [30, 10, 20], { signal: controller.signal, timeout: 1000 }), [30, 10, 20]);
        assert.equal(clock.pendingTimers, 0);
        assert.equal(getEventListeners(controller.signal, "abort").length, 0);
      },
      { autojump: true },
    ));

  test("map with an already aborted signal rejects at once and reads nothing from its source", async () => {
    const reason = new Error("already");
    let read = false;
    function* source(): Generator<number> {
      read = true;
      yield 1;
    }
    const group = new Group();
    await assert.rejects(group.map(sleeper, source(), { signal: AbortSignal.abort(reason) }), (e) => e === reason);
    assert.equal(read, false);
    assert.equal(group.size, 0);
  });

  test("a map in a greenlet given { signal: g } ends with g's kill and kills its workers, with no AbortSignal made", async () => {
    const pool = new Pool(3);
    const parent = spawn(async (g) => pool.map(sleeper, [10_000, 20_000, 30_000, 40_000], { signal: g }));
    await nextTurn();
    assert.equal(pool.size, 3);
    assert.deepEqual(registrations(parent), { waits: 1, abortSignal: false });
    await parent.kill();
    assert.ok(parent.value instanceof GreenletExit);
    await pool.join();
    assert.equal(pool.size, 0);
    assert.deepEqual(registrations(parent), { waits: 0, abortSignal: false });
  });

  test("an aborted map over a Queue withdraws its pending get and takes no later item", async () => {
    const queue = new Queue<number>();
    const controller = new AbortController();
    const mapped = new Group().map(identity, queue, { signal: controller.signal });
    await nextTurn();
    controller.abort("stop");
    await assert.rejects(mapped, (e) => e === "stop");
    queue.putNowait(7);
    await nextTurn();
    assert.equal(queue.qsize(), 1);
  });
});

describe("imap and imapUnordered with signal and timeout", () => {
  test("withTimeout around a for-await over imapUnordered, handing it its signal, stops the loop and kills the workers it started", () =>
    withVirtualClock(async (clock) => {
      const pool = new Pool(2);
      const seen: number[] = [];
      const ended: string[] = [];
      const task = async (g: Greenlet<number>, ms: number): Promise<number> => {
        try {
          await sleep(ms, { signal: g });
        } catch (error) {
          ended.push(`${ms} ${error instanceof GreenletExit ? "killed" : "failed"}`);
          throw error;
        }
        ended.push(`${ms} done`);
        return ms;
      };
      const looped = withTimeout(250, async (signal) => {
        for await (const ms of pool.imapUnordered(task, [100, 1000, 200, 3000, 50], { signal })) seen.push(ms);
      });
      const rejected = assert.rejects(looped, (e: unknown) => e instanceof TimeoutError && e.message === "withTimeout(): timed out after 250 ms");
      await clock.advance(250);
      await rejected;
      await pool.join();
      assert.deepEqual(seen, [100]); // 200 started at 100 and needs until 300
      assert.deepEqual(ended, ["100 done", "1000 killed", "200 killed"]);
      assert.equal(pool.size, 0);
      assert.equal(await slotFreeNow(pool), true);
      assert.equal(clock.pendingTimers, 0);
    }));

  test("killing the greenlet that loops over imapUnordered with { signal: g } ends the loop with its GreenletExit and kills the workers", async () => {
    const group = new Group();
    const seen: number[] = [];
    const looping = spawn(async (g) => {
      for await (const x of group.imapUnordered(oneFast, [1, 2, 3], { signal: g })) {
        seen.push(x);
      }
      return "loop ended normally";
    });
    await nextTurn();
    await nextTurn();
    assert.deepEqual(seen, [1]);
    const workers = [...group];
    assert.equal(workers.length, 2);
    assert.equal(await looping.kill(), true);
    assert.ok(looping.value instanceof GreenletExit);
    await group.join();
    assert.ok(workers.every((w) => w.value instanceof GreenletExit));
    assert.deepEqual(registrations(looping), { waits: 0, abortSignal: false });
  });

  test("imap's own timeout counts from the first next() and makes the pending next() reject with a TimeoutError", () =>
    withVirtualClock(async (clock) => {
      const group = new Group();
      const it = group.imap(sleeper, [10, 500], { timeout: 100 });
      await clock.advance(1000); // before the first next(): nothing runs, no timer
      assert.equal(clock.pendingTimers, 0);
      const first = it.next();
      await clock.advance(10);
      assert.deepEqual(await first, { done: false, value: 10 });
      const pending = assert.rejects(it.next(), (e: unknown) => e instanceof TimeoutError && e.message === "Group.imap(): timed out after 100 ms");
      await clock.advance(89);
      assert.equal(group.size, 1); // 99 ms after the first next(): still running
      await clock.advance(1);
      await pending;
      assert.deepEqual(await it.next(), { done: true, value: undefined });
      await group.join();
      assert.equal(clock.pendingTimers, 0);
    }));

  test("an aborted imap rejects its next() with the reason, unchanged, even with a value ready, then is done", async () => {
    const group = new Group();
    const controller = new AbortController();
    const it = group.imap(identity, [1, 2, 3], { signal: controller.signal });
    assert.deepEqual(await it.next(), { done: false, value: 1 });
    await nextTurn(); // 2 and 3 are ready and waiting for the consumer
    controller.abort("enough");
    await assert.rejects(it.next(), (e) => e === "enough");
    assert.deepEqual(await it.next(), { done: true, value: undefined });
    assert.equal(getEventListeners(controller.signal, "abort").length, 0);
  });

  test("imap with an already aborted signal starts nothing and rejects its first next()", async () => {
    const group = new Group();
    const it = group.imap(sleeper, [1, 2], { signal: AbortSignal.abort("no") });
    await assert.rejects(it.next(), (e) => e === "no");
    assert.equal(group.size, 0);
    assert.deepEqual(await it.next(), { done: true, value: undefined });
  });

  test("an imap never started holds no registration on its signal", async () => {
    const controller = new AbortController();
    new Group().imapUnordered(sleeper, [1], { signal: controller.signal });
    assert.equal(getEventListeners(controller.signal, "abort").length, 0);
  });

  test("a failure imap held and never threw is reported to the hub when the signal ends the loop", async () => {
    await withVirtualClock(async (clock) => {
      const boom = new Error("held");
      const controller = new AbortController();
      const group = new Group();
      const reports = await captureReports(async () => {
        const it = group.imap(async (g, ms: number) => {
          await sleep(ms, { signal: g });
          if (ms === 10) throw boom;
          return ms;
        }, [30, 10], { signal: controller.signal });
        const first = assert.rejects(it.next(), (e) => e === "stop");
        await clock.advance(10);
        controller.abort("stop");
        await first;
        await group.join();
        await nextTurn();
      });
      assert.deepEqual(
        reports.map((r) => r.error),
        [boom],
      );
    });
  });

  test("breaking out of an imapUnordered loop in a full pool kills its workers and leaves no claim queued", async () => {
    const pool = new Pool(2);
    const controller = new AbortController();
    const seen: number[] = [];
    for await (const x of pool.imapUnordered(oneFast, [1, 2, 3, 4, 5], { signal: controller.signal })) {
      seen.push(x);
      break;
    }
    assert.deepEqual(seen, [1]);
    assert.equal(getEventListeners(controller.signal, "abort").length, 0);
    await pool.join();
    assert.equal(pool.size, 0);
    assert.equal(await slotFreeNow(pool), true);
  });

  test("one long-lived AbortSignal over 20,000 items of one imapUnordered holds one listener throughout and none after", async () => {
    const warnings = await captureWarnings(async () => {
      const pool = new Pool(8);
      const signal = new AbortController().signal;
      const items = Array.from({ length: 20_000 }, (_, i) => i);
      let sum = 0;
      for await (const x of pool.imapUnordered(identity, items, { signal, timeout: 60_000 })) {
        sum += x;
        if (getEventListeners(signal, "abort").length !== 1) assert.fail(`item ${x}: ${getEventListeners(signal, "abort").length} listeners`);
      }
      assert.equal(sum, (20_000 * 19_999) / 2);
      assert.equal(getEventListeners(signal, "abort").length, 0);
    });
    assert.deepEqual(
      warnings.map((w) => w.name),
      [],
    );
  });

  test("2,000 loops on one long-lived AbortSignal, each left early or ended by its timeout, leave no listener, no timer and no warning", () =>
    withVirtualClock(async (clock) => {
      const warnings = await captureWarnings(async () => {
        const pool = new Pool(4);
        const signal = new AbortController().signal;
        let broke = 0;
        let timedOut = 0;
        for (let i = 0; i < 2000; i++) {
          const items = [0, 5, 1000, 1000, 1000, 1000];
          const loop = (async () => {
            for await (const ms of pool.imapUnordered(sleeper, items, { signal, timeout: 100 })) {
              if (ms === 5 && i % 2 === 0) {
                broke++;
                break;
              }
            }
          })();
          if (i % 2 === 1) {
            const ended = loop.catch((e: unknown) => {
              if (e instanceof TimeoutError) timedOut++;
              else throw e;
            });
            await clock.advance(100);
            await ended;
          } else {
            await clock.advance(5);
            await loop;
          }
          await pool.join();
        }
        assert.equal(broke, 1000);
        assert.equal(timedOut, 1000);
        assert.deepEqual(getEventListeners(signal, "abort"), []);
        assert.equal(clock.pendingTimers, 0);
        assert.equal(await slotFreeNow(pool), true);
      });
      assert.deepEqual(
        warnings.map((w) => w.name),
        [],
      );
    }));
});

describe("spawnWith", () => {
  test("Pool.spawnWith resolves with a started member at once while a slot is free", async () => {
    const pool = new Pool(1);
    const gate = deferred();
    const g = await pool.spawnWith({ timeout: 10 }, async (_g, a: number, b: number) => (await gate.promise, a + b), 2, 3);
    assert.equal(pool.has(g), true);
    gate.resolve();
    assert.equal(await g.get(), 5);
  });

  test("an aborted Pool.spawnWith waiting for a slot rejects with the reason, takes no slot and starts nothing; the slot goes to the next waiter", async () => {
    const pool = new Pool(1);
    const gate = deferred();
    await pool.spawn(holder(gate.promise));
    const controller = new AbortController();
    let ran = false;
    const aborted = pool.spawnWith({ signal: controller.signal }, () => void (ran = true));
    const after = pool.spawn(() => "after");
    controller.abort("gave up");
    await assert.rejects(aborted, (e) => e === "gave up");
    assert.equal(getEventListeners(controller.signal, "abort").length, 0);
    gate.resolve();
    const next = await after;
    assert.equal(await next.get(), "after");
    await pool.join();
    assert.equal(ran, false);
  });

  test("Pool.spawnWith rejects PoolFullError on its own timeout, takes no slot and starts nothing", () =>
    withVirtualClock(async (clock) => {
      const pool = new Pool(1);
      const gate = deferred();
      await pool.spawn(holder(gate.promise));
      let ran = false;
      const timed = assert.rejects(
        pool.spawnWith({ timeout: 20 }, () => void (ran = true)),
        { name: "PoolFullError", message: "Pool.spawnWith(): no slot became free within 20 ms" },
      );
      await clock.advance(20);
      await timed;
      assert.equal(clock.pendingTimers, 0);
      gate.resolve();
      await pool.join();
      assert.equal(ran, false);
      assert.equal(await slotFreeNow(pool), true);
    }));

  test("Pool.spawnWith with blocking: false rejects PoolFullError at once on a full pool", async () => {
    const pool = new Pool(0);
    await assert.rejects(pool.spawnWith({ blocking: false }, () => 1), {
      name: "PoolFullError",
      message: "Pool.spawnWith(): no free slot and blocking is false",
    });
    assert.equal(pool.size, 0);
  });

  test("Pool.spawnWith given the producer greenlet stops waiting when the producer is killed", async () => {
    const pool = new Pool(0);
    let ran = false;
    const producer = spawn(async (g) => {
      await pool.spawnWith({ signal: g }, () => void (ran = true));
    });
    await nextTurn();
    assert.deepEqual(registrations(producer), { waits: 1, abortSignal: false });
    await producer.kill();
    assert.ok(producer.value instanceof GreenletExit);
    assert.deepEqual(registrations(producer), { waits: 0, abortSignal: false });
    assert.equal(ran, false);
    assert.equal(pool.size, 0);
  });

  test("an already aborted signal rejects spawnWith even with a slot free, on a pool and on a group", async () => {
    const reason = new Error("already");
    const pool = new Pool(1);
    const group = new Group();
    await assert.rejects(pool.spawnWith({ signal: AbortSignal.abort(reason) }, () => 1), (e) => e === reason);
    await assert.rejects(group.spawnWith({ signal: AbortSignal.abort(reason) }, () => 1), (e) => e === reason);
    assert.equal(pool.size, 0);
    assert.equal(group.size, 0);
  });

  test("Group.spawnWith spawns a member at once, whatever its timeout", async () => {
    const group = new Group();
    const gate = deferred();
    const g = await group.spawnWith({ timeout: 0, blocking: false }, async (_g, word: string) => (await gate.promise, word.toUpperCase()), "hi");
    assert.equal(group.has(g), true);
    gate.resolve();
    assert.equal(await g.get(), "HI");
  });
});

describe("bad options", () => {
  test("map, imap, imapUnordered and spawnWith reject bad options at the call, naming the call", () => {
    const pool = new Pool(1);
    const group = new Group();
    assert.throws(() => pool.map(sleeper, [], { timeout: -1 }), { name: "RangeError", message: /^Pool\.map\(\): expected timeout/ });
    assert.throws(() => group.map(sleeper, [], { signal: "x" as never }), {
      name: "TypeError",
      message: 'Group.map(): expected signal to be an AbortSignal, a Greenlet or a Timeout, got "x" (string)',
    });
    assert.throws(() => group.map(sleeper, [], 5 as never), { name: "TypeError", message: "Group.map(): expected options to be an object or undefined, got 5 (number)" });
    assert.throws(() => pool.imap(sleeper, [], { timeout: NaN }), { name: "RangeError", message: /^Pool\.imap\(\): expected timeout/ });
    assert.throws(() => group.imapUnordered(sleeper, [], { signal: {} as never }), { name: "TypeError", message: /^Group\.imapUnordered\(\): expected signal/ });
    assert.throws(() => pool.spawnWith({ timeout: -5 }, () => 1), { name: "RangeError", message: /^Pool\.spawnWith\(\): expected timeout/ });
    assert.throws(() => pool.spawnWith(null as never, () => 1), {
      name: "TypeError",
      message: "Pool.spawnWith(): expected options to be an object or undefined, got null",
    });
    assert.throws(() => pool.spawnWith({}, "f" as never), { name: "TypeError", message: 'Pool.spawnWith(): expected fn to be a function, got "f" (string)' });
    // Bad input wins over an aborted signal: the call throws rather than rejecting.
    assert.throws(() => group.spawnWith({ signal: AbortSignal.abort() }, 1 as never), {
      name: "TypeError",
      message: "Group.spawnWith(): expected fn to be a function, got 1 (number)",
    });
    assert.throws(() => group.spawnWith({ signal: 1 as never }, () => 1), { name: "TypeError", message: /^Group\.spawnWith\(\): expected signal/ });
  });
});
