// The real clock: delays past what one Node timer holds (2^31−1 ms) are chained, not clamped.
import { test } from "node:test";
import assert from "node:assert/strict";
import { sleep, withTimeout, Event } from "../../src/index.js";
import { realClock } from "../../src/testing/index.js";
import { captureWarnings } from "../helpers.js";

const MAX = 2 ** 31 - 1;

interface Armed {
  callback: (arg: unknown) => void;
  ms: number;
  arg: unknown;
  id: number;
}

/**
 * Runs `body` with the global setTimeout/clearTimeout replaced by recorders (the real clock looks
 * them up at each call), so the legs of a chain can be inspected and fired by hand.
 */
function withFakeTimers(body: (armed: Armed[], cleared: unknown[]) => void): void {
  const armed: Armed[] = [];
  const cleared: unknown[] = [];
  const realSet = globalThis.setTimeout;
  const realClear = globalThis.clearTimeout;
  globalThis.setTimeout = ((callback: (arg: unknown) => void, ms: number, arg: unknown) => {
    const entry = { callback, ms, arg, id: armed.length };
    armed.push(entry);
    return entry;
  }) as unknown as typeof setTimeout;
  globalThis.clearTimeout = ((handle: unknown) => void cleared.push(handle)) as typeof clearTimeout;
  try {
    body(armed, cleared);
  } finally {
    globalThis.setTimeout = realSet;
    globalThis.clearTimeout = realClear;
  }
}

/** Fires the leg armed last, as Node would when its delay has passed. */
function fire(armed: Armed[]): void {
  const leg = armed.at(-1)!;
  leg.callback(leg.arg);
}

function activeTimeouts(): number {
  return process.getActiveResourcesInfo().filter((kind) => kind === "Timeout").length;
}

test("realClock: 1,000 timers of one duration share one Node timer, and clearing them all leaves none active", () => {
  const before = activeTimeouts();
  const handles = Array.from({ length: 1000 }, (_, i) => realClock.setTimer(() => assert.fail("cleared timers never fire"), 60_000 + 0.5, i));
  assert.equal(activeTimeouts(), before + 1);
  for (const handle of handles) realClock.clearTimer(handle);
  assert.equal(activeTimeouts(), before, "an emptied list's Node timer no longer holds the process");
  realClock.clearTimer(handles[0]); // clearing twice does nothing
});

test("realClock fires timers in deadline order, across durations, and the ones behind a cleared head still fire", async () => {
  const fired: string[] = [];
  const done = new Promise<void>((resolve) => realClock.setTimer(resolve, 40, undefined));
  const a = realClock.setTimer((name) => fired.push(name), 20, "a (cleared)");
  realClock.setTimer((name) => fired.push(name), 20, "b");
  realClock.setTimer((name) => fired.push(name), 20, "c");
  realClock.setTimer((name) => fired.push(name), 5, "d");
  realClock.clearTimer(a);
  await done;
  assert.deepEqual(fired, ["d", "b", "c"]);
});

test("realClock: a timer never fires more than a millisecond before its delay has passed", async () => {
  const start = performance.now();
  const elapsed = await new Promise<number>((resolve) => realClock.setTimer(() => resolve(performance.now() - start), 30, undefined));
  assert.ok(elapsed >= 29, `fired after ${elapsed} ms`);
});

test("realClock chains a delay of 2^31 + 5 ms: a leg of 2^31−1 ms, then one of 6 ms, then the callback", () => {
  withFakeTimers((armed) => {
    const calls: unknown[] = [];
    realClock.setTimer((arg) => calls.push(arg), 2 ** 31 + 5, "done");
    assert.deepEqual(armed.map((a) => a.ms), [MAX]);
    fire(armed);
    assert.deepEqual(armed.map((a) => a.ms), [MAX, 6]);
    assert.deepEqual(calls, [], "the callback waits for the last leg");
    fire(armed);
    assert.deepEqual(calls, ["done"]);
    assert.equal(armed.length, 2, "nothing is armed after the last leg");
  });
});

test("realClock chains as many full legs as a delay needs: 3 × (2^31−1) + 1 ms takes four legs", () => {
  withFakeTimers((armed) => {
    let fired = 0;
    realClock.setTimer(() => fired++, 3 * MAX + 1, undefined);
    for (let i = 0; i < 3; i++) fire(armed);
    assert.deepEqual(armed.map((a) => a.ms), [MAX, MAX, MAX, 1]);
    assert.equal(fired, 0);
    fire(armed);
    assert.equal(fired, 1);
  });
});

test("clearTimer cancels a chained timer on whichever leg is pending", () => {
  withFakeTimers((armed, cleared) => {
    const first = realClock.setTimer(() => {}, 2 ** 31 + 5, undefined);
    realClock.clearTimer(first);
    assert.deepEqual(cleared, [armed[0]], "the first leg is cleared");

    const second = realClock.setTimer(() => {}, 2 ** 31 + 5, undefined);
    fire(armed);
    realClock.clearTimer(second);
    assert.deepEqual(cleared, [armed[0], armed[2]], "the second leg is cleared, not the spent first one");
  });
});

test("sleep(2 ** 31) waits: it is still pending after a shorter real timer, and Node prints no TimeoutOverflowWarning", async () => {
  const warnings = await captureWarnings(async () => {
    const controller = new AbortController();
    let settled = "";
    const long = sleep(2 ** 31, { signal: controller.signal }).then(
      () => (settled = "resolved"),
      () => (settled = "aborted"),
    );
    // Node would clamp the delay to 1 ms; a 5 ms timer armed after it fires after that one would.
    await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(settled, "", "sleep(2 ** 31) returned early");
    controller.abort();
    await long;
    assert.equal(settled, "aborted");
  });
  assert.deepEqual(warnings.map((w) => w.name), []);
});

test("a timeout option past 2^31−1 ms does not expire early either", async () => {
  const warnings = await captureWarnings(async () => {
    const event = new Event();
    let outcome: unknown = "pending";
    const waiting = event.wait({ timeout: 2 ** 32 }).then((v) => (outcome = v));
    const bounded = withTimeout(2 ** 31 + 1, () => event.wait()).then((v) => v);
    await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(outcome, "pending", "the 2^32 ms timeout fired early");
    event.set();
    await waiting;
    assert.equal(outcome, true);
    assert.equal(await bounded, true);
  });
  assert.deepEqual(warnings.map((w) => w.name), []);
});
