import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Greenlet, GreenletExit, TimeoutError, sleep, spawn, spawnLater } from "../src/index.js";
import { captureReports, captureStderr, deferred, nextTurn, withVirtualClock } from "./helpers.js";

describe("spawn and start", () => {
  test("spawn passes the greenlet first, then the arguments, and the spawner keeps running until it awaits", async () => {
    const seen: unknown[] = [];
    const g = spawn((self, a: number, b: string) => {
      seen.push(self, a, b);
      return a * 2;
    }, 21, "x");
    seen.push("spawner still running");
    assert.equal(g.started, true);
    assert.equal(g.dead, false);
    assert.equal(await g.get(), 42);
    assert.deepEqual(seen, ["spawner still running", g, 21, "x"]);
  });

  test("greenlets start in spawn order, each on a later microtask", async () => {
    const order: number[] = [];
    const gs = [1, 2, 3, 4].map((n) => spawn(() => void order.push(n)));
    assert.deepEqual(order, []);
    await Promise.all(gs.map((g) => g.join()));
    assert.deepEqual(order, [1, 2, 3, 4]);
  });

  test("thousands spawned at once start in spawn order; one spawned while they start goes after them", async () => {
    const started: number[] = [];
    const gs: Greenlet<void>[] = [];
    for (let i = 0; i < 2000; i++) {
      gs.push(
        spawn(() => {
          started.push(i);
          if (i === 0) gs.push(spawn(() => void started.push(-1)));
        }),
      );
    }
    await Promise.all(gs.map((g) => g.join()));
    assert.equal(started.length, 2001);
    assert.deepEqual(started.slice(0, 2000), Array.from({ length: 2000 }, (_, i) => i));
    assert.equal(started[2000], -1);
  });

  test("passes any number of arguments", async () => {
    const none = spawn((g) => g.id);
    const three = spawn((_g, a: number, b: number, c: number) => a + b + c, 1, 2, 3);
    const arrayArg = spawn((_g, list: number[]) => list.length, [7, 8]);
    assert.equal(await none.get(), none.id);
    assert.equal(await three.get(), 6);
    assert.equal(await arrayArg.get(), 2);
  });

  test("a new Greenlet does not run until start(); start() twice runs it once", async () => {
    let runs = 0;
    const g = new Greenlet(() => ++runs);
    await nextTurn();
    assert.equal(runs, 0);
    assert.equal(g.started, false);
    g.start();
    g.start();
    await g.join();
    assert.equal(runs, 1);
    assert.equal(g.value, 1);
  });

  test("ids are sequential and names default to Greenlet-<id> and are assignable", () => {
    const a = new Greenlet(() => undefined);
    const b = new Greenlet(() => undefined);
    assert.equal(b.id, a.id + 1);
    assert.equal(a.name, `Greenlet-${a.id}`);
    a.name = "worker";
    assert.equal(a.name, "worker");
    assert.equal(String(a), "<worker new>");
    assert.throws(() => (a.name = 5 as unknown as string), { name: "TypeError", message: "Greenlet.name: expected a string, got 5 (number)" });
  });

  test("startLater and spawnLater start once the clock reaches the delay", () =>
    withVirtualClock(async (clock) => {
      const order: string[] = [];
      const late = spawnLater(100, (_g, tag: string) => void order.push(tag), "spawnLater");
      const manual = new Greenlet(() => void order.push("startLater")).startLater(50);
      assert.equal(late.started, true);
      await clock.advance(49);
      assert.deepEqual(order, []);
      await clock.advance(1);
      assert.deepEqual(order, ["startLater"]);
      await clock.advance(50);
      assert.deepEqual(order, ["startLater", "spawnLater"]);
      assert.equal(manual.dead && late.dead, true);
    }));

  test("bad arguments are rejected at the call with the call, argument, expectation and value", () => {
    assert.throws(() => spawn(42 as never), { name: "TypeError", message: "spawn(): expected fn to be a function, got 42 (number)" });
    assert.throws(() => new Greenlet(null as never), { name: "TypeError", message: "new Greenlet(): expected fn to be a function, got null" });
    assert.throws(() => spawnLater(-5, () => 1), { name: "RangeError", message: "spawnLater(): expected ms to be a finite number of milliseconds ≥ 0, got -5 (number)" });
    assert.throws(() => spawnLater(NaN, () => 1), { name: "RangeError" });
    assert.throws(() => spawnLater(Infinity, () => 1), { name: "RangeError" });
    assert.throws(() => new Greenlet(() => 1).startLater("1" as never), { name: "TypeError", message: /startLater\(\): expected ms .* got "1" \(string\)/ });
    const g = spawn(() => 1);
    assert.throws(() => g.join({ timeout: -1 }), { name: "RangeError", message: "Greenlet.join(): expected timeout to be a number of milliseconds ≥ 0 or undefined, got -1 (number)" });
    assert.throws(() => g.get({ timeout: NaN }), { name: "RangeError" });
    assert.throws(() => g.kill({ timeout: "x" as never }), { name: "TypeError" });
    assert.throws(() => g.join("soon" as never), { name: "TypeError", message: 'Greenlet.join(): expected options to be an object or undefined, got "soon" (string)' });
    assert.throws(() => g.link(3 as never), { name: "TypeError", message: "Greenlet.link(): expected callback to be a function or a link target, got 3 (number)" });
  });
});

