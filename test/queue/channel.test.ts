import { test } from "node:test";
import assert from "node:assert/strict";
import { GreenletExit, QueueEmptyError, QueueFullError, QueueShutDownError, spawn } from "../../src/index.js";
import { Channel } from "../../src/queue/index.js";
import { installVirtualClock } from "../../src/testing/index.js";
import { abortedSignal, flush, track } from "./util.js";

test("Channel.put resolves only once a getter has taken the item", async () => {
  const ch = new Channel<string>();
  const put = track(ch.put("hello"));
  await flush();
  assert.equal(put.state, "pending");
  assert.equal(ch.balance, 1);
  assert.equal(await ch.get(), "hello");
  await flush();
  assert.equal(put.state, "resolved");
  assert.equal(ch.balance, 0);
});

test("Channel.put to a waiting getter hands the item over and resolves at once", async () => {
  const ch = new Channel<number>();
  const got = track(ch.get());
  assert.equal(ch.balance, -1);
  await ch.put(1);
  await flush();
  assert.equal(got.value, 1);
});

test("Channel putters and getters are each served in arrival order", async () => {
  const ch = new Channel<number>();
  const puts = [track(ch.put(1)), track(ch.put(2)), track(ch.put(3))];
  assert.deepEqual([await ch.get(), await ch.get()], [1, 2]);
  await flush();
  assert.deepEqual(puts.map((p) => p.state), ["resolved", "resolved", "pending"]);
  assert.equal(ch.getNowait(), 3);
  const gets = [track(ch.get()), track(ch.get())];
  ch.putNowait(10);
  ch.putNowait(20);
  await flush();
  assert.deepEqual(gets.map((g) => g.value), [10, 20]);
});

test("Channel.putNowait throws QueueFullError and getNowait QueueEmptyError unless a partner is waiting", async () => {
  const ch = new Channel<number>();
  assert.throws(() => ch.putNowait(1), { name: "QueueFullError", message: "Channel.putNowait(): no getter is waiting" });
  assert.throws(() => ch.getNowait(), { name: "QueueEmptyError", message: "Channel.getNowait(): no putter is waiting" });
  await assert.rejects(ch.put(1, { block: false }), { name: "QueueFullError", message: "Channel.put(): no getter is waiting and block is false" });
  await assert.rejects(ch.get({ block: false }), { name: "QueueEmptyError", message: "Channel.get(): no putter is waiting and block is false" });
  const put = track(ch.put(5));
  assert.equal(ch.getNowait(), 5);
  await flush();
  assert.equal(put.state, "resolved");
  const got = track(ch.get());
  ch.putNowait(6);
  await flush();
  assert.equal(got.value, 6);
});

test("an aborted Channel put never delivers its item, and the next putter's item goes through", async () => {
  const ch = new Channel<string>();
  const controller = new AbortController();
  const aborted = track(ch.put("lost", { signal: controller.signal }));
  const next = track(ch.put("next"));
  controller.abort("no");
  await flush();
  assert.equal(aborted.error, "no");
  assert.equal(await ch.get(), "next");
  await flush();
  assert.equal(next.state, "resolved");
  assert.equal(ch.balance, 0);
  await assert.rejects(ch.get({ block: false }), QueueEmptyError, "the aborted item is gone for good");
});

test("an aborted Channel get takes nothing; a later put waits for a live getter", async () => {
  const ch = new Channel<number>();
  const controller = new AbortController();
  const aborted = track(ch.get({ signal: controller.signal }));
  controller.abort(new Error("stop"));
  await flush();
  assert.equal(aborted.state, "rejected");
  const put = track(ch.put(1));
  await flush();
  assert.equal(put.state, "pending", "no getter is waiting any more");
  assert.equal(ch.getNowait(), 1);
});

test("Channel put and get reject on their own timeout with the documented errors and deliver nothing", async () => {
  const clock = installVirtualClock();
  try {
    const ch = new Channel<number>();
    const put = track(ch.put(1, { timeout: 20 }));
    await clock.advance(20);
    assert.ok(put.error instanceof QueueFullError);
    assert.equal((put.error as Error).message, "Channel.put(): timed out after 20 ms; no getter took the item");
    const got = track(ch.get({ timeout: 5 }));
    await clock.advance(5);
    assert.ok(got.error instanceof QueueEmptyError);
    assert.equal((got.error as Error).message, "Channel.get(): timed out after 5 ms; no putter came");
    assert.equal(ch.balance, 0);
    assert.equal(clock.pendingTimers, 0);
  } finally {
    clock.uninstall();
  }
});

test("killing a greenlet blocked in Channel.put rejects with exactly the kill's reason and delivers nothing", async () => {
  const ch = new Channel<number>();
  const putter = spawn(async (g) => {
    try {
      await ch.put(1, { signal: g });
      return "delivered";
    } catch (error) {
      return error;
    }
  });
  await flush();
  const reason = new GreenletExit("bye");
  await putter.kill({ exception: reason });
  assert.equal(putter.value, reason);
  assert.throws(() => ch.getNowait(), QueueEmptyError);
});

test("an already-aborted signal rejects Channel put and get even when a partner is waiting", async () => {
  const ch = new Channel<number>();
  const reason = new Error("before");
  const getter = track(ch.get());
  await assert.rejects(ch.put(1, { signal: abortedSignal(reason) }), (e) => e === reason);
  await flush();
  assert.equal(getter.state, "pending", "the getter received nothing");
  ch.putNowait(2);
  const putter = track(ch.put(3));
  await assert.rejects(ch.get({ signal: abortedSignal(reason) }), (e) => e === reason);
  assert.equal(ch.balance, 1, "the putter is still waiting");
  assert.equal(ch.getNowait(), 3);
  await flush();
  assert.equal(putter.state, "resolved");
  assert.equal(getter.value, 2);
});

test("Channel.shutdown wakes blocked putters and getters with QueueShutDownError and ends for-await loops", async () => {
  const ch = new Channel<number>();
  const seen: number[] = [];
  const consumer = spawn(async (g) => {
    for await (const n of ch.iter({ signal: g })) seen.push(n);
    return "ended";
  });
  await ch.put(1);
  await ch.put(2);
  ch.shutdown();
  assert.equal(await consumer.get(), "ended");
  assert.deepEqual(seen, [1, 2]);

  const other = new Channel<number>();
  const blockedPut = track(other.put(1));
  const another = new Channel<number>();
  const blockedGet = track(another.get());
  other.shutdown();
  another.shutdown();
  await flush();
  assert.equal((blockedPut.error as Error).message, "Channel.put(): the channel was shut down");
  assert.equal((blockedGet.error as Error).message, "Channel.get(): the channel was shut down");
  await assert.rejects(other.put(2), { name: "QueueShutDownError", message: "Channel.put(): the channel was shut down" });
  assert.throws(() => other.putNowait(2), QueueShutDownError);
  assert.throws(() => other.getNowait(), QueueShutDownError);
  assert.equal(other.isShutDown, true);
});

test("Channel rejects bad options at the call", () => {
  const ch = new Channel<number>();
  assert.throws(() => ch.put(1, { timeout: -1 }), { name: "RangeError", message: /^Channel\.put\(\): expected timeout/ });
  assert.throws(() => ch.get({ block: 0 as unknown as boolean }), {
    name: "TypeError",
    message: "Channel.get(): expected block to be a boolean or undefined, got 0 (number)",
  });
  assert.throws(() => ch.iter({ signal: "x" as unknown as AbortSignal }), { name: "TypeError", message: /^Channel\.iter\(\)/ });
  assert.equal(String(ch), "<Channel getters=0 putters=0>");
});
