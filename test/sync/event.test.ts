import { test } from "node:test";
import assert from "node:assert/strict";
import { GreenletExit, iwait, sleep, spawn, wait, type Greenlet } from "../../src/index.js";
import { Event } from "../../src/sync/index.js";
import { installVirtualClock } from "../../src/testing/index.js";

/** Lets every pending microtask (and every greenlet that is ready) run. */
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** How many entries are parked on the event (batches count once): white-box, for "leaves nothing behind". */
function parked(event: Event): number {
  const internals = event as unknown as { parked: { _parkedIn(): boolean } | null; waiters: { head: unknown; list: { size: number } } | null };
  // A killed lean waiter may stay in the field until the next wait or set(); it is stale, not parked.
  const single = internals.parked === null || !internals.parked._parkedIn() ? 0 : 1;
  const waiters = internals.waiters;
  if (waiters === null) return single;
  return single + (waiters.head === null ? 0 : 1) + waiters.list.size;
}

test("Event starts cleared; set() raises the flag, clear() lowers it", () => {
  const event = new Event();
  assert.equal(event.isSet(), false);
  assert.equal(event.ready(), false);
  event.set();
  assert.equal(event.isSet(), true);
  assert.equal(event.ready(), true);
  event.set();
  assert.equal(event.isSet(), true);
  event.clear();
  assert.equal(event.isSet(), false);
  assert.equal(String(event), "<Event clear>");
});

test("Event.wait resolves true at once while the flag is set", async () => {
  const event = new Event();
  event.set();
  assert.equal(await event.wait(), true);
  assert.equal(await event.wait({ timeout: 0 }), true);
  assert.equal(await event.wait({ signal: new AbortController().signal }), true);
  assert.equal(parked(event), 0);
});

test("Event.set wakes every waiter with true in the order they called wait(), plain and timed waits mixed", async () => {
  const clock = installVirtualClock();
  try {
    const event = new Event();
    const controller = new AbortController();
    const order: string[] = [];
    const waits = [
      event.wait().then((v) => order.push(`p1 ${v}`)),
      event.wait({ timeout: 1000 }).then((v) => order.push(`t2 ${v}`)),
      event.wait().then((v) => order.push(`p3 ${v}`)),
      event.wait().then((v) => order.push(`p4 ${v}`)),
      event.wait({ signal: controller.signal }).then((v) => order.push(`s5 ${v}`)),
      event.wait().then((v) => order.push(`p6 ${v}`)),
    ];
    event.set();
    await Promise.all(waits);
    assert.deepEqual(order, ["p1 true", "t2 true", "p3 true", "p4 true", "s5 true", "p6 true"]);
    assert.equal(clock.pendingTimers, 0);
    assert.equal(parked(event), 0);
  } finally {
    clock.uninstall();
  }
});

test("greenlets parked on one Event wake in the order they started waiting", async () => {
  const event = new Event();
  const order: number[] = [];
  const greenlets: Greenlet<void>[] = [];
  for (let i = 0; i < 20; i++) {
    greenlets.push(
      spawn(async (g, n: number) => {
        // Every third waits with its greenlet as signal, so plain and per-waiter waits interleave.
        const woke = n % 3 === 0 ? await event.wait({ signal: g }) : await event.wait();
        assert.equal(woke, true);
        order.push(n);
      }, i),
    );
  }
  await turn();
  event.set();
  await turn();
  assert.deepEqual(order, Array.from({ length: 20 }, (_, i) => i));
});

test("Event.wait resolves true when set() came during the wait, even if clear() followed before the waiter ran", async () => {
  const clock = installVirtualClock();
  try {
    const event = new Event();
    const plain = event.wait();
    const timed = event.wait({ timeout: 100 });
    event.set();
    event.clear();
    assert.equal(await plain, true);
    assert.equal(await timed, true);
    assert.equal(event.isSet(), false);
    assert.equal(clock.pendingTimers, 0);
  } finally {
    clock.uninstall();
  }
});

test("a wait made after set() and clear() parks for the next set(), not the one that woke the others", async () => {
  const event = new Event();
  const first = event.wait();
  event.set();
  event.clear();
  let second = false;
  const next = event.wait().then((v) => (second = v));
  assert.notEqual(next, first);
  assert.equal(await first, true);
  await turn();
  assert.equal(second, false);
  event.set();
  await next;
  assert.equal(second, true);
});

test("plain waits share one promise per set/clear cycle", () => {
  const event = new Event();
  const a = event.wait();
  const b = event.wait();
  assert.equal(a, b);
  const timed = event.wait({ signal: new AbortController().signal });
  assert.notEqual(timed, a);
  // A wait with its own Waiter closes the batch: a later plain wait must not wake before it.
  const c = event.wait();
  assert.notEqual(c, a);
  assert.equal(parked(event), 3);
  event.set();
  assert.equal(parked(event), 0);
});

test("Event.wait resolves false on its own timeout and leaves no waiter behind", async () => {
  const clock = installVirtualClock();
  try {
    const event = new Event();
    let outcome: boolean | undefined;
    const timed = event.wait({ timeout: 1000 }).then((v) => (outcome = v));
    await clock.advance(999);
    assert.equal(outcome, undefined);
    await clock.advance(1);
    await timed;
    assert.equal(outcome, false);
    assert.equal(parked(event), 0);
    assert.equal(clock.pendingTimers, 0);
    event.set(); // nothing left to wake
    assert.equal(outcome, false);
  } finally {
    clock.uninstall();
  }
});

