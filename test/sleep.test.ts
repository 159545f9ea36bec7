import { test } from "node:test";
import assert from "node:assert/strict";
import { joinall, sleep, spawn, type Greenlet } from "../src/index.js";
import { getClock, realClock, setClock, type Clock } from "../src/core/clock.js";
import { installVirtualClock } from "../src/testing/index.js";

test("sleep(0) lets every greenlet that is ready run first", async () => {
  const order: string[] = [];
  spawn(async () => {
    order.push("a1");
    await null;
    order.push("a2");
    await null;
    order.push("a3");
  });
  spawn(() => void order.push("b"));
  await sleep(0);
  order.push("after sleep(0)");
  assert.deepEqual(order, ["a1", "b", "a2", "a3", "after sleep(0)"]);
});

test("every sleep(0) of one turn shares one yieldTurn and wakes in the order it was called", async () => {
  let yields = 0;
  const counting: Clock = { ...realClock, yieldTurn: (callback) => { yields++; realClock.yieldTurn(callback); } };
  const previous = setClock(counting);
  try {
    const order: string[] = [];
    const greenlets: Greenlet<void>[] = [];
    for (const name of ["a", "b", "c", "d"]) {
      greenlets.push(spawn(async (g) => {
        await (name === "b" || name === "d" ? sleep(0) : sleep(0, { signal: g }));
        order.push(name);
        await sleep(0, { signal: g });
        order.push(`${name} again`);
      }));
    }
    await joinall(greenlets);
    assert.deepEqual(order, ["a", "b", "c", "d", "a again", "b again", "c again", "d again"]);
    assert.equal(yields, 2);
  } finally {
    setClock(previous);
  }
  assert.equal(getClock(), previous);
});

test("a kill lands at once in a batched sleep(0) with the kill's reason, and the rest of the batch still wakes", async () => {
  const order: string[] = [];
  const reason = new Error("stop b");
  let caught: unknown;
  const make = (name: string) => spawn(async (g) => {
    try {
      await sleep(0, { signal: g });
      order.push(name);
    } catch (error) {
      caught = error;
      order.push(`${name} killed`);
    }
  });
  const [a, b, c] = [make("a"), make("b"), make("c")];
  await null; // every greenlet is parked in sleep(0) now
  void b.kill({ exception: reason, block: false });
  await null;
  assert.deepEqual(order, ["b killed"]);
  assert.equal(caught, reason);
  await joinall([a, b, c]);
  assert.deepEqual(order, ["b killed", "a", "c"]);
});

test("sleep(ms) resolves once the virtual clock reaches the deadline, not before", async () => {
  const clock = installVirtualClock();
  try {
    let woke = false;
    const slept = sleep(1000).then(() => (woke = true));
    await clock.advance(999);
    assert.equal(woke, false);
    await clock.advance(1);
    await slept;
    assert.equal(woke, true);
    assert.equal(clock.pendingTimers, 0);
  } finally {
    clock.uninstall();
  }
});

test("sleep rejects with exactly the signal's reason and clears its timer", async () => {
  const clock = installVirtualClock();
  try {
    const controller = new AbortController();
    const reason = new Error("stop");
    const slept = sleep(10_000, { signal: controller.signal });
    controller.abort(reason);
    await assert.rejects(slept, (error) => error === reason);
    assert.equal(clock.pendingTimers, 0);
  } finally {
    clock.uninstall();
  }
});

test("sleep rejects bad durations at the call, naming the argument", () => {
  assert.throws(() => sleep(-1), { name: "RangeError", message: "sleep(): expected ms to be a finite number of milliseconds ≥ 0, got -1 (number)" });
  assert.throws(() => sleep(NaN), { name: "RangeError", message: /sleep\(\): expected ms .* got NaN \(number\)/ });
  assert.throws(() => sleep(Infinity), { name: "RangeError", message: /got Infinity \(number\)/ });
  assert.throws(() => sleep("5" as unknown as number), { name: "TypeError", message: /got "5" \(string\)/ });
  assert.throws(() => sleep(5, { signal: {} as AbortSignal }), {
    name: "TypeError",
    message: "sleep(): expected signal to be an AbortSignal, a Greenlet or a Timeout, got an instance of Object (object)",
  });
});

test("a pending wait keeps the process alive until it settles, then lets it exit", async () => {
  const { execFileSync } = await import("node:child_process");
  const script = [
    'import { sleep, spawn } from "greenthread";',
    "const g = spawn(async (g) => { await sleep(50, { signal: g }); return 'woke'; });",
    "console.log(await g.get());",
  ].join("\n");
  // Nothing but the library's timer is pending: the process must wait for it, print, and exit.
  const out = execFileSync(process.execPath, ["--import", "tsx", "--conditions=source", "--input-type=module", "-e", script], {
    cwd: new URL("..", import.meta.url),
    encoding: "utf8",
    timeout: 30_000,
  });
  assert.equal(out, "woke\n");
});
