import { test } from "node:test";
import assert from "node:assert/strict";
import { GreenletExit, QueueEmptyError, QueueFullError, QueueShutDownError, Timeout, TimeoutError, spawn } from "../../src/index.js";
import { JoinableQueue, Queue } from "../../src/queue/index.js";
import { installVirtualClock } from "../../src/testing/index.js";
import { abortedSignal, flush, track } from "./util.js";

// --- construction and bad input -------------------------------------------------------------

test("Queue() is unbounded when maxsize is omitted, undefined or Infinity, and maxsize reads Infinity", () => {
  for (const q of [new Queue(), new Queue(undefined), new Queue(Infinity)]) {
    assert.equal(q.maxsize, Infinity);
    for (let i = 0; i < 1000; i++) q.putNowait(i);
    assert.equal(q.full(), false);
    assert.equal(q.qsize(), 1000);
  }
  assert.equal(new Queue(3).maxsize, 3);
});

test("Queue() rejects maxsize 0, negatives, fractions, NaN and non-numbers, naming the call and what came", () => {
  assert.throws(() => new Queue(0), {
    name: "RangeError",
    message: "Queue(): expected maxsize to be a positive integer or Infinity, got 0 (number)",
  });
  assert.throws(() => new Queue(-1), { name: "RangeError", message: /got -1 \(number\)$/ });
  assert.throws(() => new Queue(1.5), { name: "RangeError", message: /got 1\.5 \(number\)$/ });
  assert.throws(() => new Queue(NaN), { name: "RangeError", message: /got NaN \(number\)$/ });
  assert.throws(() => new Queue(-Infinity), { name: "RangeError", message: /got -Infinity \(number\)$/ });
  assert.throws(() => new Queue("3" as unknown as number), {
    name: "TypeError",
    message: 'Queue(): expected maxsize to be a positive integer or Infinity, got "3" (string)',
  });
  assert.throws(() => new Queue(null as unknown as number), { name: "TypeError", message: /got null$/ });
});

test("the maxsize setter validates like the constructor and leaves the bound unchanged on error", () => {
  const q = new Queue(2);
  assert.throws(() => (q.maxsize = 0), {
    name: "RangeError",
    message: "Queue.maxsize: expected maxsize to be a positive integer or Infinity, got 0 (number)",
  });
  assert.throws(() => (q.maxsize = 2.5), { name: "RangeError" });
  assert.throws(() => (q.maxsize = "4" as unknown as number), { name: "TypeError" });
  assert.equal(q.maxsize, 2);
  q.maxsize = undefined;
  assert.equal(q.maxsize, Infinity);
  q.maxsize = 7;
  assert.equal(q.maxsize, 7);
});

test("get, put, peek and join reject bad options at the call, naming the call, the option and what came", () => {
  const q = new Queue<number>();
  assert.throws(() => q.get(null as unknown as object), {
    name: "TypeError",
    message: "Queue.get(): expected options to be an object or undefined, got null",
  });
  assert.throws(() => q.put(1, 5 as unknown as object), { name: "TypeError", message: /^Queue\.put\(\): expected options/ });
  assert.throws(() => q.get({ block: "no" as unknown as boolean }), {
    name: "TypeError",
    message: 'Queue.get(): expected block to be a boolean or undefined, got "no" (string)',
  });
  assert.throws(() => q.put(1, { timeout: -1 }), {
    name: "RangeError",
    message: "Queue.put(): expected timeout to be a number of milliseconds ≥ 0 or undefined, got -1 (number)",
  });
  assert.throws(() => q.get({ timeout: NaN }), { name: "RangeError", message: /^Queue\.get\(\): .* got NaN \(number\)$/ });
  assert.throws(() => q.peek({ timeout: "1" as unknown as number }), { name: "TypeError", message: /^Queue\.peek\(\): expected timeout/ });
  assert.throws(() => q.join({ signal: {} as AbortSignal }), {
    name: "TypeError",
    message: "Queue.join(): expected signal to be an AbortSignal, a Greenlet or a Timeout, got an instance of Object (object)",
  });
  assert.throws(() => q.iter({ signal: 1 as unknown as AbortSignal }), { name: "TypeError", message: /^Queue\.iter\(\): expected signal/ });
  assert.equal(q.qsize(), 0, "a rejected put added nothing");
});

