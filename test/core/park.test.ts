// Lean parking (src/core/park.ts): a wait given `{ signal: g }` by a running greenlet keeps its
// state in the greenlet. These tests hold it to the rules of every other wait: a kill lands at once
// with the reason, nothing is lost or left behind, and the order is the order the waits were made.
import { test } from "node:test";
import assert from "node:assert/strict";
import { GreenletExit, QueueShutDownError, sleep, spawn, type Greenlet } from "../../src/index.js";
import { Event } from "../../src/sync/index.js";
import { PriorityQueue, Queue } from "../../src/queue/index.js";
import { ParkList, type ParkEntry } from "../../src/core/park.js";
import { nextTurn } from "../helpers.js";

/** White-box: the cancellation state a greenlet allocated (none, when every wait parked lean). */
function cancelStateOf(g: Greenlet<any>): unknown {
  return (g as unknown as { extra?: { cancel?: unknown } }).extra?.cancel;
}

/** White-box: what an Event holds parked, lean single waiter included. */
function parkedOn(event: Event): number {
  const internals = event as unknown as { parked: { _parkedIn(): boolean } | null; waiters: { head: unknown; list: ParkList } | null };
  return (internals.parked === null || !internals.parked._parkedIn() ? 0 : 1) + (internals.waiters === null ? 0 : (internals.waiters.head === null ? 0 : 1) + internals.waiters.list.size);
}

test("a kill lands at once in an Event.wait({ signal: g }), with the kill's exception, and the event holds nothing after", async () => {
  const event = new Event();
  const reason = new GreenletExit("stop");
  let caught: unknown;
  const g = spawn(async (g) => {
    try {
      await event.wait({ signal: g });
    } catch (error) {
      caught = error;
      throw error;
    }
  });
  await nextTurn();
  assert.equal(parkedOn(event), 1);
  assert.equal(await g.kill({ exception: reason }), true);
  assert.equal(caught, reason);
  assert.equal(g.value, reason);
  assert.equal(parkedOn(event), 0);
  event.set(); // nothing left to wake, and nothing throws
  assert.equal(await event.wait({ signal: spawn(async () => {}) }), true);
});

test("Event.set wakes lean, plain, timed and AbortSignal waits in the order the waits were made", async () => {
  const event = new Event();
  const order: string[] = [];
  const controller = new AbortController();
  const lean = (name: string): Greenlet<void> =>
    spawn(async (g) => {
      assert.equal(await event.wait({ signal: g }), true);
      order.push(name);
    });
  const a = lean("lean a");
  await nextTurn();
  const plain = event.wait().then(() => order.push("plain"));
  const b = lean("lean b");
  await nextTurn();
  const timed = event.wait({ timeout: 60_000 }).then(() => order.push("timed"));
  const c = lean("lean c");
  await nextTurn();
  const aborting = event.wait({ signal: controller.signal }).then(() => order.push("abort signal"));
  const d = lean("lean d");
  await nextTurn();
  assert.equal(parkedOn(event), 7); // the plain wait opened a batch of its own between lean a and lean b
  event.set();
  await Promise.all([plain, timed, aborting, a.join(), b.join(), c.join(), d.join()]);
  assert.deepEqual(order, ["lean a", "plain", "lean b", "timed", "lean c", "abort signal", "lean d"]);
});

test("killing one of several lean waiters rejects only that one; the others wake in order", async () => {
  const event = new Event();
  const woken: number[] = [];
  const greenlets = [0, 1, 2, 3, 4].map((i) =>
    spawn(async (g) => {
      await event.wait({ signal: g });
      woken.push(i);
    }),
  );
  await nextTurn();
  await greenlets[0]!.kill();
  await greenlets[3]!.kill();
  assert.equal(parkedOn(event), 3);
  event.set();
  await Promise.all(greenlets.map((g) => g.join()));
  assert.deepEqual(woken, [1, 2, 4]);
  assert.deepEqual(greenlets.map((g) => g.value instanceof GreenletExit), [true, false, false, true, false]);
});

test("a lean wait that outlives its greenlet (a race it abandoned) still settles at the next set(), first in line", async () => {
  const event = new Event();
  const order: string[] = [];
  let abandoned: Promise<boolean> | undefined;
  const g = spawn(async (g) => {
    abandoned = event.wait({ signal: g });
    await Promise.race([abandoned, sleep(0)]);
    return "ended";
  });
  await g.join();
  assert.equal(g.value, "ended");
  const later = event.wait().then(() => order.push("later plain wait"));
  void abandoned!.then((value) => order.push(`abandoned wait: ${value}`));
  await g.kill(); // dead already: changes nothing
  event.set();
  await later;
  await nextTurn();
  assert.deepEqual(order, ["abandoned wait: true", "later plain wait"]);
});

