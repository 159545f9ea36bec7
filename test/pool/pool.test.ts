import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Greenlet, GreenletExit, PoolFullError, sleep, spawn } from "../../src/index.js";
import { Pool } from "../../src/pool/index.js";
import { deferred, nextTurn, withVirtualClock } from "../helpers.js";

/** A member that holds its slot until `gate` resolves. */
function holder(gate: Promise<void>) {
  return () => gate;
}

describe("capacity and spawn", () => {
  test("spawn resolves at once while slots are free and waits while the pool is full", async () => {
    const pool = new Pool(2);
    const gate = deferred();
    const a = await pool.spawn(holder(gate.promise));
    const b = await pool.spawn(holder(gate.promise));
    assert.equal(pool.full(), true);
    assert.equal(pool.freeCount(), 0);
    let third: Greenlet | undefined;
    const spawning = pool.spawn(() => "third").then((g) => (third = g));
    await nextTurn();
    assert.equal(third, undefined);
    assert.equal(pool.size, 2);
    gate.resolve();
    await spawning;
    assert.equal(await third!.get(), "third");
    assert.ok(a.dead && b.dead);
  });

  test("waiting spawns get slots in the order they asked", async () => {
    const pool = new Pool(1);
    const gates = [deferred(), deferred(), deferred()];
    const order: number[] = [];
    await pool.spawn(holder(gates[0]!.promise));
    const second = pool.spawn(() => void order.push(2));
    const third = pool.spawn(() => void order.push(3));
    gates[0]!.resolve();
    await (await second).join();
    await (await third).join();
    assert.deepEqual(order, [2, 3]);
  });

  test("a slot is released only once the member's cleanup has finished", async () => {
    await withVirtualClock(async (clock) => {
      const pool = new Pool(1);
      const events: string[] = [];
      const started = deferred();
      const member = await pool.spawn(async (g) => {
        started.resolve();
        try {
          await sleep(1000, { signal: g });
        } finally {
          await sleep(50); // cleanup that takes time (its own timer: the greenlet is aborted)
          events.push("cleanup done");
        }
      });
      await started.promise;
      void member.kill({ block: false });
      const next = pool.spawn(() => void events.push("next member ran"));
      await clock.advance(49);
      assert.deepEqual(events, []);
      assert.equal(pool.size, 1);
      await clock.advance(1);
      await (await next).join();
      assert.deepEqual(events, ["cleanup done", "next member ran"]);
    });
  });

  test("killing a full pool kills its members and a waiting spawn then receives a greenlet that never runs", async () => {
    const pool = new Pool(1);
    let ran = false;
    await pool.spawn((g) => sleep(10_000, { signal: g }));
    const waiting = pool.spawn(() => void (ran = true));
    await pool.kill();
    const late = await waiting;
    assert.equal(late.dead, true);
    assert.ok(late.value instanceof GreenletExit);
    assert.equal(ran, false);
    assert.equal(pool.size, 0);
    assert.equal(await pool.join({ timeout: 0 }), true);
  });

  test("Pool(0) admits nothing", async () => {
    await withVirtualClock(async (clock) => {
      const pool = new Pool(0);
      assert.equal(pool.capacity, 0);
      assert.equal(pool.full(), true);
      assert.equal(pool.freeCount(), 0);
      const g = new Greenlet(() => 1);
      await assert.rejects(pool.add(g, { blocking: false }), PoolFullError);
      const available = pool.waitAvailable({ timeout: 10 });
      await clock.advance(10);
      assert.equal(await available, 0);
      assert.equal(pool.size, 0);
    });
  });

  test("Pool(Infinity) never waits and its freeCount is Infinity", async () => {
    const pool = new Pool(Infinity);
    const gate = deferred();
    for (let i = 0; i < 1000; i++) await pool.spawn(holder(gate.promise));
    assert.equal(pool.size, 1000);
    assert.equal(pool.freeCount(), Infinity);
    assert.equal(pool.full(), false);
    gate.resolve();
    await pool.join();
  });

  test("discard frees the member's slot at once for the next waiter", async () => {
    const pool = new Pool(1);
    const gate = deferred();
    const member = await pool.spawn(holder(gate.promise));
    let next: Greenlet | undefined;
    const spawning = pool.spawn(holder(gate.promise)).then((g) => (next = g));
    assert.equal(pool.discard(member), true);
    await spawning;
    assert.equal(pool.has(next!), true);
    assert.equal(pool.has(member), false);
    assert.equal(member.dead, false);
    gate.resolve();
    await member.join();
    await pool.join();
  });

  test("apply waits for a slot and resolves with the value", async () => {
    const pool = new Pool(1);
    const gate = deferred();
    await pool.spawn(holder(gate.promise));
    const applied = pool.apply((_g, a: number) => a * 3, 14);
    gate.resolve();
    assert.equal(await applied, 42);
  });

  test("apply rejects with the GreenletExit of a greenlet that was killed or threw one of its own", async () => {
    const pool = new Pool(2);
    const applied = pool.apply((g) => sleep(10_000, { signal: g }));
    await nextTurn();
    await pool.kill();
    await assert.rejects(applied, GreenletExit);
    const exit = new GreenletExit("quit");
    await assert.rejects(
      pool.apply((): number => {
        throw exit;
      }),
      (e) => e === exit,
    );
  });
});