describe("outcome", () => {
  test("a greenlet that returns is successful with its value", async () => {
    const g = spawn(async () => "done");
    assert.equal(g.ready(), false);
    assert.equal(await g.join(), true);
    assert.equal(g.ready(), true);
    assert.equal(g.dead, true);
    assert.equal(g.started, false);
    assert.equal(g.successful(), true);
    assert.equal(g.value, "done");
    assert.equal(g.exception, undefined);
  });

  test("a greenlet that throws fails; join resolves true, get rejects with the error", async () => {
    const boom = new Error("boom");
    const g = spawn(() => {
      throw boom;
    });
    assert.equal(await g.join(), true);
    assert.equal(g.successful(), false);
    assert.equal(g.value, undefined);
    assert.equal(g.exception, boom);
    await assert.rejects(g.get(), (e) => e === boom);
  });

  test("a function returning a thenable whose then() throws fails the greenlet, and later greenlets still start", async () => {
    const broken = new Error("then() is broken");
    const g = spawn(() => ({
      then() {
        throw broken;
      },
    }));
    const next = spawn(() => "started");
    assert.equal(await next.get(), "started");
    await g.join();
    assert.equal(g.exception, broken);
  });

  test("a function returning a foreign thenable ends with its value", async () => {
    const thenable = { then: (resolve: (v: number) => void) => resolve(9) };
    const g = spawn(() => thenable as unknown as PromiseLike<number>);
    assert.equal(await g.get(), 9);
  });

  test("a greenlet that throws undefined still counts as failed", async () => {
    const g = spawn(async () => {
      throw undefined;
    });
    await g.join();
    assert.equal(g.successful(), false);
    assert.equal(g.exception, undefined);
    await assert.rejects(g.get(), (e) => e === undefined);
  });

  test("get({ block: false }) rejects with TimeoutError while not ready, and gives the value once ready", async () => {
    const gate = deferred();
    const g = spawn(async () => {
      await gate.promise;
      return 7;
    });
    await assert.rejects(g.get({ block: false }), TimeoutError);
    gate.resolve();
    await g.join();
    assert.equal(await g.get({ block: false }), 7);
  });

  test("join and get give up on their own timeout: join with false, get with TimeoutError", () =>
    withVirtualClock(async (clock) => {
      const g = spawn(async (self) => sleep(1000, { signal: self }));
      const joined = g.join({ timeout: 100 });
      const got = assert.rejects(g.get({ timeout: 100 }), (e: unknown) => e instanceof TimeoutError && e.ms === 100);
      await clock.advance(100);
      assert.equal(await joined, false);
      await got;
      await clock.advance(900);
      assert.equal(await g.join({ timeout: 0 }), true);
      assert.equal(clock.pendingTimers, 0);
    }));

  test("join and get reject with exactly the signal's reason when it aborts, and at once when already aborted", async () => {
    const g = spawn(() => new Promise(() => {}));
    const controller = new AbortController();
    const reason = { why: "user left" };
    const joined = g.join({ signal: controller.signal });
    const got = g.get({ signal: controller.signal });
    controller.abort(reason);
    await assert.rejects(joined, (e) => e === reason);
    await assert.rejects(got, (e) => e === reason);
    const done = spawn(() => 1);
    await done.join();
    // An aborted signal wins even where the call could complete at once.
    await assert.rejects(done.join({ signal: controller.signal }), (e) => e === reason);
    await assert.rejects(done.get({ signal: controller.signal }), (e) => e === reason);
    await g.kill({ block: false });
  });

  test("a Greenlet is not thenable: awaiting it gives the greenlet", async () => {
    const g = spawn(() => 1);
    assert.equal(await g, g);
    assert.equal("then" in g, false);
  });
});

