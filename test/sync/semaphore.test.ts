import { test } from "node:test";
import assert from "node:assert/strict";
import { GreenletExit, TimeoutError, iwait, spawn, wait } from "../../src/index.js";
import { BoundedSemaphore, Lock, Semaphore } from "../../src/sync/index.js";
import { installVirtualClock } from "../../src/testing/index.js";

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Queued acquirers: white-box, for "leaves the queue". */
function queued(sem: Semaphore): number {
  return (sem as unknown as { acquirers: { size: number } }).acquirers.size;
}

test("Semaphore defaults to one slot; acquire takes it at once and release gives it back", async () => {
  const sem = new Semaphore();
  assert.equal(sem.counter, 1);
  assert.equal(sem.locked(), false);
  assert.equal(sem.ready(), true);
  assert.equal(await sem.acquire(), true);
  assert.equal(sem.counter, 0);
  assert.equal(sem.locked(), true);
  assert.equal(sem.ready(), false);
  assert.equal(sem.release(), 1);
  assert.equal(sem.locked(), false);
  assert.equal(String(sem), "<Semaphore counter=1 queued=0>");
});

test("Semaphore(0) is legal and admits nobody until a release", async () => {
  const sem = new Semaphore(0);
  assert.equal(sem.locked(), true);
  assert.equal(await sem.acquire({ blocking: false }), false);
  const acquiring = sem.acquire();
  assert.equal(sem.release(), 0);
  assert.equal(await acquiring, true);
});

test("the Semaphore constructors reject values that are not integers ≥ 0, naming the class", () => {
  assert.throws(() => new Semaphore(-1), { name: "RangeError", message: "Semaphore(): expected value to be an integer ≥ 0, got -1 (number)" });
  assert.throws(() => new Semaphore(1.5), { name: "RangeError", message: "Semaphore(): expected value to be an integer ≥ 0, got 1.5 (number)" });
  assert.throws(() => new Semaphore(NaN), { name: "RangeError", message: "Semaphore(): expected value to be an integer ≥ 0, got NaN (number)" });
  assert.throws(() => new Semaphore(Infinity), { name: "RangeError", message: "Semaphore(): expected value to be an integer ≥ 0, got Infinity (number)" });
  assert.throws(() => new Semaphore("2" as unknown as number), {
    name: "TypeError",
    message: 'Semaphore(): expected value to be an integer ≥ 0, got "2" (string)',
  });
  assert.throws(() => new BoundedSemaphore(-3), {
    name: "RangeError",
    message: "BoundedSemaphore(): expected value to be an integer ≥ 0, got -3 (number)",
  });
});

test("release() hands the slot straight to the oldest queued acquirer: the counter stays 0", async () => {
  const sem = new Semaphore(1);
  await sem.acquire();
  const order: string[] = [];
  const waits = ["a", "b", "c"].map((name) => sem.acquire().then((ok) => order.push(`${name} ${ok}`)));
  assert.equal(queued(sem), 3);
  assert.equal(sem.release(), 0);
  assert.equal(sem.counter, 0);
  assert.equal(sem.locked(), true);
  assert.equal(sem.release(), 0);
  assert.equal(sem.release(), 0);
  await Promise.all(waits);
  assert.deepEqual(order, ["a true", "b true", "c true"]);
  assert.equal(sem.release(), 1);
});

test("a non-blocking acquire never takes a slot owed to a queued acquirer", async () => {
  const sem = new Semaphore(1);
  await sem.acquire();
  let first: boolean | undefined;
  const acquiring = sem.acquire().then((ok) => (first = ok));
  sem.release();
  // The queued acquirer has not run yet, but the slot is already its own.
  assert.equal(first, undefined);
  assert.equal(await sem.acquire({ blocking: false }), false);
  await acquiring;
  assert.equal(first, true);
  assert.equal(sem.counter, 0);
});

test("acquirers are served in arrival order, blocking, timed and abortable alike", async () => {
  const clock = installVirtualClock();
  try {
    const sem = new Semaphore(0);
    const order: string[] = [];
    const controller = new AbortController();
    const waits = [
      sem.acquire().then(() => order.push("plain 1")),
      sem.acquire({ timeout: 1000 }).then(() => order.push("timed 2")),
      sem.acquire({ signal: controller.signal }).then(() => order.push("signal 3")),
      sem.acquire().then(() => order.push("plain 4")),
    ];
    for (let i = 0; i < 4; i++) sem.release();
    await Promise.all(waits);
    assert.deepEqual(order, ["plain 1", "timed 2", "signal 3", "plain 4"]);
    assert.equal(clock.pendingTimers, 0);
  } finally {
    clock.uninstall();
  }
});

