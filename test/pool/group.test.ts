import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Greenlet, GreenletExit, sleep, spawn } from "../../src/index.js";
import { Group } from "../../src/pool/index.js";
import { captureReports, deferred, nextTurn, withVirtualClock } from "../helpers.js";

describe("membership", () => {
  test("spawn returns a started member, counted in size until it ends", async () => {
    const group = new Group();
    const gate = deferred();
    const g = group.spawn(async (_g, x: number) => {
      await gate.promise;
      return x * 2;
    }, 21);
    assert.equal(g.started, true);
    assert.equal(group.size, 1);
    assert.equal(group.has(g), true);
    gate.resolve();
    assert.equal(await g.get(), 42);
    assert.equal(group.size, 0);
    assert.equal(group.has(g), false);
  });

  test("a member leaves synchronously at death, before its link callbacks run", async () => {
    const group = new Group();
    const seen: boolean[] = [];
    const g = group.spawn(() => "done");
    g.link(() => seen.push(group.has(g)));
    await g.join();
    await nextTurn();
    assert.deepEqual(seen, [false]);
  });

  test("add admits a greenlet without starting it; discard removes it without killing it", async () => {
    const group = new Group();
    const g = new Greenlet(() => "ran");
    group.add(g);
    group.add(g);
    assert.equal(group.size, 1);
    assert.equal(g.started, false);
    assert.equal(group.discard(g), true);
    assert.equal(group.discard(g), false);
    assert.equal(group.size, 0);
    g.start();
    assert.equal(await g.get(), "ran");
  });

  test("adding a dead greenlet does nothing", async () => {
    const group = new Group();
    const g = spawn(() => 1);
    await g.join();
    group.add(g);
    assert.equal(group.size, 0);
  });

  test("iteration yields the live members in the order they joined", async () => {
    const group = new Group();
    const gate = deferred();
    const a = group.spawn(() => gate.promise);
    const b = group.spawn(() => "quick");
    const c = group.spawn(() => gate.promise);
    assert.deepEqual([...group], [a, b, c]);
    await b.join();
    assert.deepEqual([...group], [a, c]);
    gate.resolve();
    await group.join();
    assert.deepEqual([...group], []);
  });

  test("a member failure nobody observes is reported once to the hub, as outside a group", async () => {
    const group = new Group();
    const boom = new Error("boom");
    const reports = await captureReports(async () => {
      const g = group.spawn(() => {
        throw boom;
      });
      g.name = "failing member";
      await group.join();
      await nextTurn();
    });
    assert.equal(reports.length, 1);
    assert.equal(reports[0]!.error, boom);
    assert.equal(reports[0]!.context.kind, "greenlet");
    assert.equal(reports[0]!.context.greenlet?.name, "failing member");
  });
});

describe("join", () => {
  test("join resolves true at once on an empty group", async () => {
    assert.equal(await new Group().join(), true);
  });

  test("join resolves true once the last member has ended", async () => {
    await withVirtualClock(async (clock) => {
      const group = new Group();
      group.spawn((g) => sleep(10, { signal: g }));
      group.spawn((g) => sleep(20, { signal: g }));
      let joined: boolean | undefined;
      void group.join().then((r) => (joined = r));
      await clock.advance(10);
      assert.equal(joined, undefined);
      await clock.advance(10);
      assert.equal(joined, true);
    });
  });

  test("join resolves false on its own timeout and leaves the members running", async () => {
    await withVirtualClock(async (clock) => {
      const group = new Group();
      const g = group.spawn((g) => sleep(100, { signal: g }));
      const joined = group.join({ timeout: 50 });
      await clock.advance(50);
      assert.equal(await joined, false);
      assert.equal(g.dead, false);
      await clock.advance(50);
      assert.equal(g.dead, true);
      assert.equal(clock.pendingTimers, 0);
    });
  });

  test("join rejects with the signal's reason, unchanged", async () => {
    const group = new Group();
    const gate = deferred();
    group.spawn(() => gate.promise);
    const controller = new AbortController();
    const reason = new Error("stop waiting");
    const joined = group.join({ signal: controller.signal });
    controller.abort(reason);
    await assert.rejects(joined, (e) => e === reason);
    gate.resolve();
    await group.join();
  });

  test("join with raiseError rejects as soon as a member fails, while others still run, and observes it", async () => {
    await withVirtualClock(async (clock) => {
      const group = new Group();
      const boom = new Error("boom");
      const reports = await captureReports(async () => {
        const slow = group.spawn((g) => sleep(100, { signal: g }));
        group.spawn(async (g) => {
          await sleep(10, { signal: g });
          throw boom;
        });
        const joined = assert.rejects(group.join({ raiseError: true }), (e) => e === boom);
        await clock.advance(10);
        await joined;
        assert.equal(slow.dead, false);
        await nextTurn();
        await clock.advance(90);
      });
      assert.deepEqual(reports, []);
    });
  });

  test("join without raiseError resolves true when members fail", async () => {
    await captureReports(async () => {
      const group = new Group();
      group.spawn(() => Promise.reject(new Error("ignored")));
      assert.equal(await group.join(), true);
      await nextTurn();
    });
  });
});