describe("kill", () => {
  test("kill before start: the function never runs, the greenlet is dead at once with GreenletExit as value, links still fire", async () => {
    let ran = false;
    const g = spawn(() => {
      ran = true;
    });
    const linked: Greenlet[] = [];
    g.link((x) => void linked.push(x));
    const killed = g.kill();
    assert.equal(g.dead, true);
    assert.equal(await killed, true);
    await nextTurn();
    assert.equal(ran, false);
    assert.equal(g.successful(), true);
    assert.ok(g.value instanceof GreenletExit);
    assert.equal(g.exception, undefined);
    assert.deepEqual(linked, [g]);
  });

  test("kill of a new (never started) greenlet marks it dead and start() then does nothing", async () => {
    let ran = false;
    const g = new Greenlet(() => {
      ran = true;
    });
    await g.kill();
    g.start();
    await nextTurn();
    assert.equal(ran, false);
    assert.equal(g.dead, true);
  });

  test("kill before startLater fires cancels the timer", () =>
    withVirtualClock(async (clock) => {
      let ran = false;
      const g = spawnLater(100, () => {
        ran = true;
      });
      await g.kill();
      assert.equal(clock.pendingTimers, 0);
      await clock.advance(200);
      assert.equal(ran, false);
    }));

  test("kill lands at a library wait given the greenlet: finally runs once, then the greenlet is dead with GreenletExit", async () => {
    const events: string[] = [];
    const g = spawn(async (self) => {
      try {
        events.push("waiting");
        await sleep(60_000, { signal: self });
        events.push("woke");
      } finally {
        events.push("finally");
      }
    });
    await sleep(0);
    assert.equal(await g.kill(), true);
    assert.deepEqual(events, ["waiting", "finally"]);
    assert.equal(g.successful(), true);
    assert.ok(g.value instanceof GreenletExit);
  });

  test("a function that catches the kill and returns a value ends with that value", async () => {
    const g = spawn(async (self) => {
      try {
        await sleep(60_000, { signal: self });
        return "slept";
      } catch (error) {
        assert.ok(error instanceof GreenletExit);
        return "cleaned up";
      }
    });
    await sleep(0);
    await g.kill();
    assert.equal(g.value, "cleaned up");
    assert.equal(g.successful(), true);
  });

  test("a kill with a custom exception makes the greenlet fail with exactly it", async () => {
    const custom = new Error("shutdown");
    const g = spawn(async (self) => sleep(60_000, { signal: self }));
    await sleep(0);
    g.link(() => undefined); // observe, so the hub stays quiet
    assert.equal(await g.kill({ exception: custom }), true);
    assert.equal(g.successful(), false);
    assert.equal(g.exception, custom);
    await assert.rejects(g.get(), (e) => e === custom);
  });

  test("kill is idempotent: the first kill's exception wins, and killing a dead greenlet does nothing", async () => {
    const first = new GreenletExit("first");
    const reasons: unknown[] = [];
    const g = spawn(async (self) => {
      try {
        await sleep(60_000, { signal: self });
      } catch (e) {
        reasons.push(e);
        throw e;
      }
    });
    await sleep(0);
    const k1 = g.kill({ exception: first });
    const k2 = g.kill({ exception: new Error("second") });
    assert.deepEqual(await Promise.all([k1, k2]), [true, true]);
    assert.deepEqual(reasons, [first]);
    assert.equal(g.value, first);
    assert.equal(await g.kill({ exception: new Error("third") }), true);
    assert.equal(g.value, first);
  });

  test("kill({ block: false }) resolves at once with the current dead state", async () => {
    const g = spawn(async (self) => {
      try {
        await sleep(60_000, { signal: self });
      } finally {
        await null;
      }
    });
    await sleep(0);
    assert.equal(await g.kill({ block: false }), false);
    await g.join();
    assert.equal(await g.kill({ block: false }), true);
  });

  test("kill with a timeout resolves false when the greenlet ignores the kill, and the greenlet keeps running", () =>
    withVirtualClock(async (clock) => {
      const gate = deferred();
      const g = spawn(async () => {
        await gate.promise; // a foreign promise: not a switch point
        return "finished anyway";
      });
      await sleep(0);
      const killed = g.kill({ timeout: 50 });
      await clock.advance(50);
      assert.equal(await killed, false);
      assert.equal(g.dead, false);
      gate.resolve();
      await g.join();
      assert.equal(g.value, "finished anyway");
    }));

  test("kill never rejects, even when the greenlet fails during cleanup", async () => {
    const g = spawn(async (self) => {
      try {
        await sleep(60_000, { signal: self });
      } finally {
        // eslint-disable-next-line no-unsafe-finally
        throw new Error("cleanup failed");
      }
    });
    g.linkException(() => undefined);
    await sleep(0);
    assert.equal(await g.kill(), true);
    assert.equal((g.exception as Error).message, "cleanup failed");
  });
});

