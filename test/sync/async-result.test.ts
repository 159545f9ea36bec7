import { test } from "node:test";
import assert from "node:assert/strict";
import { GreenletExit, TimeoutError, setErrorHandler, spawn, wait, type ErrorContext } from "../../src/index.js";
import { AsyncResult } from "../../src/sync/index.js";
import { installVirtualClock } from "../../src/testing/index.js";

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test("AsyncResult starts pending; set() makes it ready and successful with the value", () => {
  const result = new AsyncResult<number>();
  assert.equal(result.ready(), false);
  assert.equal(result.successful(), false);
  assert.equal(result.value, undefined);
  assert.equal(result.exception, undefined);
  result.set(42);
  assert.equal(result.ready(), true);
  assert.equal(result.successful(), true);
  assert.equal(result.value, 42);
  assert.equal(result.exception, undefined);
  assert.equal(String(result), "<AsyncResult value>");
});

test("setException() makes it ready and unsuccessful, with the exception and no value", () => {
  const result = new AsyncResult<number>();
  const error = new Error("boom");
  result.setException(error);
  assert.equal(result.ready(), true);
  assert.equal(result.successful(), false);
  assert.equal(result.value, undefined);
  assert.equal(result.exception, error);
});

test("AsyncResult.get resolves every waiter, early or late, with the value", async () => {
  const result = new AsyncResult<string>();
  const early = [result.get(), result.get({ timeout: 1000 }), result.wait(), result.get({ signal: new AbortController().signal })];
  result.set("v");
  assert.deepEqual(await Promise.all(early), ["v", "v", "v", "v"]);
  assert.equal(await result.get(), "v");
  assert.equal(await result.get({ block: false }), "v");
  assert.equal(await result.wait({ timeout: 0 }), "v");
});

test("AsyncResult.get rejects with exactly the exception, while wait() resolves undefined", async () => {
  const clock = installVirtualClock();
  try {
    const result = new AsyncResult<number>();
    const error = new Error("boom");
    const gets = [result.get(), result.get({ timeout: 100 }), result.get({ signal: new AbortController().signal })];
    const waits = [result.wait(), result.wait({ timeout: 100 })];
    result.setException(error);
    await Promise.all(gets.map((get) => assert.rejects(get, (e) => e === error)));
    assert.deepEqual(await Promise.all(waits), [undefined, undefined]);
    await assert.rejects(result.get(), (e) => e === error);
    assert.equal(await result.wait(), undefined);
    assert.equal(clock.pendingTimers, 0);
  } finally {
    clock.uninstall();
  }
});

test("waiters on an AsyncResult wake in the order they called get()/wait(), kinds and timeouts mixed", async () => {
  const result = new AsyncResult<number>();
  const order: string[] = [];
  const all = [
    result.get().then((v) => order.push(`get ${v}`)),
    result.wait().then((v) => order.push(`wait ${v}`)),
    result.get().then((v) => order.push(`get ${v}`)),
    result.get({ timeout: 1000 }).then((v) => order.push(`timed get ${v}`)),
    result.wait().then((v) => order.push(`wait ${v}`)),
    result.wait({ timeout: 1000 }).then((v) => order.push(`timed wait ${v}`)),
    result.get().then((v) => order.push(`get ${v}`)),
  ];
  result.set(7);
  await Promise.all(all);
  assert.deepEqual(order, ["get 7", "wait 7", "get 7", "timed get 7", "wait 7", "timed wait 7", "get 7"]);
});

test("a second settle throws a TypeError naming the call, and the first outcome stays", async () => {
  const result = new AsyncResult<number>();
  result.set(1);
  assert.throws(() => result.set(2), {
    name: "TypeError",
    message: "AsyncResult.set(): the result is already settled with a value; an AsyncResult settles once",
  });
  assert.throws(() => result.setException(new Error("late")), {
    name: "TypeError",
    message: "AsyncResult.setException(): the result is already settled with a value; an AsyncResult settles once",
  });
  assert.equal(result.value, 1);
  assert.equal(await result.get(), 1);

  const failed = new AsyncResult<number>();
  const error = new Error("first");
  failed.setException(error);
  assert.throws(() => failed.set(3), {
    name: "TypeError",
    message: "AsyncResult.set(): the result is already settled with an exception; an AsyncResult settles once",
  });
  assert.equal(failed.exception, error);
});

test("AsyncResult.get rejects with TimeoutError on its own timeout and leaves no timer", async () => {
  const clock = installVirtualClock();
  try {
    const result = new AsyncResult<number>();
    const getting = result.get({ timeout: 250 });
    let settled = false;
    getting.then(
      () => (settled = true),
      () => (settled = true),
    );
    await clock.advance(249);
    assert.equal(settled, false);
    await clock.advance(1);
    await assert.rejects(getting, (error) => {
      assert.ok(error instanceof TimeoutError);
      assert.equal(error.message, "AsyncResult.get(): timed out after 250 ms");
      assert.equal(error.ms, 250);
      return true;
    });
    assert.equal(clock.pendingTimers, 0);
    result.set(1); // the timed-out get is gone; nothing else to wake
    assert.equal(await result.get(), 1);
  } finally {
    clock.uninstall();
  }
});

test("AsyncResult.get with block: false rejects TimeoutError at once when not ready", async () => {
  const result = new AsyncResult<number>();
  await assert.rejects(result.get({ block: false }), {
    name: "TimeoutError",
    message: "AsyncResult.get(): the result is not ready and block is false",
  });
});