test("an invalid option throws even when the signal is aborted already (invalid arguments come first)", () => {
  const q = new Queue<number>();
  assert.throws(() => q.get({ signal: abortedSignal(new Error("stop")), timeout: -5 }), { name: "RangeError" });
});

// --- put and get ----------------------------------------------------------------------------

test("items come out in the order they were put, and qsize, empty and full track them", async () => {
  const q = new Queue<string>(3);
  assert.equal(q.empty(), true);
  await q.put("a");
  q.putNowait("b");
  await q.put("c");
  assert.equal(q.qsize(), 3);
  assert.equal(q.full(), true);
  assert.equal(q.empty(), false);
  assert.equal(await q.get(), "a");
  assert.equal(q.getNowait(), "b");
  assert.equal(await q.get(), "c");
  assert.equal(q.empty(), true);
  assert.equal(q.full(), false);
});

test("a put to a queue with a waiting getter hands the item straight to it", async () => {
  const q = new Queue<number>(1);
  const got = track(q.get());
  await flush();
  assert.equal(got.state, "pending");
  await q.put(42);
  assert.equal(q.qsize(), 0, "the item never entered the store");
  await flush();
  assert.equal(got.value, 42);
  assert.equal(q.unfinishedTasks, 1, "a handed-off item still counts as a task");
});

test("getters blocked on an empty queue are served in arrival order", async () => {
  const q = new Queue<number>();
  const getters = [track(q.get()), track(q.get()), track(q.get())];
  q.putNowait(1);
  q.putNowait(2);
  q.putNowait(3);
  await flush();
  assert.deepEqual(getters.map((g) => g.value), [1, 2, 3]);
});

test("putters blocked on a full queue are admitted in arrival order as room appears", async () => {
  const q = new Queue<string>(1);
  q.putNowait("first");
  const putters = [track(q.put("a")), track(q.put("b")), track(q.put("c"))];
  await flush();
  assert.deepEqual(putters.map((p) => p.state), ["pending", "pending", "pending"]);
  assert.throws(() => q.putNowait("jumper"), QueueFullError, "a later put does not overtake blocked putters");
  assert.equal(await q.get(), "first");
  await flush();
  assert.deepEqual(putters.map((p) => p.state), ["resolved", "pending", "pending"]);
  assert.deepEqual([await q.get(), await q.get(), await q.get()], ["a", "b", "c"]);
  assert.equal(q.unfinishedTasks, 4);
});

test("put with block: false on a full queue rejects QueueFullError; putNowait throws it", async () => {
  const q = new Queue<number>(2);
  q.putNowait(1);
  q.putNowait(2);
  await assert.rejects(q.put(3, { block: false }), {
    name: "QueueFullError",
    message: "Queue.put(): the queue is full (maxsize 2) and block is false",
  });
  assert.throws(() => q.putNowait(3), { name: "QueueFullError", message: "Queue.putNowait(): the queue is full (maxsize 2)" });
  assert.equal(q.qsize(), 2);
  assert.equal(q.unfinishedTasks, 2);
});

test("get with block: false on an empty queue rejects QueueEmptyError; getNowait throws it", async () => {
  const q = new Queue<number>();
  await assert.rejects(q.get({ block: false }), { name: "QueueEmptyError", message: "Queue.get(): the queue is empty and block is false" });
  assert.throws(() => q.getNowait(), { name: "QueueEmptyError", message: "Queue.getNowait(): the queue is empty" });
  q.putNowait(5);
  assert.equal(await q.get({ block: false }), 5);
});

test("get rejects QueueEmptyError on its own timeout, takes nothing, and the next item goes to a live getter", async () => {
  const clock = installVirtualClock();
  try {
    const q = new Queue<number>();
    const early = track(q.get({ timeout: 100 }));
    const late = track(q.get({ timeout: 500 }));
    await clock.advance(99);
    assert.equal(early.state, "pending");
    await clock.advance(1);
    assert.equal(early.state, "rejected");
    assert.ok(early.error instanceof QueueEmptyError);
    assert.equal((early.error as Error).message, "Queue.get(): timed out after 100 ms; the queue is still empty");
    q.putNowait(7);
    await flush();
    assert.equal(late.value, 7);
    assert.equal(q.qsize(), 0);
    assert.equal(clock.pendingTimers, 0, "the hand-off cleared the late getter's timer");
  } finally {
    clock.uninstall();
  }
});