describe("kill", () => {
  test("kill kills every member, resolves after their cleanup (members not started never run), and join then resolves true at once", async () => {
    await withVirtualClock(
      async () => {
        const group = new Group();
        const events: string[] = [];
        const started = deferred();
        const a = group.spawn(async (g) => {
          try {
            started.resolve();
            await sleep(1000, { signal: g });
          } finally {
            await sleep(5); // cleanup that waits: it gives itself a timer, not the dead greenlet
            events.push("cleaned up");
          }
        });
        await started.promise;
        const notStarted = group.spawn(() => void events.push("never"));
        await group.kill();
        events.push("kill resolved");
        assert.deepEqual(events, ["cleaned up", "kill resolved"]);
        assert.ok(a.value instanceof GreenletExit);
        assert.equal(notStarted.dead, true);
        assert.equal(group.size, 0);
        assert.equal(await group.join({ timeout: 0 }), true);
      },
      { autojump: true },
    );
  });

  test("kill is silent on its own timeout and the survivor keeps running", async () => {
    await withVirtualClock(async (clock) => {
      const group = new Group();
      const foreign = deferred<string>();
      const started = deferred();
      const stubborn = group.spawn(async () => {
        started.resolve();
        return await foreign.promise; // a foreign promise: the kill cannot land here
      });
      await started.promise;
      const killed = group.kill({ timeout: 50 });
      await clock.advance(50);
      assert.equal(await killed, undefined);
      assert.equal(stubborn.dead, false);
      assert.equal(group.size, 1);
      foreign.resolve("finished anyway");
      await stubborn.join();
      assert.equal(stubborn.value, "finished anyway");
      assert.equal(clock.pendingTimers, 0);
    });
  });

  test("kill with block: false resolves at once, before the members are dead", async () => {
    const group = new Group();
    const started = deferred();
    const g = group.spawn(async (g) => {
      started.resolve();
      try {
        await sleep(10_000, { signal: g });
      } finally {
        await null;
      }
    });
    await started.promise;
    await group.kill({ block: false });
    assert.equal(g.dead, false);
    await group.join();
    assert.ok(g.value instanceof GreenletExit);
  });

  test("a greenlet that joins the group while a kill is in progress is killed before it runs", async () => {
    await withVirtualClock(
      async () => {
        const group = new Group();
        const started = deferred();
        group.spawn(async (g) => {
          started.resolve();
          try {
            await sleep(1000, { signal: g });
          } finally {
            await sleep(5);
          }
        });
        await started.promise;
        const killing = group.kill();
        let ran = false;
        const newcomer = group.spawn(() => void (ran = true));
        assert.equal(newcomer.dead, true);
        await killing;
        const after = group.spawn(() => "runs");
        assert.equal(await after.get(), "runs");
        assert.equal(ran, false);
      },
      { autojump: true },
    );
  });

  test("kill with an exception fails the members with it", async () => {
    const group = new Group();
    const started = deferred();
    const g = group.spawn(async (g) => {
      started.resolve();
      await sleep(10_000, { signal: g });
    });
    await started.promise;
    const shutdown = new Error("shutdown");
    await group.kill({ exception: shutdown });
    assert.equal(g.exception, shutdown);
  });

  test("killone kills one member and resolves true once it is dead; a non-member is left alone", async () => {
    const group = new Group();
    const gate = deferred();
    const a = group.spawn((g) => sleep(10_000, { signal: g }));
    const b = group.spawn(() => gate.promise);
    const outsider = spawn(() => gate.promise);
    assert.equal(await group.killone(a), true);
    assert.ok(a.value instanceof GreenletExit);
    assert.equal(b.dead, false);
    assert.equal(await group.killone(outsider), false);
    assert.equal(outsider.dead, false);
    gate.resolve();
    await group.join();
    await outsider.join();
  });
});