describe("get() on a killed greenlet", () => {
  test("get() on a killed greenlet rejects with its GreenletExit, while the greenlet counts as successful and nothing is reported", async () => {
    const reports = await captureReports(async () => {
      const g = spawn(async (self): Promise<number> => {
        await sleep(60_000, { signal: self });
        return 1;
      });
      await sleep(0);
      await g.kill();
      assert.ok(g.value instanceof GreenletExit);
      await assert.rejects(g.get(), (e) => e === g.value);
      assert.equal(g.successful(), true);
      assert.equal(g.exception, undefined);
      await nextTurn();
      await nextTurn();
    });
    assert.deepEqual(reports, []);
  });

  test("a get() waiting when the kill lands rejects with the kill's GreenletExit, unchanged", async () => {
    const exit = new GreenletExit("session ended");
    const g = spawn(async (self) => sleep(60_000, { signal: self }));
    const got = g.get();
    await sleep(0);
    await g.kill({ exception: exit });
    await assert.rejects(got, (e) => e === exit);
  });

  test("get() on a greenlet killed before it started rejects with the GreenletExit", async () => {
    const g = spawn(() => 1);
    await g.kill();
    await assert.rejects(g.get(), GreenletExit);
    await assert.rejects(g.get({ block: false }), GreenletExit);
  });

  test("a function that throws a GreenletExit of its own ends as a kill does: successful, get() rejects with it", async () => {
    const exit = new GreenletExit("done early");
    const g = spawn((): number => {
      throw exit;
    });
    await g.join();
    assert.equal(g.successful(), true);
    assert.equal(g.value, exit);
    await assert.rejects(g.get(), (e) => e === exit);
  });

  test("a function that catches the kill and returns a value: get() resolves with that value", async () => {
    const g = spawn(async (self) => {
      try {
        await sleep(60_000, { signal: self });
        return "slept";
      } catch {
        return "stopped cleanly";
      }
    });
    await sleep(0);
    await g.kill();
    assert.equal(await g.get(), "stopped cleanly");
  });

  test("a function that returns a GreenletExit as its value is not a kill: get() resolves with it", async () => {
    const exit = new GreenletExit("a value like any other");
    const g = spawn(() => exit);
    assert.equal(await g.get(), exit);
  });
});