test("a lean wait parked behind others that outlives its greenlet keeps its place", async () => {
  const event = new Event();
  const order: string[] = [];
  const first = spawn(async (g) => {
    await event.wait({ signal: g });
    order.push("first");
  });
  await nextTurn();
  let abandoned: Promise<boolean> | undefined;
  const racer = spawn(async (g) => {
    abandoned = event.wait({ signal: g });
    await Promise.race([abandoned, sleep(0)]);
  });
  await racer.join();
  const last = event.wait().then(() => order.push("last"));
  void abandoned!.then(() => order.push("abandoned"));
  event.set();
  await Promise.all([first.join(), last]);
  await nextTurn();
  assert.deepEqual(order, ["first", "abandoned", "last"]);
});

test("a wait given another running greenlet as its signal is rejected when that greenlet is killed", async () => {
  const event = new Event();
  const worker = spawn(async (g) => {
    await sleep(60_000, { signal: g });
  });
  await nextTurn();
  const outside = event.wait({ signal: worker });
  const exit = new GreenletExit("done");
  await worker.kill({ exception: exit });
  await assert.rejects(outside, (error) => error === exit);
});

test("two waits at once given the same greenlet both reject on its kill; the second takes the general path", async () => {
  const a = new Event();
  const b = new Event();
  const q = new Queue<number>();
  const reasons: unknown[] = [];
  const g = spawn(async (g) => {
    const results = await Promise.allSettled([a.wait({ signal: g }), b.wait({ signal: g }), q.get({ signal: g })]);
    for (const result of results) reasons.push(result.status === "rejected" ? result.reason : result.value);
  });
  await nextTurn();
  const exit = new GreenletExit();
  // kill() without blocking: the function catches every rejection and returns normally.
  await g.kill({ exception: exit, block: false });
  await g.join();
  assert.deepEqual(reasons, [exit, exit, exit]);
  assert.equal(parkedOn(a) + parkedOn(b), 0);
  q.putNowait(1);
  assert.equal(q.qsize(), 1, "the aborted get took nothing");
});

test("1,000,000 sequential killable waits on one greenlet leave no registration behind", async () => {
  const ping = new Event();
  const pong = new Event();
  const q = new Queue<number>(1);
  const N = 250_000;
  // Event ping-pong: each greenlet makes N waits on an Event, then N gets or puts on a Queue(1).
  const a = spawn(async (g) => {
    for (let i = 0; i < N; i++) {
      ping.set();
      await pong.wait({ signal: g });
      pong.clear();
    }
    for (let i = 0; i < N; i++) await q.put(i, { signal: g });
  });
  const b = spawn(async (g) => {
    for (let i = 0; i < N; i++) {
      await ping.wait({ signal: g });
      ping.clear();
      pong.set();
    }
    let sum = 0;
    for (let i = 0; i < N; i++) sum += await q.get({ signal: g });
    return sum;
  });
  await Promise.all([a.join(), b.join()]);
  assert.equal(b.value, (N * (N - 1)) / 2);
  assert.equal(cancelStateOf(a), undefined);
  assert.equal(cancelStateOf(b), undefined);
  assert.equal(parkedOn(ping) + parkedOn(pong), 0);
  assert.equal(String(q), "<Queue maxsize=1 qsize=0 getters=0 putters=0>");
});

test("an aborted lean get takes no item and an aborted lean put adds none", async () => {
  const q = new Queue<string>(1);
  const getter = spawn(async (g) => q.get({ signal: g }));
  await nextTurn();
  await getter.kill();
  await q.put("kept");
  assert.equal(q.qsize(), 1);
  const putter = spawn(async (g) => q.put("dropped", { signal: g }));
  await nextTurn();
  assert.equal(String(q), "<Queue maxsize=1 qsize=1 getters=0 putters=1>");
  await putter.kill();
  assert.equal(String(q), "<Queue maxsize=1 qsize=1 getters=0 putters=0>");
  assert.equal(await q.get(), "kept");
  assert.equal(q.qsize(), 0);
  assert.equal(q.unfinishedTasks, 1);
});

test("lean and general putters on a full queue are admitted in arrival order; killed ones are skipped", async () => {
  const q = new Queue<string>(1);
  q.putNowait("first");
  const lean = (item: string): Greenlet<void> => spawn(async (g) => q.put(item, { signal: g }));
  const a = lean("a");
  await nextTurn();
  const b = q.put("b", { timeout: 60_000 });
  const c = lean("c");
  await nextTurn();
  const d = lean("d");
  await nextTurn();
  await c.kill();
  const got: string[] = [];
  for (let i = 0; i < 4; i++) got.push(await q.get());
  await Promise.all([a.join(), b, d.join()]);
  assert.deepEqual(got, ["first", "a", "b", "d"]);
});