test("put rejects QueueFullError on its own timeout and adds nothing", async () => {
  const clock = installVirtualClock();
  try {
    const q = new Queue<string>(1);
    q.putNowait("kept");
    const put = track(q.put("dropped", { timeout: 50 }));
    await clock.advance(50);
    assert.equal(put.state, "rejected");
    assert.ok(put.error instanceof QueueFullError);
    assert.equal((put.error as Error).message, "Queue.put(): timed out after 50 ms; the queue is still full");
    assert.equal(q.getNowait(), "kept");
    assert.equal(q.qsize(), 0, "the timed-out item never went in");
    assert.equal(q.unfinishedTasks, 1);
    assert.equal(clock.pendingTimers, 0);
  } finally {
    clock.uninstall();
  }
});

test("a timeout of Infinity means no timeout", async () => {
  const clock = installVirtualClock();
  try {
    const q = new Queue<number>();
    const got = track(q.get({ timeout: Infinity }));
    assert.equal(clock.pendingTimers, 0);
    q.putNowait(1);
    await flush();
    assert.equal(got.value, 1);
  } finally {
    clock.uninstall();
  }
});

test("an aborted get takes nothing and leaves the wait list, so the next item reaches a live getter", async () => {
  const q = new Queue<number>();
  const controller = new AbortController();
  const reason = new Error("not any more");
  const aborted = track(q.get({ signal: controller.signal }));
  const live = track(q.get());
  controller.abort(reason);
  await flush();
  assert.equal(aborted.state, "rejected");
  assert.equal(aborted.error, reason, "rejects with exactly the signal's reason");
  q.putNowait(1);
  await flush();
  assert.equal(live.value, 1);
  assert.equal(q.qsize(), 0);
});

test("an aborted put adds nothing and the putter behind it takes its turn", async () => {
  const q = new Queue<string>(1);
  q.putNowait("x");
  const controller = new AbortController();
  const aborted = track(q.put("never", { signal: controller.signal }));
  const behind = track(q.put("next"));
  controller.abort("changed my mind");
  await flush();
  assert.equal(aborted.error, "changed my mind");
  assert.equal(q.getNowait(), "x");
  await flush();
  assert.equal(behind.state, "resolved");
  assert.equal(q.getNowait(), "next");
  assert.equal(q.qsize(), 0);
  assert.equal(q.unfinishedTasks, 2, "the aborted item was never counted");
});

test("killing a greenlet blocked in get or put rejects that wait with exactly the kill's reason", async () => {
  const q = new Queue<number>(1);
  const getter = spawn(async (g) => {
    try {
      return await q.get({ signal: g });
    } catch (error) {
      return error;
    }
  });
  const full = new Queue<number>(1);
  full.putNowait(0);
  const putter = spawn(async (g) => {
    try {
      await full.put(1, { signal: g });
      return "put";
    } catch (error) {
      return error;
    }
  });
  await flush();
  const reason = new GreenletExit("shutting down");
  await getter.kill({ exception: reason });
  await putter.kill({ exception: reason });
  assert.equal(getter.value, reason);
  assert.equal(putter.value, reason);
  assert.equal(full.qsize(), 1, "the killed put added nothing");
  q.putNowait(3);
  assert.equal(q.qsize(), 1, "the killed get left the wait list: the item stays in the queue");
});

test("an already-aborted signal rejects even when get, put, peek or join could complete at once", async () => {
  const q = new Queue<number>();
  q.putNowait(1);
  q.taskDone();
  const reason = new Error("aborted before");
  const signal = abortedSignal(reason);
  await assert.rejects(q.get({ signal }), (e) => e === reason);
  await assert.rejects(q.put(2, { signal }), (e) => e === reason);
  await assert.rejects(q.peek({ signal }), (e) => e === reason);
  await assert.rejects(q.join({ signal }), (e) => e === reason);
  assert.equal(q.qsize(), 1, "nothing was taken or added");
  assert.equal(q.unfinishedTasks, 0);
});

