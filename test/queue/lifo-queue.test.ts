import { test } from "node:test";
import assert from "node:assert/strict";
import { BaseQueue, LifoQueue } from "../../src/queue/index.js";
import { flush, track } from "./util.js";

test("LifoQueue returns the most recently put item first", async () => {
  const q = new LifoQueue<number>();
  for (let i = 0; i < 5; i++) await q.put(i);
  assert.equal(q.peekNowait(), 4);
  const out: number[] = [];
  while (!q.empty()) out.push(await q.get());
  assert.deepEqual(out, [4, 3, 2, 1, 0]);
  assert.throws(() => q.getNowait(), { name: "QueueEmptyError", message: "LifoQueue.getNowait(): the queue is empty" });
});

test("a bounded LifoQueue admits blocked putters in arrival order, each on top of the stack", async () => {
  const q = new LifoQueue<string>(2);
  assert.ok(q instanceof BaseQueue);
  q.putNowait("a");
  q.putNowait("b");
  const c = track(q.put("c"));
  const d = track(q.put("d"));
  assert.equal(q.getNowait(), "b");
  await flush();
  assert.deepEqual([c.state, d.state], ["resolved", "pending"]);
  assert.equal(q.getNowait(), "c");
  await flush();
  assert.equal(d.state, "resolved");
  assert.deepEqual([q.getNowait(), q.getNowait()], ["d", "a"]);
});

test("a LifoQueue hands items straight to waiting getters in arrival order", async () => {
  const q = new LifoQueue<number>();
  const first = track(q.get());
  const second = track(q.get());
  q.putNowait(1);
  q.putNowait(2);
  await flush();
  assert.deepEqual([first.value, second.value], [1, 2]);
});

test("LifoQueue() validates maxsize and shutdown(true) drops the stack", async () => {
  assert.throws(() => new LifoQueue(-3), {
    name: "RangeError",
    message: "LifoQueue(): expected maxsize to be a positive integer or Infinity, got -3 (number)",
  });
  const q = new LifoQueue<number>();
  q.putNowait(1);
  q.putNowait(2);
  q.shutdown(true);
  assert.equal(q.qsize(), 0);
  assert.equal(q.unfinishedTasks, 0);
  await assert.rejects(q.get({ block: false }), { name: "QueueShutDownError", message: "LifoQueue.get(): the queue was shut down and is empty" });
});