test("Semaphore.acquire resolves false on its own timeout, takes no slot and leaves the queue", async () => {
  const clock = installVirtualClock();
  try {
    const sem = new Semaphore(0);
    let outcome: boolean | undefined;
    const acquiring = sem.acquire({ timeout: 100 }).then((ok) => (outcome = ok));
    const later = sem.acquire();
    await clock.advance(99);
    assert.equal(outcome, undefined);
    await clock.advance(1);
    await acquiring;
    assert.equal(outcome, false);
    assert.equal(queued(sem), 1);
    assert.equal(clock.pendingTimers, 0);
    assert.equal(sem.release(), 0); // to the later acquirer, not the timed-out one
    assert.equal(await later, true);
    assert.equal(sem.release(), 1);
  } finally {
    clock.uninstall();
  }
});

test("an aborted acquire rejects with exactly the signal's reason, takes no slot and leaves the queue", async () => {
  const clock = installVirtualClock();
  try {
    const sem = new Semaphore(0);
    const controller = new AbortController();
    const reason = new Error("no longer needed");
    const aborted = sem.acquire({ timeout: 5000, signal: controller.signal });
    const next = sem.acquire();
    controller.abort(reason);
    await assert.rejects(aborted, (e) => e === reason);
    assert.equal(queued(sem), 1);
    assert.equal(clock.pendingTimers, 0);
    sem.release();
    assert.equal(await next, true);
    assert.equal(sem.counter, 0);
  } finally {
    clock.uninstall();
  }
});

test("an already-aborted signal rejects acquire at once even with a slot free, and takes nothing", async () => {
  const sem = new Semaphore(2);
  const reason = new Error("aborted before");
  const signal = AbortSignal.abort(reason);
  await assert.rejects(sem.acquire({ signal }), (e) => e === reason);
  await assert.rejects(sem.acquire({ blocking: false, signal }), (e) => e === reason);
  await assert.rejects(sem.wait({ signal }), (e) => e === reason);
  assert.equal(sem.counter, 2);
});

test("a kill of the greenlet queued on a Semaphore lands at acquire at once, and no slot leaks", async () => {
  const sem = new Semaphore(1);
  await sem.acquire();
  const reason = new Error("killed while queued");
  const g = spawn(async (g) => {
    await sem.acquire({ signal: g });
    return "acquired";
  });
  const h = spawn(async (g) => {
    await sem.acquire({ signal: g });
    sem.release();
    return "acquired";
  });
  await turn();
  assert.equal(queued(sem), 2);
  assert.equal(await g.kill({ exception: reason }), true);
  assert.equal(g.exception, reason);
  assert.equal(queued(sem), 1);
  sem.release();
  assert.equal(await h.get(), "acquired");
  assert.equal(sem.counter, 1);

  const k = spawn(async (g) => sem.acquire({ timeout: 10_000, signal: g }));
  const holder = await sem.acquire();
  assert.equal(holder, true);
  await turn();
  await k.kill();
  assert.ok((k.value as unknown) instanceof GreenletExit);
  assert.equal(sem.release(), 1);
});

test("BoundedSemaphore throws RangeError on a release beyond its initial value, and the counter stays", async () => {
  const sem = new BoundedSemaphore(2);
  assert.throws(() => sem.release(), {
    name: "RangeError",
    message: "BoundedSemaphore.release(): released more often than acquired (counter is already 2 of 2)",
  });
  assert.equal(sem.counter, 2);
  await sem.acquire();
  assert.equal(sem.release(), 2);
  assert.throws(() => sem.release(), RangeError);
  assert.equal(sem.counter, 2);
});

test("BoundedSemaphore hands off to queued acquirers like Semaphore, and BoundedSemaphore(0) refuses every release", async () => {
  const sem = new BoundedSemaphore(1);
  await sem.acquire();
  const next = sem.acquire();
  assert.equal(sem.release(), 0);
  assert.equal(await next, true);
  assert.equal(sem.release(), 1);

  const none = new BoundedSemaphore(0);
  const waiting = none.acquire({ blocking: false });
  assert.throws(() => none.release(), {
    name: "RangeError",
    message: "BoundedSemaphore.release(): released more often than acquired (counter is already 0 of 0)",
  });
  assert.equal(await waiting, false);
});

