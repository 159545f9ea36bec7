import { test } from "node:test";
import assert from "node:assert/strict";
import { QueueShutDownError } from "../../src/index.js";
import { BaseQueue, PriorityQueue } from "../../src/queue/index.js";
import { flush, track } from "./util.js";

function drain<T>(q: PriorityQueue<T>): T[] {
  const out: T[] = [];
  while (!q.empty()) out.push(q.getNowait());
  return out;
}

test("PriorityQueue returns the lowest item first", async () => {
  const q = new PriorityQueue<number>();
  for (const n of [5, 3, 9, 1, 7, 2, 8, 0, 6, 4]) await q.put(n);
  assert.equal(q.peekNowait(), 0);
  assert.deepEqual(drain(q), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

test("items of equal priority come out in the order they were put", () => {
  const q = new PriorityQueue<{ p: number; name: string }>(Infinity, (a, b) => a.p - b.p);
  const names = ["a", "b", "c", "d", "e", "f", "g", "h"];
  for (let i = 0; i < names.length; i++) q.putNowait({ p: i % 2, name: names[i]! });
  assert.deepEqual(
    drain(q).map((x) => x.name),
    ["a", "c", "e", "g", "b", "d", "f", "h"],
  );
});

test("FIFO among equals holds through many interleaved puts and takes (checked against a brute-force model)", () => {
  const q = new PriorityQueue<[number, number]>(Infinity, (a, b) => a[0] - b[0]);
  const model: [number, number][] = [];
  const takeFromModel = (): [number, number] => {
    let best = 0;
    for (let i = 1; i < model.length; i++) {
      const [p, s] = model[i]!;
      const [bp, bs] = model[best]!;
      if (p < bp || (p === bp && s < bs)) best = i;
    }
    return model.splice(best, 1)[0]!;
  };
  let seq = 0;
  for (let round = 0; round < 300; round++) {
    for (let i = 0; i < 5; i++) {
      const item: [number, number] = [(round * 7 + i * 3) % 4, seq++];
      q.putNowait(item);
      model.push(item);
    }
    for (let i = 0; i < 3; i++) assert.deepEqual(q.getNowait(), takeFromModel());
  }
  while (model.length > 0) assert.deepEqual(q.getNowait(), takeFromModel());
  assert.equal(q.empty(), true);
});

test("the default order compares [priority, payload] arrays element by element, like Python tuples", () => {
  const q = new PriorityQueue<[number, string]>();
  q.putNowait([10, "ten"]);
  q.putNowait([9, "nine"]);
  q.putNowait([10, "alpha"]);
  q.putNowait([2, "two"]);
  assert.deepEqual(drain(q), [
    [2, "two"],
    [9, "nine"],
    [10, "alpha"],
    [10, "ten"],
  ]);
  const mixed = new PriorityQueue<unknown>();
  for (const x of [3n, 1, 2.5, 0n]) mixed.putNowait(x);
  assert.deepEqual(drain(mixed), [0n, 1, 2.5, 3n]);
  const words = new PriorityQueue<string>();
  for (const w of ["pear", "apple", "fig"]) words.putNowait(w);
  assert.deepEqual(drain(words), ["apple", "fig", "pear"]);
  const dates = new PriorityQueue<Date>();
  dates.putNowait(new Date(2000));
  dates.putNowait(new Date(1000));
  assert.equal(dates.getNowait().getTime(), 1000);
});

test("items without a natural order are a TypeError of the default order, and the queue is unchanged", async () => {
  const q = new PriorityQueue<object>();
  q.putNowait({ id: 1 });
  assert.throws(() => q.putNowait({ id: 2 }), {
    name: "TypeError",
    message:
      "PriorityQueue: the default order compares numbers, bigints, strings, Dates and arrays of them, " +
      "got an instance of Object (object) and an instance of Object (object); pass a compare function",
  });
  await assert.rejects(q.put({ id: 3 }), TypeError, "put reports it through its promise");
  assert.equal(q.qsize(), 1);
  assert.equal(q.unfinishedTasks, 1);
});

test("a comparator that throws fails the put or get that called it and leaves the heap intact", async () => {
  let explode = false;
  const boom = new Error("compare failed");
  const q = new PriorityQueue<number>(Infinity, (a, b) => {
    if (explode) throw boom;
    return a - b;
  });
  for (const n of [4, 8, 1, 6, 3, 9, 2]) q.putNowait(n);
  explode = true;
  await assert.rejects(q.put(0), (e) => e === boom);
  await assert.rejects(q.get(), (e) => e === boom);
  assert.throws(() => q.getNowait(), (e) => e === boom);
  assert.equal(q.qsize(), 7);
  explode = false;
  assert.deepEqual(drain(q), [1, 2, 3, 4, 6, 8, 9]);
});

test("a comparator that returns a non-number is a TypeError, not a silently wrong order", () => {
  const q = new PriorityQueue<number>(Infinity, ((a: number, b: number) => a > b) as unknown as (a: number, b: number) => number);
  q.putNowait(5);
  assert.throws(() => q.putNowait(3), {
    name: "TypeError",
    message: "PriorityQueue: expected compare(a, b) to return a number, got false (boolean)",
  });
  assert.equal(q.qsize(), 1);
});

test("a blocked putter whose item the comparator rejects is rejected when admitted; the get still succeeds", async () => {
  const unlucky = new Error("unlucky");
  const q = new PriorityQueue<number>(2, (a, b) => {
    if (a === 13 || b === 13) throw unlucky;
    return a - b;
  });
  q.putNowait(1);
  q.putNowait(5);
  const bad = track(q.put(13));
  const good = track(q.put(2));
  assert.equal(q.getNowait(), 1, "the get that made room succeeds");
  await flush();
  assert.equal(bad.state, "rejected");
  assert.equal(bad.error, unlucky);
  assert.equal(good.state, "resolved", "the next putter is admitted in its place");
  assert.deepEqual(drain(q), [2, 5]);
  assert.equal(q.unfinishedTasks, 3, "the rejected item was never counted");
});

test("PriorityQueue() validates maxsize first, then compare", () => {
  assert.throws(() => new PriorityQueue(0, 5 as unknown as () => number), {
    name: "RangeError",
    message: "PriorityQueue(): expected maxsize to be a positive integer or Infinity, got 0 (number)",
  });
  assert.throws(() => new PriorityQueue(1, 5 as unknown as () => number), {
    name: "TypeError",
    message: "PriorityQueue(): expected compare to be a function or undefined, got 5 (number)",
  });
});

test("a bounded PriorityQueue blocks putters, hands items straight to waiting getters, and shuts down like Queue", async () => {
  const q = new PriorityQueue<number>(2);
  assert.ok(q instanceof BaseQueue);
  const getter = track(q.get());
  q.putNowait(50);
  await flush();
  assert.equal(getter.value, 50);
  q.putNowait(9);
  q.putNowait(4);
  const putter = track(q.put(1));
  await flush();
  assert.equal(putter.state, "pending");
  assert.equal(q.getNowait(), 4);
  await flush();
  assert.equal(putter.state, "resolved");
  assert.deepEqual([q.getNowait(), q.getNowait()], [1, 9]);
  q.putNowait(7);
  q.shutdown();
  await assert.rejects(q.put(0), { name: "QueueShutDownError", message: "PriorityQueue.put(): the queue was shut down" });
  assert.equal(await q.get(), 7);
  await assert.rejects(q.get(), QueueShutDownError);
});

test("a large random workload comes out sorted", () => {
  const q = new PriorityQueue<number>();
  const values: number[] = [];
  let x = 12345;
  for (let i = 0; i < 20_000; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    values.push(x % 1000);
    q.putNowait(x % 1000);
  }
  assert.deepEqual(drain(q), values.sort((a, b) => a - b));
});