test("shutdown rejects lean getters and putters with QueueShutDownError", async () => {
  const empty = new Queue<number>();
  const full = new Queue<number>(1);
  full.putNowait(0);
  const getter = spawn(async (g) => empty.get({ signal: g }));
  const putter = spawn(async (g) => full.put(1, { signal: g }));
  await nextTurn();
  empty.shutdown();
  full.shutdown();
  await assert.rejects(getter.get(), QueueShutDownError);
  await assert.rejects(putter.get(), QueueShutDownError);
  assert.equal(full.qsize(), 1);
});

test("a comparator that throws while a lean putter is admitted rejects that put only", async () => {
  const boom = new Error("cannot compare");
  const q = new PriorityQueue<number>(2, (a, b) => {
    if (a === 13 || b === 13) throw boom;
    return a - b;
  });
  q.putNowait(1);
  q.putNowait(5);
  const bad = spawn(async (g) => q.put(13, { signal: g }));
  const good = spawn(async (g) => q.put(2, { signal: g }));
  await nextTurn();
  assert.equal(await q.get(), 1);
  await assert.rejects(bad.get(), (error) => error === boom);
  await good.join();
  assert.equal(q.getNowait(), 2);
  assert.equal(q.getNowait(), 5);
});

test("a lean wait on an aborted greenlet rejects at once, even when the event is set or an item is there", async () => {
  const event = new Event();
  event.set();
  const q = new Queue<number>();
  q.putNowait(1);
  const exit = new GreenletExit();
  let results: PromiseSettledResult<unknown>[] = [];
  const g = spawn(async (g) => {
    await sleep(0, { signal: g }).catch(() => {});
    results = await Promise.allSettled([event.wait({ signal: g }), q.get({ signal: g }), q.put(2, { signal: g })]);
  });
  await nextTurn();
  g._kill(exit);
  await g.join();
  assert.deepEqual(results.map((r) => (r.status === "rejected" ? r.reason : "resolved")), [exit, exit, exit]);
  assert.equal(q.qsize(), 1);
});

class Entry implements ParkEntry {
  live = true;
  woken: unknown = undefined;
  _parkedIn(): boolean {
    return this.live;
  }
  _take(): boolean {
    return this.live;
  }
  _wake(value: unknown): void {
    this.woken = value;
  }
  _fail(reason: unknown): void {
    this.woken = reason;
  }
}

test("ParkList: entries that leave early are skipped and counted out of size; pushing sweeps them once the list has doubled", () => {
  const list = new ParkList(true);
  const entries = Array.from({ length: 100 }, () => new Entry());
  entries.forEach((entry, i) => list.push(entry, i));
  assert.equal(list.size, 100);
  for (let i = 0; i < 90; i++) entries[i]!.live = false;
  assert.equal(list.size, 10);
  const internals = list as unknown as { tail: number; head: number };
  // Growing past the sweep threshold drops the 90 stale entries and keeps the order.
  const more = Array.from({ length: 200 }, () => new Entry());
  more.forEach((entry, i) => list.push(entry, 100 + i));
  assert.equal(list.size, 210);
  assert.ok(internals.tail - internals.head <= 2 * 210, `${internals.tail - internals.head} slots held for 210 live entries`);
  const shifted: unknown[] = [];
  for (let entry = list.shift(); entry !== null; entry = list.shift()) shifted.push(list.item);
  assert.deepEqual(shifted, [...Array.from({ length: 10 }, (_, i) => 90 + i), ...Array.from({ length: 200 }, (_, i) => 100 + i)]);
  assert.equal(list.size, 0);
  assert.equal(list.vacant, true);
});

test("a killed lean waiter is rejected synchronously by kill(): its catch runs on the next microtask", async () => {
  const event = new Event();
  const q = new Queue<number>();
  const order: string[] = [];
  const make = (name: string, wait: (g: Greenlet<void>) => Promise<unknown>): Greenlet<void> =>
    spawn(async (g) => {
      try {
        await wait(g);
      } catch {
        order.push(name);
      }
    });
  const a = make("event", (g) => event.wait({ signal: g }));
  const b = make("queue", (g) => q.get({ signal: g }));
  const c = make("sleep", (g) => sleep(0, { signal: g }));
  await null;
  for (const g of [a, b, c]) void g.kill({ block: false });
  await null;
  assert.deepEqual(order, ["event", "queue", "sleep"]);
});

test("killed lean waiters on one Event leave it reusable and bounded: 10,000 killed, then one set() wakes the live one", async () => {
  const event = new Event();
  const killed = Array.from({ length: 10_000 }, () => spawn(async (g) => event.wait({ signal: g })));
  await nextTurn();
  for (const g of killed) g._kill(undefined);
  await Promise.all(killed.map((g) => g.join()));
  const live = spawn(async (g) => event.wait({ signal: g }));
  await nextTurn();
  assert.equal(parkedOn(event), 1);
  event.set();
  assert.equal(await live.get(), true);
  assert.equal(parkedOn(event), 0);
});