test("a timed-out waiter leaves the others in their order", async () => {
  const clock = installVirtualClock();
  try {
    const event = new Event();
    const order: string[] = [];
    const waits = [
      event.wait().then((v) => order.push(`a ${v}`)),
      event.wait({ timeout: 10 }).then((v) => order.push(`b ${v}`)),
      event.wait({ timeout: 50 }).then((v) => order.push(`c ${v}`)),
      event.wait().then((v) => order.push(`d ${v}`)),
    ];
    await clock.advance(10);
    assert.deepEqual(order, ["b false"]);
    event.wait().then((v) => order.push(`e ${v}`));
    event.set();
    await Promise.all(waits);
    await turn();
    assert.deepEqual(order, ["b false", "a true", "c true", "d true", "e true"]);
    assert.equal(clock.pendingTimers, 0);
  } finally {
    clock.uninstall();
  }
});

test("Event.wait rejects with exactly the signal's reason, clears its timer and leaves the wait list", async () => {
  const clock = installVirtualClock();
  try {
    const event = new Event();
    const controller = new AbortController();
    const reason = new Error("stop");
    const waiting = event.wait({ timeout: 5000, signal: controller.signal });
    const other = event.wait();
    controller.abort(reason);
    await assert.rejects(waiting, (error) => error === reason);
    assert.equal(clock.pendingTimers, 0);
    assert.equal(parked(event), 1);
    event.set();
    assert.equal(await other, true);
  } finally {
    clock.uninstall();
  }
});

test("Event.wait rejects at once with the reason of an already-aborted signal, even while set", async () => {
  const event = new Event();
  event.set();
  const reason = new Error("gone");
  await assert.rejects(event.wait({ signal: AbortSignal.abort(reason) }), (error) => error === reason);
  event.clear();
  await assert.rejects(event.wait({ timeout: 10, signal: AbortSignal.abort(reason) }), (error) => error === reason);
  assert.equal(parked(event), 0);
});

test("a kill of the greenlet waiting on an Event lands at the wait at once, with the kill's reason", async () => {
  const event = new Event();
  const reason = new Error("killed for the test");
  let caught: unknown;
  const g = spawn(async (g) => {
    try {
      await event.wait({ signal: g });
    } catch (error) {
      caught = error;
      throw error;
    }
  });
  await turn();
  assert.equal(await g.kill({ exception: reason }), true);
  assert.equal(caught, reason);
  assert.equal(g.exception, reason);
  assert.equal(parked(event), 0);

  const h = spawn(async (g) => {
    await event.wait({ timeout: 60_000, signal: g });
  });
  await turn();
  assert.equal(await h.kill(), true);
  assert.ok((h.value as unknown) instanceof GreenletExit);
  assert.equal(h.successful(), true);
});

test("Event is a waitable for wait() and iwait(): ready while set, notified by set()", async () => {
  const event = new Event();
  const other = new Event();
  const waiting = wait([other, event], { count: 1 });
  event.set();
  assert.deepEqual(await waiting, [event]);
  assert.deepEqual(await wait([other, event], { count: 1 }), [event]);
  const seen: Event[] = [];
  setImmediate(() => other.set());
  for await (const ready of iwait([other, event])) seen.push(ready as Event);
  assert.deepEqual(seen, [event, other]);
});

test("Event.wait rejects bad options at the call, naming the call and the argument", () => {
  const event = new Event();
  assert.throws(() => event.wait({ timeout: -1 }), {
    name: "RangeError",
    message: "Event.wait(): expected timeout to be a number of milliseconds ≥ 0 or undefined, got -1 (number)",
  });
  assert.throws(() => event.wait({ timeout: NaN }), { name: "RangeError", message: /got NaN \(number\)/ });
  assert.throws(() => event.wait({ timeout: "5" as unknown as number }), { name: "TypeError", message: /Event\.wait\(\): expected timeout .* got "5" \(string\)/ });
  assert.throws(() => event.wait(null as unknown as undefined), {
    name: "TypeError",
    message: "Event.wait(): expected options to be an object or undefined, got null",
  });
  assert.throws(() => event.wait({ signal: {} as AbortSignal }), {
    name: "TypeError",
    message: "Event.wait(): expected signal to be an AbortSignal, a Greenlet or a Timeout, got an instance of Object (object)",
  });
  assert.equal(parked(event), 0);
});

test("an Event wait with timeout Infinity waits like one without", async () => {
  const clock = installVirtualClock();
  try {
    const event = new Event();
    const waiting = event.wait({ timeout: Infinity });
    assert.equal(clock.pendingTimers, 0);
    await sleep(0);
    event.set();
    assert.equal(await waiting, true);
  } finally {
    clock.uninstall();
  }
});

test("100,000 greenlets parked on one Event share one batch and all wake, in spawn order", async () => {
  const N = 100_000;
  const event = new Event();
  let next = 0;
  let outOfOrder = 0;
  const greenlets: Greenlet<void>[] = new Array(N);
  for (let i = 0; i < N; i++) {
    greenlets[i] = spawn(async (_g, n: number) => {
      await event.wait();
      if (n !== next) outOfOrder++;
      next++;
    }, i);
  }
  await turn();
  assert.equal(parked(event), 1);
  event.set();
  await turn();
  assert.equal(next, N);
  assert.equal(outOfOrder, 0);
  assert.ok(greenlets.every((g) => g.dead && g.successful()));
});