test("a plain Semaphore may be released above its initial value", () => {
  const sem = new Semaphore(1);
  assert.equal(sem.release(), 2);
  assert.equal(sem.counter, 2);
});

test("Lock is a BoundedSemaphore of one, and its errors say Lock", async () => {
  const lock = new Lock();
  assert.ok(lock instanceof BoundedSemaphore);
  assert.ok(lock instanceof Semaphore);
  assert.equal(lock.counter, 1);
  assert.equal(await lock.acquire(), true);
  assert.equal(await lock.acquire({ blocking: false }), false);
  assert.equal(lock.release(), 1);
  assert.throws(() => lock.release(), {
    name: "RangeError",
    message: "Lock.release(): released more often than acquired (counter is already 1 of 1)",
  });
  assert.throws(() => lock.acquire({ timeout: -1 }), {
    name: "RangeError",
    message: "Lock.acquire(): expected timeout to be a number of milliseconds ≥ 0 or undefined, got -1 (number)",
  });
  assert.equal(String(lock), "<Lock counter=1 queued=0>");
});

test("Semaphore.wait resolves the counter at once while a slot is free, without taking it", async () => {
  const sem = new Semaphore(3);
  assert.equal(await sem.wait(), 3);
  assert.equal(await sem.wait({ timeout: 0 }), 3);
  assert.equal(sem.counter, 3);
});

test("Semaphore.wait parks until a slot is free and resolves the counter then", async () => {
  const sem = new Semaphore(1);
  await sem.acquire();
  const order: string[] = [];
  const waits = [sem.wait().then((n) => order.push(`a ${n}`)), sem.wait().then((n) => order.push(`b ${n}`))];
  await turn();
  assert.deepEqual(order, []);
  sem.release();
  await Promise.all(waits);
  assert.deepEqual(order, ["a 1", "b 1"]);
  assert.equal(sem.counter, 1);
});

test("a slot handed straight to a queued acquirer does not wake Semaphore.wait", async () => {
  const sem = new Semaphore(1);
  await sem.acquire();
  let woke: number | undefined;
  const waiting = sem.wait().then((n) => (woke = n));
  const acquiring = sem.acquire();
  sem.release();
  assert.equal(await acquiring, true);
  await turn();
  assert.equal(woke, undefined);
  sem.release();
  await waiting;
  assert.equal(woke, 1);
});

test("Semaphore.wait resolves the counter on its own timeout", async () => {
  const clock = installVirtualClock();
  try {
    const sem = new Semaphore(0);
    const waiting = sem.wait({ timeout: 40 });
    await clock.advance(40);
    assert.equal(await waiting, 0);
    assert.equal(clock.pendingTimers, 0);
  } finally {
    clock.uninstall();
  }
});

test("Semaphore.run acquires, runs the function, releases, and returns its value", async () => {
  const sem = new Semaphore(1);
  const value = await sem.run(async () => {
    assert.equal(sem.counter, 0);
    return "done";
  });
  assert.equal(value, "done");
  assert.equal(sem.counter, 1);
  assert.equal(await sem.run(() => 5), 5);
  assert.equal(sem.counter, 1);
});

test("Semaphore.run releases when the function throws or rejects, and passes the error on unchanged", async () => {
  const sem = new BoundedSemaphore(1);
  const thrown = new Error("sync");
  const rejected = new Error("async");
  await assert.rejects(
    sem.run(() => {
      throw thrown;
    }),
    (e) => e === thrown,
  );
  assert.equal(sem.counter, 1);
  await assert.rejects(
    sem.run(async () => {
      throw rejected;
    }),
    (e) => e === rejected,
  );
  assert.equal(sem.counter, 1);
});

test("Lock.run lets one function run at a time, in arrival order", async () => {
  const lock = new Lock();
  const log: string[] = [];
  let inside = 0;
  const job = (name: string) => async () => {
    inside++;
    assert.equal(inside, 1);
    log.push(`${name} in`);
    await turn();
    log.push(`${name} out`);
    inside--;
  };
  await Promise.all([lock.run(job("a")), lock.run(job("b")), lock.run(job("c"))]);
  assert.deepEqual(log, ["a in", "a out", "b in", "b out", "c in", "c out"]);
  assert.equal(lock.counter, 1);
});