describe("apply", () => {
  test("apply resolves with the function's value, run as a member", async () => {
    const group = new Group();
    let wasMember = false;
    const value = await group.apply((g, a: number, b: number) => {
      wasMember = group.has(g);
      return a + b;
    }, 2, 3);
    assert.equal(value, 5);
    assert.equal(wasMember, true);
  });

  test("apply rejects with the function's failure, which counts as observed", async () => {
    const boom = new Error("boom");
    const reports = await captureReports(async () => {
      await assert.rejects(
        new Group().apply(() => {
          throw boom;
        }),
        (e) => e === boom,
      );
      await nextTurn();
    });
    assert.deepEqual(reports, []);
  });

  test("apply rejects with the GreenletExit when its greenlet is killed", async () => {
    const group = new Group();
    const applied = group.apply((g) => sleep(10_000, { signal: g }));
    await nextTurn();
    await group.kill();
    await assert.rejects(applied, GreenletExit);
  });
});

describe("bad input", () => {
  test("calls reject bad arguments at the call, naming the call, the argument and what came", () => {
    const group = new Group();
    assert.throws(() => group.spawn(42 as never), {
      name: "TypeError",
      message: "Group.spawn(): expected fn to be a function, got 42 (number)",
    });
    assert.throws(() => group.add({} as Greenlet), {
      name: "TypeError",
      message: "Group.add(): expected g to be a Greenlet, got an instance of Object (object)",
    });
    assert.throws(() => group.discard("g" as never), { name: "TypeError", message: 'Group.discard(): expected g to be a Greenlet, got "g" (string)' });
    assert.throws(() => group.map(null as never, [1]), {
      name: "TypeError",
      message: "Group.map(): expected fn to be a function, got null",
    });
    assert.throws(() => group.map((_g, x) => x, 5 as never), {
      name: "TypeError",
      message: "Group.map(): expected iterable to be an iterable or an async iterable, got 5 (number)",
    });
    assert.throws(() => group.imap((_g, x) => x, {} as never), {
      name: "TypeError",
      message: "Group.imap(): expected iterable to be an iterable or an async iterable, got an instance of Object (object)",
    });
    assert.throws(() => group.imapUnordered((_g, x) => x, [1], { maxsize: 0 }), {
      name: "RangeError",
      message: "Group.imapUnordered(): expected maxsize to be an integer ≥ 1 or Infinity, got 0 (number)",
    });
    assert.throws(() => group.join({ timeout: -1 }), { name: "RangeError", message: /^Group\.join\(\): expected timeout/ });
    assert.throws(() => group.kill({ timeout: NaN }), { name: "RangeError", message: /^Group\.kill\(\): expected timeout/ });
    assert.throws(() => group.killone(undefined as never), {
      name: "TypeError",
      message: "Group.killone(): expected g to be a Greenlet, got undefined",
    });
    assert.throws(() => group.apply("f" as never), { name: "TypeError", message: /^Group\.apply\(\): expected fn to be a function/ });
  });
});