test("an already-aborted signal wins over the queue's own outcome (shut down, empty with block: false)", async () => {
  const q = new Queue<number>();
  const reason = new Error("first");
  await assert.rejects(q.get({ signal: abortedSignal(reason), block: false }), (e) => e === reason);
  q.shutdown();
  await assert.rejects(q.put(1, { signal: abortedSignal(reason) }), (e) => e === reason);
  await assert.rejects(q.get({ signal: abortedSignal(reason) }), (e) => e === reason);
});

test("a killed greenlet passed as signal rejects new waits at once with the kill's reason", async () => {
  const q = new Queue<number>();
  q.putNowait(1);
  const g = spawn(async () => {});
  await g.kill();
  await assert.rejects(q.get({ signal: g }), GreenletExit);
  assert.equal(q.qsize(), 1);
});

test("an outer Timeout passed as signal rejects with the Timeout's own error, not QueueEmptyError", async () => {
  const clock = installVirtualClock();
  try {
    const q = new Queue<number>();
    const deadline = Timeout.startNew(25);
    const got = track(q.get({ signal: deadline, timeout: 1000 }));
    await clock.advance(25);
    assert.ok(got.error instanceof TimeoutError, "the outer cancellation is never turned into the queue's own error");
    assert.equal(clock.pendingTimers, 0, "the get's own timer was cleared");
  } finally {
    clock.uninstall();
  }
});

test("timeout: 0 parks until the next timer turn instead of failing at once", async () => {
  const clock = installVirtualClock();
  try {
    const q = new Queue<number>();
    const got = track(q.get({ timeout: 0 }));
    q.putNowait(1);
    await flush();
    assert.equal(got.value, 1, "an item put before the timer turn still arrives");
    const late = track(q.get({ timeout: 0 }));
    await clock.advance(0);
    assert.ok(late.error instanceof QueueEmptyError);
  } finally {
    clock.uninstall();
  }
});

test("a put that completes at once returns one shared resolved promise: the hand-off allocates nothing", async () => {
  const q = new Queue<number>();
  const getter = track(q.get());
  const handedOff = q.put(1);
  const stored = q.put(2);
  assert.equal(handedOff, stored);
  await handedOff;
  await flush();
  assert.equal(getter.value, 1);
});

// --- peek -----------------------------------------------------------------------------------

test("peekNowait returns the head without removing it, and throws QueueEmptyError when empty", () => {
  const q = new Queue<string>();
  assert.throws(() => q.peekNowait(), { name: "QueueEmptyError", message: "Queue.peekNowait(): the queue is empty" });
  q.putNowait("a");
  q.putNowait("b");
  assert.equal(q.peekNowait(), "a");
  assert.equal(q.peekNowait(), "a");
  assert.equal(q.qsize(), 2);
});

test("peek waits for an item and leaves it in the queue", async () => {
  const q = new Queue<string>();
  const peeked = track(q.peek());
  await flush();
  assert.equal(peeked.state, "pending");
  q.putNowait("head");
  await flush();
  assert.equal(peeked.value, "head");
  assert.equal(q.qsize(), 1);
  assert.equal(await q.peek(), "head");
  assert.equal(q.getNowait(), "head");
});

test("a waiting peek sees an item handed straight to a waiting getter", async () => {
  const q = new Queue<number>();
  const peeked = track(q.peek());
  const got = track(q.get());
  q.putNowait(9);
  await flush();
  assert.equal(peeked.value, 9);
  assert.equal(got.value, 9);
  assert.equal(q.qsize(), 0);
});

test("peek rejects QueueEmptyError with block: false or on its own timeout", async () => {
  const clock = installVirtualClock();
  try {
    const q = new Queue<number>();
    await assert.rejects(q.peek({ block: false }), { name: "QueueEmptyError", message: "Queue.peek(): the queue is empty and block is false" });
    const peeked = track(q.peek({ timeout: 10 }));
    await clock.advance(10);
    assert.equal((peeked.error as Error).message, "Queue.peek(): timed out after 10 ms; the queue is still empty");
  } finally {
    clock.uninstall();
  }
});

// --- taskDone and join ----------------------------------------------------------------------

test("join resolves true once every item put has been marked done", async () => {
  const q = new Queue<number>();
  q.putNowait(1);
  q.putNowait(2);
  assert.equal(q.unfinishedTasks, 2);
  const joined = track(q.join());
  q.getNowait();
  q.taskDone();
  await flush();
  assert.equal(joined.state, "pending");
  q.getNowait();
  q.taskDone();
  await flush();
  assert.equal(joined.value, true);
  assert.equal(q.unfinishedTasks, 0);
});