describe("signal", () => {
  test("g.signal is created on first read, and aborts with the kill's reason", async () => {
    let signal: AbortSignal | undefined;
    const g = spawn(async (self) => {
      signal = self.signal;
      await new Promise((_resolve, reject) => self.signal.addEventListener("abort", () => reject(self.signal.reason)));
    });
    await sleep(0);
    assert.equal(signal!.aborted, false);
    const exit = new GreenletExit("bye");
    await g.kill({ exception: exit });
    assert.equal(signal!.aborted, true);
    assert.equal(signal!.reason, exit);
    assert.equal(g.value, exit);
  });

  test("g.signal read after the kill is already aborted; a greenlet that ends unkilled never aborts it", async () => {
    const killed = spawn(() => new Promise(() => {}));
    await sleep(0);
    await killed.kill({ block: false });
    assert.equal(killed.signal.aborted, true);
    assert.ok(killed.signal.reason instanceof GreenletExit);

    const finished = spawn(() => 1);
    const early = finished.signal;
    await finished.join();
    assert.equal(early.aborted, false);
    assert.equal(finished.signal.aborted, false);
  });

  test("a kill that lands through g.signal in a platform API ends the greenlet as killed, not failed", async () => {
    const { setTimeout: delay } = await import("node:timers/promises");
    const reports = await captureReports(async () => {
      const g = spawn(async (self) => {
        await delay(60_000, undefined, { signal: self.signal }); // rejects with Node's own AbortError
      });
      await sleep(0);
      await g.kill();
      assert.equal(g.successful(), true);
      assert.ok(g.value instanceof GreenletExit);
      const custom = new Error("stop");
      const h = spawn(async (self) => {
        await delay(60_000, undefined, { signal: self.signal });
      });
      h.linkException(() => undefined);
      await sleep(0);
      await h.kill({ exception: custom });
      assert.equal(h.exception, custom, "the kill's own exception, not the AbortError wrapping it");
      await nextTurn();
      await nextTurn();
    });
    assert.deepEqual(reports, []);
  });

  test("a killed greenlet stays aborted: a wait in its own cleanup that passes it rejects at once", async () => {
    const outcomes: string[] = [];
    const g = spawn(async (self) => {
      try {
        await sleep(60_000, { signal: self });
      } finally {
        await sleep(10, { signal: self }).then(
          () => outcomes.push("slept"),
          (e: unknown) => outcomes.push(e instanceof GreenletExit ? "rejected with the kill" : "other"),
        );
      }
    });
    await sleep(0);
    await g.kill();
    assert.deepEqual(outcomes, ["rejected with the kill"]);
  });
});

