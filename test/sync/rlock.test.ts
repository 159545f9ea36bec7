import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { GreenletExit, Lock, LockOwnerError, RLock, TimeoutError, sleep, spawn } from "../../src/index.js";
import { withVirtualClock } from "../helpers.js";

describe("RLock", () => {
  test("the owner acquires again without waiting; the lock is free after as many releases", async () => {
    const lock = new RLock();
    const g = spawn((g) => sleep(1000, { signal: g }));
    assert.equal(await lock.acquire({ signal: g }), true);
    assert.equal(await lock.acquire({ signal: g }), true);
    assert.equal(lock.count, 2);
    assert.equal(lock.owner, g);
    lock.release(g);
    assert.equal(lock.locked(), true);
    lock.release(g);
    assert.equal(lock.locked(), false);
    assert.equal(lock.owner, undefined);
    assert.equal(lock.count, 0);
    await g.kill();
  });

  test("another owner waits until the count is back to zero, then holds it", async () => {
    await withVirtualClock(async (clock) => {
      const lock = new RLock();
      const log: string[] = [];
      const a = spawn(async (g) => {
        await lock.run(async () => {
          await lock.run(() => sleep(10), { signal: g }); // nested: does not wait
          log.push(`a inner done at ${clock.now()}`);
          await sleep(5);
        }, { signal: g });
        log.push(`a released at ${clock.now()}`);
      });
      const b = spawn(async (g) => {
        await sleep(1);
        await lock.acquire({ signal: g });
        log.push(`b holds it at ${clock.now()} (count ${lock.count}, owner is b: ${lock.owner === g})`);
        lock.release(g);
      });
      await clock.advance(15);
      await a.join();
      await b.join();
      assert.deepEqual(log, ["a inner done at 10", "a released at 15", "b holds it at 15 (count 1, owner is b: true)"]);
    });
  });

  test("a release by a non-owner throws a LockOwnerError naming both, and changes nothing", async () => {
    const lock = new RLock();
    const holder = { name: "writer" };
    const intruder = { name: "reader" };
    await lock.acquire({ owner: holder });
    assert.throws(() => lock.release(intruder), (error: unknown) => {
      assert.ok(error instanceof LockOwnerError);
      assert.equal(error.name, "LockOwnerError");
      assert.equal(error.message, "RLock.release(): reader released a lock held by writer");
      assert.equal(error.owner, holder);
      assert.equal(error.caller, intruder);
      return true;
    });
    assert.equal(lock.owner, holder);
    assert.equal(lock.count, 1);
    lock.release(holder);
    assert.throws(() => lock.release(holder), { name: "LockOwnerError", message: "RLock.release(): writer released a lock that is not held" });
  });

  test("greenlet owners are named by their greenlet names", async () => {
    const lock = new RLock();
    const a = spawn((g) => sleep(1000, { signal: g }));
    const b = spawn((g) => sleep(1000, { signal: g }));
    a.name = "alpha";
    b.name = "beta";
    await lock.acquire({ signal: a });
    assert.throws(() => lock.release(b), { message: "RLock.release(): beta released a lock held by alpha" });
    assert.equal(String(lock), "<RLock held by alpha count=1>");
    lock.release(a);
    await a.kill();
    await b.kill();
  });

  test("blocking: false and the own timeout resolve false; a kill of the waiting greenlet rejects with its exit", async () => {
    await withVirtualClock(async (clock) => {
      const lock = new RLock();
      const holder = {};
      await lock.acquire({ owner: holder });
      assert.equal(await lock.acquire({ owner: {}, blocking: false }), false);
      const timed = lock.acquire({ owner: {}, timeout: 20 });
      await clock.advance(20);
      assert.equal(await timed, false);
      const waiter = spawn((g) => lock.acquire({ signal: g }));
      await sleep(0);
      await waiter.kill();
      assert.ok(waiter.value instanceof GreenletExit);
      await assert.rejects(lock.run(() => 1, { owner: {}, blocking: false }), TimeoutError);
      lock.release(holder);
      assert.equal(lock.locked(), false);
    }, { autojump: true });
  });

  test("an acquire names an owner, or it is a TypeError", () => {
    const lock = new RLock();
    assert.throws(() => lock.acquire(), {
      name: "TypeError",
      message: "RLock.acquire(): expected owner to be an object, or a Greenlet given as signal, got undefined",
    });
    assert.throws(() => lock.acquire({ signal: new AbortController().signal }), { name: "TypeError" });
    assert.throws(() => lock.run(() => 1, { owner: 3 as never }), {
      name: "TypeError",
      message: "RLock.run(): expected owner to be an object (a Greenlet, or any token), got 3 (number)",
    });
  });
});

describe("Lock with checkOwner", () => {
  test("records the owner and refuses a release by anyone else", async () => {
    const lock = new Lock({ checkOwner: true });
    const me = { name: "me" };
    await lock.acquire({ owner: me });
    assert.equal(lock.owner, me);
    assert.throws(() => lock.release({ name: "you" }), { name: "LockOwnerError", message: "Lock.release(): you released a lock held by me" });
    assert.throws(() => lock.release(), { name: "LockOwnerError", message: "Lock.release(): a caller naming no owner released a lock held by me" });
    lock.release(me);
    assert.equal(lock.owner, undefined);
    assert.equal(lock.locked(), false);
  });

  test("is not re-entrant: a second acquire by the owner waits", async () => {
    const lock = new Lock({ checkOwner: true });
    const me = {};
    await lock.acquire({ owner: me });
    assert.equal(await lock.acquire({ owner: me, blocking: false }), false);
    lock.release(me);
  });

  test("run releases in the owner's name", async () => {
    const lock = new Lock({ checkOwner: true });
    const g = spawn((g) => lock.run(() => (lock.owner === g ? "owned" : "not owned"), { signal: g }));
    assert.equal(await g.get(), "owned");
    assert.equal(lock.locked(), false);
  });

  test("a lock without checkOwner keeps its old behaviour", async () => {
    const lock = new Lock();
    await lock.acquire();
    assert.equal(lock.owner, undefined);
    lock.release();
    assert.throws(() => lock.release(), { name: "RangeError" });
  });

  test("an owner-checked acquire must name an owner; bad options are a TypeError", () => {
    assert.throws(() => new Lock({ checkOwner: true }).acquire(), { name: "TypeError" });
    assert.throws(() => new Lock({ checkOwner: "yes" as never }), {
      name: "TypeError",
      message: "Lock(): expected checkOwner to be a boolean or undefined, got \"yes\" (string)",
    });
  });
});
