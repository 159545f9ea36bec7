// Many waits on one AbortSignal share one abort listener, which fans the abort out to them in
// registration order and leaves the signal when the last wait does.
import { test } from "node:test";
import assert from "node:assert/strict";
import { getEventListeners } from "node:events";
import { Event, Semaphore } from "../../src/sync/index.js";
import { Queue } from "../../src/queue/index.js";
import { QueueEmptyError } from "../../src/errors.js";
import { sleep } from "../../src/sleep.js";
import { withTimeout } from "../../src/timeout.js";
import { captureWarnings, withVirtualClock } from "../helpers.js";

const N = 10_000;

/** Starts N waits on `signal`, cycling through Event.wait, Queue.get, sleep and Semaphore.acquire. */
function startMixed(signal: AbortSignal, order: number[]): Promise<unknown>[] {
  const event = new Event();
  const queue = new Queue<number>();
  const sem = new Semaphore(0);
  const waits: Promise<unknown>[] = [];
  for (let i = 0; i < N; i++) {
    let wait: Promise<unknown>;
    switch (i % 4) {
      case 0:
        wait = event.wait({ signal });
        break;
      case 1:
        wait = queue.get({ signal });
        break;
      case 2:
        wait = sleep(60_000, { signal });
        break;
      default:
        wait = sem.acquire({ signal });
    }
    waits.push(
      wait.then(
        () => assert.fail(`wait ${i} settled without the abort`),
        (reason: unknown) => {
          order.push(i);
          throw reason;
        },
      ),
    );
  }
  return waits;
}

test("10,000 concurrent waits on one AbortSignal hold one abort listener, and the abort rejects each with the reason in FIFO order, with no warning", async () => {
  const warnings = await captureWarnings(() =>
    withVirtualClock(async () => {
      const controller = new AbortController();
      const signal = controller.signal;
      const order: number[] = [];
      const waits = startMixed(signal, order);
      assert.equal(getEventListeners(signal, "abort").length, 1);
      const reason = { why: "shutdown" };
      controller.abort(reason);
      assert.equal(getEventListeners(signal, "abort").length, 0);
      const results = await Promise.allSettled(waits);
      for (const result of results) {
        assert.equal(result.status, "rejected");
        assert.equal((result as PromiseRejectedResult).reason, reason);
      }
      assert.deepEqual(order, Array.from({ length: N }, (_, i) => i));
    }),
  );
  assert.deepEqual(
    warnings.filter((w) => w.name === "MaxListenersExceededWarning"),
    [],
  );
});

test("waits that settle otherwise leave the signal's fan-out, and the last one removes its listener", async () => {
  await withVirtualClock(async (clock) => {
    const controller = new AbortController();
    const signal = controller.signal;
    const event = new Event();
    const queue = new Queue<number>();
    const sem = new Semaphore(0);
    const waits: Promise<unknown>[] = [];
    for (let i = 0; i < N / 4; i++) {
      waits.push(event.wait({ signal }), queue.get({ signal }), sleep(10, { signal }), sem.acquire({ signal }));
    }
    assert.equal(getEventListeners(signal, "abort").length, 1);
    event.set();
    for (let i = 0; i < N / 4; i++) queue.put(i);
    for (let i = 0; i < N / 4; i++) sem.release();
    await clock.advance(10);
    await Promise.all(waits);
    assert.equal(getEventListeners(signal, "abort").length, 0);
    assert.equal(clock.pendingTimers, 0);
  });
});

test("a wait that times out leaves the fan-out: the abort later rejects only the waits still parked", async () => {
  await withVirtualClock(async (clock) => {
    const controller = new AbortController();
    const signal = controller.signal;
    const event = new Event();
    const timingOut = event.wait({ signal, timeout: 5 });
    const parked = event.wait({ signal });
    const queue = new Queue<number>();
    const getting = assert.rejects(queue.get({ signal, timeout: 5 }), QueueEmptyError);
    assert.equal(getEventListeners(signal, "abort").length, 1);
    await clock.advance(5);
    assert.equal(await timingOut, false);
    await getting;
    assert.equal(getEventListeners(signal, "abort").length, 1);
    controller.abort("stop");
    await assert.rejects(parked, (reason) => reason === "stop");
    assert.equal(getEventListeners(signal, "abort").length, 0);
  });
});

test("a wait on an already-aborted AbortSignal rejects at once with its reason and adds no listener", async () => {
  const signal = AbortSignal.abort("gone");
  const event = new Event();
  await assert.rejects(event.wait({ signal }), (reason) => reason === "gone");
  await assert.rejects(new Queue().get({ signal }), (reason) => reason === "gone");
  await assert.rejects(sleep(10, { signal }), (reason) => reason === "gone");
  await assert.rejects(new Semaphore(0).acquire({ signal }), (reason) => reason === "gone");
  assert.equal(getEventListeners(signal, "abort").length, 0);
});

test("waits and withTimeout blocks share one listener per signal, a non-extensible AbortSignal included", async () => {
  await withVirtualClock(async () => {
    const controller = new AbortController();
    const signal = Object.preventExtensions(controller.signal);
    const event = new Event();
    const waits = [
      event.wait({ signal }),
      withTimeout(1000, () => new Promise(() => {}), { signal }),
      event.wait({ signal }),
    ];
    assert.equal(getEventListeners(signal, "abort").length, 1);
    controller.abort("stop");
    for (const wait of waits) await assert.rejects(wait, (reason) => reason === "stop");
    assert.equal(getEventListeners(signal, "abort").length, 0);
  });
});