describe("links", () => {
  test("link callbacks run asynchronously after the end, FIFO, with the greenlet", async () => {
    const calls: string[] = [];
    const g = spawn(() => 5);
    g.link((x) => void calls.push(`a:${x.value}`));
    g.link(() => void calls.push("b"));
    await g.join();
    assert.deepEqual(calls, []); // join's continuation runs before the links' microtask
    await nextTurn();
    assert.deepEqual(calls, ["a:5", "b"]);
  });

  test("a link added after the end still runs asynchronously", async () => {
    const g = spawn(() => 1);
    await g.join();
    let ran = false;
    g.link(() => {
      ran = true;
    });
    assert.equal(ran, false);
    await nextTurn();
    assert.equal(ran, true);
  });

  test("linkValue runs only on success and linkException only on failure", async () => {
    const calls: string[] = [];
    const ok = spawn(() => "v");
    const bad = spawn(() => {
      throw new Error("x");
    });
    for (const g of [ok, bad]) {
      g.linkValue(() => void calls.push(`value:${g === ok ? "ok" : "bad"}`));
      g.linkException(() => void calls.push(`exception:${g === ok ? "ok" : "bad"}`));
    }
    await nextTurn();
    assert.deepEqual(calls, ["value:ok", "exception:bad"]);
  });

  test("unlink removes a callback that has not run", async () => {
    const calls: string[] = [];
    const cb = () => void calls.push("unlinked");
    const g = spawn(() => 1);
    g.link(cb);
    g.link(() => void calls.push("kept"));
    g.unlink(cb);
    await nextTurn();
    assert.deepEqual(calls, ["kept"]);
  });

  test("a link that throws or rejects is reported with kind 'link' and the others still run", async () => {
    const calls: string[] = [];
    const thrown = new Error("sync link failure");
    const rejected = new Error("async link failure");
    const reports = await captureReports(async () => {
      const g = spawn(() => 1);
      g.link(() => {
        throw thrown;
      });
      g.link(async () => {
        throw rejected;
      });
      g.link(() => void calls.push("third"));
      await nextTurn();
      await nextTurn();
    });
    assert.deepEqual(calls, ["third"]);
    assert.deepEqual(
      reports.map((r) => [r.error, r.context.kind]),
      [
        [thrown, "link"],
        [rejected, "link"],
      ],
    );
  });
});

describe("unobserved failures", () => {
  test("a failure nobody observes is reported once to the hub with the greenlet", async () => {
    const boom = new Error("nobody listens");
    let g!: Greenlet;
    const reports = await captureReports(async () => {
      g = spawn(() => {
        throw boom;
      });
      g.name = "lonely";
      await g.join(); // join does not observe
      await nextTurn();
      await nextTurn();
    });
    assert.equal(reports.length, 1);
    assert.equal(reports[0]!.error, boom);
    assert.equal(reports[0]!.context.kind, "greenlet");
    assert.equal(reports[0]!.context.greenlet, g);
  });

  test("get, a link, linkException or reading exception in the same turn each count as observing", async () => {
    const reports = await captureReports(async () => {
      const fail = () => {
        throw new Error("observed");
      };
      const a = spawn(fail);
      a.get().catch(() => undefined);
      spawn(fail).link(() => undefined);
      spawn(fail).linkException(() => undefined);
      const d = spawn(fail);
      await d.join();
      void d.exception;
      await nextTurn();
      await nextTurn();
    });
    assert.deepEqual(reports, []);
  });

  test("linkValue alone does not observe a failure", async () => {
    const reports = await captureReports(async () => {
      const g = spawn(() => {
        throw new Error("x");
      });
      g.linkValue(() => undefined);
      await nextTurn();
      await nextTurn();
    });
    assert.equal(reports.length, 1);
  });

  test("the default handler writes the greenlet's name and the stack on one report, and never crashes", async () => {
    const written = await captureStderr(async () => {
      const g = spawn(() => {
        throw new Error("visible");
      });
      g.name = "reporter-test";
      await nextTurn();
      await nextTurn();
    });
    assert.equal(written.length, 1);
    assert.match(written[0]!, /^reporter-test failed: Error: visible\n\s+at /);
  });

  test("an error handler that throws is itself reported on stderr, not fatal", async () => {
    const written = await captureStderr(async () => {
      await captureReports(async () => {
        const { setErrorHandler } = await import("../src/index.js");
        const previous = setErrorHandler(() => {
          throw new Error("handler broke");
        });
        try {
          spawn(() => {
            throw new Error("original");
          });
          await nextTurn();
          await nextTurn();
        } finally {
          setErrorHandler(previous);
        }
      });
    });
    assert.equal(written.length, 2);
    assert.match(written[0]!, /handler broke/);
    assert.match(written[1]!, /original/);
  });
});
