import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { addWatcher, iwait, removeWatcher, sleep, spawn, wait, type Greenlet, type Waitable, type Watcher } from "../src/index.js";
import { withVirtualClock } from "./helpers.js";

function after<T>(ms: number, value: T): Greenlet<T> {
  return spawn(async (g) => {
    await sleep(ms, { signal: g });
    return value;
  });
}

/** A user-defined waitable: ready once `open()` is called. */
class Gate implements Waitable {
  private isOpen = false;
  readonly watchers = new Set<Watcher>();
  open(): void {
    this.isOpen = true;
    const ws = [...this.watchers];
    this.watchers.clear();
    for (const w of ws) w.notify(this);
  }
  ready(): boolean {
    return this.isOpen;
  }
  [addWatcher](w: Watcher): void {
    if (this.isOpen) w.notify(this);
    else this.watchers.add(w);
  }
  [removeWatcher](w: Watcher): void {
    this.watchers.delete(w);
  }
}

describe("wait", () => {
  test("resolves with the objects in the order they became ready, ready ones first in argument order", () =>
    withVirtualClock(async () => {
      const done = spawn(() => "now");
      await done.join();
      const gate = new Gate();
      const slow = after(20, "slow");
      const fast = after(10, "fast");
      spawn(() => gate.open());
      const ready = await wait<Waitable>([slow, gate, fast, done]);
      assert.deepEqual(ready, [done, gate, fast, slow]);
    }, { autojump: true }));

  test("count returns after that many; the rest are no longer watched", () =>
    withVirtualClock(async () => {
      const gate = new Gate();
      const g = after(10, 1);
      const ready = await wait<Waitable>([gate, g], { count: 1 });
      assert.deepEqual(ready, [g]);
      assert.equal(gate.watchers.size, 0);
    }, { autojump: true }));

  test("own timeout resolves with what is ready; an abort rejects with the reason; both unwatch", () =>
    withVirtualClock(async (clock) => {
      const gate = new Gate();
      const timed = wait([gate], { timeout: 100 });
      await clock.advance(100);
      assert.deepEqual(await timed, []);
      assert.equal(gate.watchers.size, 0);
      const controller = new AbortController();
      const aborted = wait([gate], { signal: controller.signal });
      controller.abort("stop");
      await assert.rejects(aborted, (e) => e === "stop");
      assert.equal(gate.watchers.size, 0);
    }));

  test("rejects non-waitables at the call", () => {
    assert.throws(() => wait([{}] as never), { name: "TypeError", message: /wait\(\): expected objects\[0\] to be a waitable/ });
    assert.throws(() => wait(null as never), { name: "TypeError", message: "wait(): expected objects to be an iterable, got null" });
  });
});

describe("iwait", () => {
  test("yields objects one by one as they become ready", () =>
    withVirtualClock(async () => {
      const gs = [after(30, "c"), after(10, "a"), after(20, "b")];
      const seen: unknown[] = [];
      for await (const g of iwait(gs)) seen.push(g.value);
      assert.deepEqual(seen, ["a", "b", "c"]);
    }, { autojump: true }));

  test("ends quietly on its own timeout, counted from the call", () =>
    withVirtualClock(async (clock) => {
      const gs = [after(10, "a"), after(500, "b")];
      const seen: unknown[] = [];
      for await (const g of iwait(gs, { timeout: 100 })) seen.push(g.value);
      assert.deepEqual(seen, ["a"]);
      assert.equal(clock.now(), 100);
      await gs[1]!.kill();
    }, { autojump: true }));

  test("leaving the loop early unwatches the rest", async () => {
    const a = new Gate();
    const b = new Gate();
    a.open();
    for await (const x of iwait<Waitable>([a, b])) {
      assert.equal(x, a);
      break;
    }
    assert.equal(b.watchers.size, 0);
  });

  test("rejects with the signal's reason when it aborts", async () => {
    const gate = new Gate();
    const controller = new AbortController();
    const loop = (async () => {
      for await (const _ of iwait([gate], { signal: controller.signal })) assert.fail("nothing is ready");
    })();
    await sleep(0);
    controller.abort("stop");
    await assert.rejects(loop, (e) => e === "stop");
    assert.equal(gate.watchers.size, 0);
  });

  test("count limits how many are yielded", async () => {
    const gates = [new Gate(), new Gate(), new Gate()];
    gates.forEach((g) => g.open());
    const seen: unknown[] = [];
    for await (const g of iwait(gates, { count: 2 })) seen.push(g);
    assert.deepEqual(seen, gates.slice(0, 2));
  });

  test("bad input is rejected at the call, before iteration", () => {
    assert.throws(() => iwait(3 as never), { name: "TypeError" });
    assert.throws(() => iwait([], { timeout: NaN }), { name: "RangeError" });
  });
});