test("AsyncResult.wait resolves undefined on its own timeout", async () => {
  const clock = installVirtualClock();
  try {
    const result = new AsyncResult<number>();
    const waiting = result.wait({ timeout: 30 });
    await clock.advance(30);
    assert.equal(await waiting, undefined);
    assert.equal(clock.pendingTimers, 0);
  } finally {
    clock.uninstall();
  }
});

test("AsyncResult waits reject with exactly the signal's reason: on abort, and at once when aborted already", async () => {
  const clock = installVirtualClock();
  try {
    const result = new AsyncResult<number>();
    const controller = new AbortController();
    const reason = new Error("cancelled");
    const getting = result.get({ timeout: 1000, signal: controller.signal });
    const waiting = result.wait({ signal: controller.signal });
    controller.abort(reason);
    await Promise.all([assert.rejects(getting, (e) => e === reason), assert.rejects(waiting, (e) => e === reason)]);
    assert.equal(clock.pendingTimers, 0);
    result.set(5);
    await assert.rejects(result.get({ signal: controller.signal }), (e) => e === reason);
    await assert.rejects(result.wait({ signal: controller.signal }), (e) => e === reason);
  } finally {
    clock.uninstall();
  }
});

test("a kill of the greenlet waiting on an AsyncResult lands at get() at once, with the kill's reason", async () => {
  const result = new AsyncResult<number>();
  const reason = new Error("killed");
  const g = spawn(async (g) => result.get({ signal: g }));
  await turn();
  assert.equal(await g.kill({ exception: reason }), true);
  assert.equal(g.exception, reason);
  result.set(1);
  assert.equal(await result.get(), 1);
});

test("g.link(result) settles the result with the greenlet's value", async () => {
  const result = new AsyncResult<number>();
  const g = spawn(async (_g, a: number, b: number) => a + b, 2, 3);
  g.link(result);
  assert.equal(await result.get(), 5);
  assert.equal(result.successful(), true);
});

test("g.link(result) settles the result with the greenlet's exception, which counts as observed", async () => {
  const reports: unknown[] = [];
  const previous = setErrorHandler((error) => reports.push(error));
  try {
    const result = new AsyncResult<number>();
    const error = new Error("task failed");
    const g = spawn(async () => {
      throw error;
    });
    g.link(result);
    await assert.rejects(result.get(), (e) => e === error);
    assert.equal(result.exception, error);
    await turn();
    assert.deepEqual(reports, []);
  } finally {
    setErrorHandler(previous);
  }
});

test("g.link(result) on a killed greenlet settles the result with the GreenletExit as its exception: get() rejects with it, as g.get() does", async () => {
  const result = new AsyncResult<number>();
  const g = spawn(async (g): Promise<number> => {
    await result.wait({ signal: g });
    return 1;
  });
  g.link(result);
  await turn();
  await g.kill();
  await turn();
  assert.equal(g.successful(), true);
  assert.ok(g.value instanceof GreenletExit);
  await assert.rejects(result.get(), (e) => e === g.value);
  assert.equal(result.successful(), false);
  assert.equal(result.exception, g.value);
  assert.equal(result.value, undefined);
  assert.equal(await result.wait(), undefined);
});

test("linking a greenlet to a result settled already reports the second settle as a failed link", async () => {
  const reports: { error: unknown; context: ErrorContext }[] = [];
  const previous = setErrorHandler((error, context) => reports.push({ error, context }));
  try {
    const result = new AsyncResult<number>();
    result.set(1);
    const g = spawn(async () => 2);
    g.link(result);
    await g.join();
    await turn();
    assert.equal(reports.length, 1);
    assert.equal(reports[0]!.context.kind, "link");
    assert.equal(reports[0]!.context.greenlet, g);
    assert.match(String(reports[0]!.error), /^TypeError: AsyncResult\.set\(\): the result is already settled with a value/);
    assert.equal(result.value, 1);
  } finally {
    setErrorHandler(previous);
  }
});

test("AsyncResult is a waitable for wait(): ready once settled, with a value or an exception", async () => {
  const a = new AsyncResult<number>();
  const b = new AsyncResult<number>();
  const waiting = wait([a, b], { count: 1 });
  b.setException(new Error("x"));
  assert.deepEqual(await waiting, [b]);
  a.set(1);
  assert.deepEqual(await wait([a, b]), [a, b]);
});

test("setException with only wait() callers parked creates no rejection at all", async () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
  process.on("unhandledRejection", onUnhandled);
  try {
    const result = new AsyncResult<number>();
    const waiting = result.wait();
    result.setException(new Error("nobody calls get()"));
    assert.equal(await waiting, undefined);
    await turn();
    await turn();
    assert.deepEqual(unhandled, []);
  } finally {
    process.off("unhandledRejection", onUnhandled);
  }
});

test("AsyncResult.get and wait reject bad options at the call", () => {
  const result = new AsyncResult<number>();
  assert.throws(() => result.get({ timeout: -5 }), {
    name: "RangeError",
    message: "AsyncResult.get(): expected timeout to be a number of milliseconds ≥ 0 or undefined, got -5 (number)",
  });
  assert.throws(() => result.get({ block: "no" as unknown as boolean }), {
    name: "TypeError",
    message: 'AsyncResult.get(): expected block to be a boolean or undefined, got "no" (string)',
  });
  assert.throws(() => result.wait({ signal: "x" as unknown as AbortSignal }), {
    name: "TypeError",
    message: 'AsyncResult.wait(): expected signal to be an AbortSignal, a Greenlet or a Timeout, got "x" (string)',
  });
  assert.throws(() => result.wait(5 as unknown as undefined), {
    name: "TypeError",
    message: "AsyncResult.wait(): expected options to be an object or undefined, got 5 (number)",
  });
});