describe("add", () => {
  test("add admits a greenlet when a slot is free, without starting it; a member already resolves at once", async () => {
    const pool = new Pool(1);
    const g = new Greenlet(() => "ok");
    await pool.add(g);
    await pool.add(g);
    assert.equal(pool.size, 1);
    assert.equal(g.started, false);
    g.start();
    assert.equal(await g.get(), "ok");
    assert.equal(pool.size, 0);
  });

  test("add with blocking: false rejects PoolFullError on a full pool and adds nothing", async () => {
    const pool = new Pool(1);
    const gate = deferred();
    await pool.spawn(holder(gate.promise));
    const g = new Greenlet(() => 1);
    await assert.rejects(pool.add(g, { blocking: false }), {
      name: "PoolFullError",
      message: "Pool.add(): no free slot and blocking is false",
    });
    assert.equal(pool.has(g), false);
    gate.resolve();
    await pool.join();
  });

  test("add rejects PoolFullError on its own timeout and takes no slot", async () => {
    await withVirtualClock(async (clock) => {
      const pool = new Pool(1);
      const gate = deferred();
      await pool.spawn(holder(gate.promise));
      const g = new Greenlet(() => 1);
      const added = assert.rejects(pool.add(g, { timeout: 20 }), {
        name: "PoolFullError",
        message: "Pool.add(): no slot became free within 20 ms",
      });
      await clock.advance(20);
      await added;
      gate.resolve();
      await pool.join();
      assert.equal(pool.has(g), false);
      assert.equal(pool.freeCount(), 1);
      assert.equal(clock.pendingTimers, 0);
    });
  });

  test("an aborted add rejects with the signal's reason and the slot goes to the next waiter", async () => {
    const pool = new Pool(1);
    const gate = deferred();
    await pool.spawn(holder(gate.promise));
    const controller = new AbortController();
    const reason = new Error("gave up");
    const g = new Greenlet(() => "aborted add");
    const added = pool.add(g, { signal: controller.signal });
    const after = pool.spawn(() => "after");
    controller.abort(reason);
    await assert.rejects(added, (e) => e === reason);
    gate.resolve();
    const next = await after;
    assert.equal(await next.get(), "after");
    assert.equal(pool.has(g), false);
  });

  test("add with a greenlet as signal rejects with its kill reason", async () => {
    const pool = new Pool(0);
    const producer = spawn(async (g) => {
      await pool.add(new Greenlet(() => 1), { signal: g });
    });
    await nextTurn();
    await producer.kill();
    assert.ok(producer.value instanceof GreenletExit);
  });

  test("an already aborted signal rejects even when a slot is free", async () => {
    const pool = new Pool(1);
    const reason = new Error("already");
    await assert.rejects(pool.add(new Greenlet(() => 1), { signal: AbortSignal.abort(reason) }), (e) => e === reason);
    await assert.rejects(pool.waitAvailable({ signal: AbortSignal.abort(reason) }), (e) => e === reason);
    assert.equal(pool.size, 0);
  });
});