describe("fail-fast groups", () => {
  class Boom extends Error {
    override name = "Boom";
  }

  test("the first failure kills the others, and join rejects with it once every member is dead", async () => {
    await withVirtualClock(async (clock) => {
      const group = new Group({ failFast: true });
      const log: string[] = [];
      const boom = new Boom("first");
      group.spawn(async (g) => {
        await sleep(10, { signal: g });
        throw boom;
      });
      const other = group.spawn(async (g) => {
        try {
          await sleep(1000, { signal: g });
        } finally {
          await sleep(5); // cleanup that takes time
          log.push(`cleanup at ${clock.now()}`);
        }
      });
      let outcome: unknown;
      const joined = group.join().then(
        () => (outcome = "resolved"),
        (error: unknown) => (outcome = error),
      );
      await clock.advance(10);
      assert.equal(outcome, undefined, "still waiting for the other member's cleanup");
      await clock.advance(5);
      await joined;
      assert.equal(outcome, boom);
      assert.deepEqual(log, ["cleanup at 15"]);
      assert.equal(other.successful(), true);
      assert.ok(other.value instanceof GreenletExit);
      assert.deepEqual(group.failures, [boom]);
    });
  });

  test("later failures are listed in failures and reported to the hub, the first one is not", async () => {
    const first = new Boom("first");
    const second = new Boom("second");
    let caught: unknown;
    const reports = await captureReports(async () => {
      const group = new Group({ failFast: true });
      group.spawn(async () => {
        await sleep(0); // the other member is running by then
        throw first;
      });
      group.spawn(async (g) => {
        try {
          await sleep(1000, { signal: g });
        } finally {
          // eslint-disable-next-line no-unsafe-finally
          throw second;
        }
      });
      const joined = group.join(); // waiting as the first failure happens: it is observed
      await joined.catch((error: unknown) => (caught = error));
      assert.deepEqual(group.failures, [first, second]);
      await nextTurn();
    });
    assert.equal(caught, first);
    assert.deepEqual(
      reports.map((r) => r.error),
      [second],
    );
  });

  test("a failed fail-fast group admits nothing: a spawn returns a greenlet killed before it started", async () => {
    const group = new Group({ failFast: true });
    const failing = group.spawn(() => {
      throw new Boom("x");
    });
    await failing.join();
    let ran = false;
    const late = group.spawn(() => {
      ran = true;
    });
    assert.equal(late.dead, true);
    await nextTurn();
    assert.equal(ran, false);
    await assert.rejects(group.join(), Boom);
    assert.equal(failing.exception instanceof Boom, true);
  });

  test("members that are killed or end with a GreenletExit are not failures", async () => {
    const group = new Group({ failFast: true });
    const a = group.spawn((g) => sleep(1000, { signal: g }));
    group.spawn(() => "done");
    await a.kill();
    assert.equal(await group.join(), true);
    assert.deepEqual(group.failures, []);
  });

  test("a map worker's failure fails the group and kills the other members", async () => {
    const group = new Group({ failFast: true });
    const bystander = group.spawn((g) => sleep(1000, { signal: g }));
    const mapped = group.map(async (_g, n: number) => {
      if (n === 2) throw new Boom("two");
      return n;
    }, [1, 2, 3]);
    await assert.rejects(mapped, Boom);
    await assert.rejects(group.join(), Boom);
    assert.equal(bystander.successful(), true);
    assert.ok(bystander.value instanceof GreenletExit);
  });

  test("join's own timeout still resolves false while members are dying", async () => {
    await withVirtualClock(async (clock) => {
      const group = new Group({ failFast: true });
      group.spawn(async (g) => {
        try {
          await sleep(1000, { signal: g });
        } finally {
          await sleep(50);
        }
      });
      group.spawn(() => Promise.reject(new Boom("x")));
      const first = group.join({ timeout: 10 });
      const second = assert.rejects(group.join(), Boom);
      await clock.advance(10);
      assert.equal(await first, false);
      await clock.advance(40);
      await second;
    });
  });

  test("a group without failFast keeps gevent's behaviour: a failure kills nobody and join resolves true", async () => {
    await captureReports(async () => {
      const group = new Group();
      assert.equal(group.failFast, false);
      const other = group.spawn(() => sleep(5));
      group.spawn(() => Promise.reject(new Boom("x")));
      assert.equal(await group.join(), true);
      assert.equal(other.value, undefined);
      assert.equal(other.successful(), true);
      assert.deepEqual(group.failures, []);
    });
  });

  test("new Group() rejects bad options", () => {
    assert.throws(() => new Group({ failFast: 1 as unknown as boolean }), {
      name: "TypeError",
      message: "new Group(): expected failFast to be a boolean or undefined, got 1 (number)",
    });
    assert.throws(() => new Group(7 as never), { name: "TypeError", message: "new Group(): expected options to be an object or undefined, got 7 (number)" });
  });
});