test("join resolves true at once with nothing unfinished, and false on its own timeout", async () => {
  const clock = installVirtualClock();
  try {
    const q = new Queue<number>();
    assert.equal(await q.join(), true);
    q.putNowait(1);
    const joined = track(q.join({ timeout: 30 }));
    await clock.advance(30);
    assert.equal(joined.value, false);
    assert.equal(clock.pendingTimers, 0);
  } finally {
    clock.uninstall();
  }
});

test("an extra taskDone() throws a RangeError naming the call", () => {
  const q = new Queue<number>();
  assert.throws(() => q.taskDone(), {
    name: "RangeError",
    message: "Queue.taskDone(): called more times than items were put (no unfinished task left)",
  });
  q.putNowait(1);
  q.taskDone();
  assert.throws(() => q.taskDone(), RangeError);
  assert.equal(q.unfinishedTasks, 0);
});

// --- maxsize --------------------------------------------------------------------------------

test("raising maxsize admits blocked putters at once, in arrival order", async () => {
  const q = new Queue<string>(1);
  q.putNowait("a");
  const b = track(q.put("b"));
  const c = track(q.put("c"));
  const d = track(q.put("d"));
  q.maxsize = 3;
  await flush();
  assert.deepEqual([b.state, c.state, d.state], ["resolved", "resolved", "pending"]);
  assert.equal(q.qsize(), 3);
  q.maxsize = Infinity;
  await flush();
  assert.equal(d.state, "resolved");
  assert.deepEqual([q.getNowait(), q.getNowait(), q.getNowait(), q.getNowait()], ["a", "b", "c", "d"]);
});

test("lowering maxsize keeps the items in and makes puts wait until the queue drains below it", async () => {
  const q = new Queue<number>(4);
  for (let i = 0; i < 4; i++) q.putNowait(i);
  q.maxsize = 2;
  assert.equal(q.qsize(), 4);
  assert.equal(q.full(), true);
  const put = track(q.put(4));
  q.getNowait();
  q.getNowait();
  await flush();
  assert.equal(put.state, "pending", "2 items left, still at the bound");
  q.getNowait();
  await flush();
  assert.equal(put.state, "resolved");
  assert.deepEqual([q.getNowait(), q.getNowait()], [3, 4]);
});

// --- shutdown -------------------------------------------------------------------------------

test("after shutdown() every put rejects QueueShutDownError, and blocked putters are woken with it, adding nothing", async () => {
  const q = new Queue<number>(1);
  q.putNowait(1);
  const blocked = track(q.put(2));
  q.shutdown();
  await flush();
  assert.equal(blocked.state, "rejected");
  assert.ok(blocked.error instanceof QueueShutDownError);
  assert.equal((blocked.error as Error).message, "Queue.put(): the queue was shut down");
  await assert.rejects(q.put(3), { name: "QueueShutDownError", message: "Queue.put(): the queue was shut down" });
  assert.throws(() => q.putNowait(3), { name: "QueueShutDownError", message: "Queue.putNowait(): the queue was shut down" });
  assert.equal(q.qsize(), 1);
  assert.equal(q.isShutDown, true);
});

test("after shutdown() getters still receive the items left, then QueueShutDownError", async () => {
  const q = new Queue<string>();
  q.putNowait("a");
  q.putNowait("b");
  q.shutdown();
  assert.equal(await q.get(), "a");
  assert.equal(q.getNowait(), "b");
  await assert.rejects(q.get(), { name: "QueueShutDownError", message: "Queue.get(): the queue was shut down and is empty" });
  assert.throws(() => q.getNowait(), { name: "QueueShutDownError", message: "Queue.getNowait(): the queue was shut down and is empty" });
  assert.throws(() => q.peekNowait(), QueueShutDownError);
  await assert.rejects(q.get({ block: false }), QueueShutDownError, "shut down outranks block: false");
});

test("shutdown() wakes getters and peekers blocked on the empty queue with QueueShutDownError", async () => {
  const q = new Queue<number>();
  const getter = track(q.get());
  const peeker = track(q.peek());
  q.shutdown();
  await flush();
  assert.equal((getter.error as Error).message, "Queue.get(): the queue was shut down");
  assert.equal((peeker.error as Error).message, "Queue.peek(): the queue was shut down");
});