describe("waitAvailable", () => {
  test("waitAvailable resolves the free count at once when a slot is free", async () => {
    assert.equal(await new Pool(3).waitAvailable(), 3);
  });

  test("waitAvailable waits for a slot without taking it, behind the producers queued before it", async () => {
    const pool = new Pool(1);
    const gates = [deferred(), deferred()];
    await pool.spawn(holder(gates[0]!.promise));
    const order: string[] = [];
    const spawned = pool.spawn(holder(gates[1]!.promise)).then((g) => {
      order.push("spawn");
      return g;
    });
    const available = pool.waitAvailable().then((n) => order.push(`available ${n}`));
    gates[0]!.resolve();
    await spawned;
    await nextTurn();
    assert.deepEqual(order, ["spawn"]);
    gates[1]!.resolve();
    await available;
    assert.deepEqual(order, ["spawn", "available 1"]);
  });

  test("waitAvailable resolves the free count (0) on its own timeout and rejects on abort", async () => {
    await withVirtualClock(async (clock) => {
      const pool = new Pool(1);
      const gate = deferred();
      await pool.spawn(holder(gate.promise));
      const timed = pool.waitAvailable({ timeout: 5 });
      await clock.advance(5);
      assert.equal(await timed, 0);
      const controller = new AbortController();
      const aborted = pool.waitAvailable({ signal: controller.signal });
      controller.abort("why");
      await assert.rejects(aborted, (e) => e === "why");
      gate.resolve();
      await pool.join();
      assert.equal(clock.pendingTimers, 0);
    });
  });
});

describe("bad input", () => {
  test("new Pool rejects a capacity that is not an integer ≥ 0 or Infinity", () => {
    const expectation = "expected capacity to be an integer ≥ 0 or Infinity";
    assert.throws(() => new Pool(-1), { name: "RangeError", message: `new Pool(): ${expectation}, got -1 (number)` });
    assert.throws(() => new Pool(1.5), { name: "RangeError", message: `new Pool(): ${expectation}, got 1.5 (number)` });
    assert.throws(() => new Pool(NaN), { name: "RangeError", message: `new Pool(): ${expectation}, got NaN (number)` });
    assert.throws(() => new Pool(-Infinity), { name: "RangeError", message: `new Pool(): ${expectation}, got -Infinity (number)` });
    assert.throws(() => new Pool("4" as never), { name: "TypeError", message: `new Pool(): ${expectation}, got "4" (string)` });
    assert.throws(() => new (Pool as new () => Pool)(), { name: "TypeError", message: `new Pool(): ${expectation}, got undefined` });
  });

  test("Pool calls reject bad arguments at the call", () => {
    const pool = new Pool(1);
    assert.throws(() => pool.spawn("f" as never), { name: "TypeError", message: 'Pool.spawn(): expected fn to be a function, got "f" (string)' });
    assert.throws(() => pool.add(42 as never), { name: "TypeError", message: "Pool.add(): expected g to be a Greenlet, got 42 (number)" });
    assert.throws(() => pool.add(new Greenlet(() => 1), { timeout: -5 }), { name: "RangeError", message: /^Pool\.add\(\): expected timeout/ });
    assert.throws(() => pool.add(new Greenlet(() => 1), { signal: "x" as never }), {
      name: "TypeError",
      message: 'Pool.add(): expected signal to be an AbortSignal, a Greenlet or a Timeout, got "x" (string)',
    });
    assert.throws(() => pool.waitAvailable({ timeout: "1" as never }), { name: "TypeError", message: /^Pool\.waitAvailable\(\): expected timeout/ });
    assert.throws(() => pool.map(1 as never, []), { name: "TypeError", message: "Pool.map(): expected fn to be a function, got 1 (number)" });
    assert.throws(() => pool.apply(undefined as never), { name: "TypeError", message: "Pool.apply(): expected fn to be a function, got undefined" });
  });
});