test("Semaphore.run rejects TimeoutError without running the function when no slot was taken", async () => {
  const clock = installVirtualClock();
  try {
    const sem = new Semaphore(0);
    let ran = false;
    const fn = (): void => void (ran = true);
    const timed = assert.rejects(sem.run(fn, { timeout: 50 }), (error) => {
      assert.ok(error instanceof TimeoutError);
      assert.equal(error.message, "Semaphore.run(): no slot became free within 50 ms");
      assert.equal(error.ms, 50);
      return true;
    });
    await clock.advance(50);
    await timed;
    await assert.rejects(sem.run(fn, { blocking: false }), {
      name: "TimeoutError",
      message: "Semaphore.run(): no slot is free and blocking is false",
    });
    assert.equal(ran, false);
    assert.equal(sem.counter, 0);
    assert.equal(clock.pendingTimers, 0);
  } finally {
    clock.uninstall();
  }
});

test("Semaphore.run rejects with the signal's reason when aborted while waiting, and the function never runs", async () => {
  const sem = new Semaphore(0);
  const controller = new AbortController();
  const reason = new Error("stop waiting");
  let ran = false;
  const running = sem.run(() => void (ran = true), { signal: controller.signal });
  controller.abort(reason);
  await assert.rejects(running, (e) => e === reason);
  await assert.rejects(
    sem.run(() => void (ran = true), { signal: controller.signal }),
    (e) => e === reason,
  );
  sem.release();
  assert.equal(sem.counter, 1);
  assert.equal(ran, false);
});

test("Semaphore.run does not start the function when its greenlet was killed in the turn the slot was handed over", async () => {
  const sem = new Semaphore(0);
  let ran = false;
  const g = spawn(async (g) => sem.run(() => void (ran = true), { signal: g }));
  await turn();
  sem.release(); // the slot goes to g's run()...
  void g.kill({ block: false }); // ...and g dies before its continuation runs
  await g.join();
  assert.ok((g.value as unknown) instanceof GreenletExit);
  assert.equal(ran, false);
  assert.equal(sem.counter, 1);
});

test("Semaphore.run throws at the call for a function that is not callable", () => {
  const sem = new Semaphore();
  assert.throws(() => sem.run(42 as unknown as () => void), {
    name: "TypeError",
    message: "Semaphore.run(): expected fn to be a function, got 42 (number)",
  });
  assert.throws(() => new Lock().run(undefined as unknown as () => void), {
    name: "TypeError",
    message: "Lock.run(): expected fn to be a function, got undefined",
  });
  assert.equal(sem.counter, 1);
});

test("Semaphore calls reject bad options at the call, naming the call and the argument", () => {
  const sem = new Semaphore();
  assert.throws(() => sem.acquire({ blocking: 0 as unknown as boolean }), {
    name: "TypeError",
    message: "Semaphore.acquire(): expected blocking to be a boolean or undefined, got 0 (number)",
  });
  assert.throws(() => sem.acquire({ timeout: NaN }), {
    name: "RangeError",
    message: "Semaphore.acquire(): expected timeout to be a number of milliseconds ≥ 0 or undefined, got NaN (number)",
  });
  assert.throws(() => sem.acquire({ signal: new Semaphore() as unknown as AbortSignal }), {
    name: "TypeError",
    message: "Semaphore.acquire(): expected signal to be an AbortSignal, a Greenlet or a Timeout, got an instance of Semaphore (object)",
  });
  assert.throws(() => sem.wait("soon" as unknown as undefined), {
    name: "TypeError",
    message: 'Semaphore.wait(): expected options to be an object or undefined, got "soon" (string)',
  });
  assert.throws(() => sem.run(() => 1, { timeout: -2 }), {
    name: "RangeError",
    message: "Semaphore.run(): expected timeout to be a number of milliseconds ≥ 0 or undefined, got -2 (number)",
  });
  assert.equal(sem.counter, 1);
});

test("Semaphore is a waitable for wait() and iwait(): ready while a slot is free", async () => {
  const sem = new Semaphore(1);
  assert.deepEqual(await wait([sem]), [sem]);
  await sem.acquire();
  const waiting = wait([sem], { timeout: 10_000 });
  // A hand-off to an acquirer frees nothing, so it must not notify the watcher.
  const acquiring = sem.acquire();
  sem.release();
  await acquiring;
  await turn();
  sem.release();
  assert.deepEqual(await waiting, [sem]);
  const seen: unknown[] = [];
  for await (const ready of iwait([sem])) seen.push(ready);
  assert.deepEqual(seen, [sem]);
});