test("shutdown(true) drops the items left, counts them done for join, and wakes blocked getters", async () => {
  const q = new Queue<number>(2);
  q.putNowait(1);
  q.putNowait(2);
  const inHand = q.getNowait();
  q.putNowait(3);
  const joined = track(q.join());
  q.shutdown(true);
  await flush();
  assert.equal(q.qsize(), 0);
  assert.equal(q.unfinishedTasks, 1, "only the item a consumer holds is still unfinished");
  assert.equal(joined.state, "pending");
  assert.equal(inHand, 1);
  q.taskDone();
  await flush();
  assert.equal(joined.value, true);
  await assert.rejects(q.get(), QueueShutDownError);

  const empty = new Queue<number>();
  const getter = track(empty.get());
  empty.shutdown(true);
  await flush();
  assert.ok(getter.error instanceof QueueShutDownError);
});

test("shutdown(true) after shutdown() drops what is left; shutdown rejects a non-boolean", async () => {
  const q = new Queue<number>();
  q.putNowait(1);
  q.putNowait(2);
  q.shutdown();
  assert.equal(q.qsize(), 2);
  q.shutdown(true);
  assert.equal(q.qsize(), 0);
  assert.equal(await q.join(), true);
  assert.throws(() => q.shutdown("yes" as unknown as boolean), {
    name: "TypeError",
    message: 'Queue.shutdown(): expected immediate to be a boolean or undefined, got "yes" (string)',
  });
});

// --- iteration ------------------------------------------------------------------------------

test("for await over a queue yields every item and ends once the queue is shut down and drained", async () => {
  const q = new Queue<number>(2);
  const producer = spawn(async (g) => {
    for (let i = 0; i < 5; i++) await q.put(i, { signal: g });
    q.shutdown();
  });
  const seen: number[] = [];
  for await (const item of q) seen.push(item);
  assert.deepEqual(seen, [0, 1, 2, 3, 4]);
  assert.equal(await producer.join(), true);
});

test("iter({ signal: g }) ends the loop with exactly the kill's reason when the greenlet is killed", async () => {
  const q = new Queue<number>();
  const seen: number[] = [];
  const consumer = spawn(async (g) => {
    try {
      for await (const item of q.iter({ signal: g })) seen.push(item);
      return "ended";
    } catch (error) {
      return error;
    }
  });
  q.putNowait(1);
  await flush();
  const reason = new GreenletExit("enough");
  await consumer.kill({ exception: reason });
  assert.equal(consumer.value, reason);
  assert.deepEqual(seen, [1]);
  q.putNowait(2);
  assert.equal(q.qsize(), 1, "the killed loop's get left the wait list");
});

test("leaving a for await loop early takes nothing more from the queue", async () => {
  const q = new Queue<number>();
  for (let i = 0; i < 4; i++) q.putNowait(i);
  for await (const item of q) {
    if (item === 1) break;
  }
  assert.equal(q.qsize(), 2);
  assert.equal(q.getNowait(), 2);
});

// --- misc -----------------------------------------------------------------------------------

test("JoinableQueue is Queue under gevent's other name", () => {
  assert.equal(JoinableQueue, Queue);
  const q: JoinableQueue<number> = new JoinableQueue<number>(2);
  assert.ok(q instanceof Queue);
  assert.equal(q.maxsize, 2);
});

test("toString names the kind and the counts", async () => {
  const q = new Queue<number>(1);
  q.putNowait(1);
  const put = track(q.put(2));
  assert.equal(String(q), "<Queue maxsize=1 qsize=1 getters=0 putters=1>");
  q.shutdown();
  await flush();
  assert.ok(put.error instanceof QueueShutDownError);
  assert.equal(String(q), "<Queue maxsize=1 qsize=1 getters=0 putters=0 shut down>");
});

test("a million items pass through an unbounded queue in order (the ring grows and shrinks back)", () => {
  const q = new Queue<number>();
  const n = 1_000_000;
  for (let i = 0; i < n; i++) q.putNowait(i);
  let ok = true;
  for (let i = 0; i < n; i++) if (q.getNowait() !== i) ok = false;
  assert.equal(ok, true);
  assert.equal(q.empty(), true);
});
