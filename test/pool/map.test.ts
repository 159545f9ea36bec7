import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { GreenletExit, sleep, type Greenlet } from "../../src/index.js";
import { Group, Pool } from "../../src/pool/index.js";
import { Queue } from "../../src/queue/index.js";
import { captureReports, deferred, nextTurn, withVirtualClock } from "../helpers.js";

/** A mapped function that sleeps `ms` on the (virtual) clock, then returns `ms`. */
const sleeper = async (g: Greenlet<number>, ms: number): Promise<number> => {
  await sleep(ms, { signal: g });
  return ms;
};

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of iterable) out.push(x);
  return out;
}

describe("map", () => {
  test("map resolves the values in input order whatever order the workers finish in", async () => {
    await withVirtualClock(
      async () => {
        assert.deepEqual(await new Group().map(sleeper, [30, 10, 20]), [30, 10, 20]);
        assert.deepEqual(await new Pool(2).map(sleeper, [30, 10, 20, 5]), [30, 10, 20, 5]);
      },
      { autojump: true },
    );
  });

  test("map over an empty source resolves an empty array", async () => {
    assert.deepEqual(await new Pool(3).map(sleeper, []), []);
    assert.deepEqual(await new Group().map(sleeper, new Set<number>()), []);
  });

  test("map workers are members of the group while they run", async () => {
    const group = new Group();
    const gate = deferred();
    const seen: boolean[] = [];
    const mapped = group.map(async (g, x: number) => {
      seen.push(group.has(g));
      await gate.promise;
      return x;
    }, [1, 2, 3]);
    await nextTurn();
    assert.equal(group.size, 3);
    gate.resolve();
    assert.deepEqual(await mapped, [1, 2, 3]);
    assert.deepEqual(seen, [true, true, true]);
    assert.equal(group.size, 0);
  });

  test("map rejects with the first failure in completion order, kills the outstanding workers, and the failure counts as observed", async () => {
    await withVirtualClock(async (clock) => {
      const early = new Error("early");
      const group = new Group();
      const cleaned: number[] = [];
      const reports = await captureReports(async () => {
        const mapped = assert.rejects(
          group.map(async (g, ms: number) => {
            try {
              await sleep(ms, { signal: g });
            } finally {
              cleaned.push(ms);
            }
            if (ms === 10) throw early;
            if (ms === 20) throw new Error("late, never happens");
            return ms;
          }, [30, 10, 20]),
          (e) => e === early,
        );
        await clock.advance(10);
        await mapped;
        await group.join();
        await nextTurn();
      });
      assert.deepEqual(cleaned, [10, 30, 20]);
      assert.deepEqual(reports, []);
      assert.equal(clock.pendingTimers, 0);
    });
  });

  test("map reads an async iterable", async () => {
    async function* numbers(): AsyncGenerator<number> {
      for (let i = 1; i <= 4; i++) {
        await null;
        yield i;
      }
    }
    assert.deepEqual(await new Group().map((_g, x: number) => x * 10, numbers()), [10, 20, 30, 40]);
    assert.deepEqual(await new Pool(2).map((_g, x: number) => x * 10, numbers()), [10, 20, 30, 40]);
  });

  test("map reads a Queue until it is shut down and drained", async () => {
    const queue = new Queue<number>();
    const pool = new Pool(2);
    const mapped = pool.map(async (g, x: number) => {
      await sleep(0, { signal: g });
      return x * x;
    }, queue);
    for (const x of [1, 2, 3, 4, 5]) await queue.put(x);
    queue.shutdown();
    assert.deepEqual(await mapped, [1, 4, 9, 16, 25]);
  });

  test("map rejects with the error of a source that throws part way and kills the workers in flight", async () => {
    const broken = new Error("source broke");
    function* source(): Generator<number> {
      yield 1;
      yield 2;
      throw broken;
    }
    const group = new Group();
    const killed: boolean[] = [];
    const mapped = group.map(async (g) => {
      try {
        await sleep(10_000, { signal: g });
      } catch (e) {
        killed.push(e instanceof GreenletExit);
        throw e;
      }
    }, source());
    await assert.rejects(mapped, (e) => e === broken);
    await group.join();
    assert.equal(group.size, 0);
    assert.deepEqual(killed, []); // killed before they started: they never ran
  });

  test("map rejects with the error of an async source that throws", async () => {
    const broken = new Error("async source broke");
    async function* source(): AsyncGenerator<number> {
      yield 1;
      await null;
      throw broken;
    }
    const pool = new Pool(1);
    await assert.rejects(pool.map((g) => sleep(10_000, { signal: g }), source()), (e) => e === broken);
    await pool.join();
  });

  test("killing the group rejects a map in progress with the kill's GreenletExit", async () => {
    const pool = new Pool(2);
    const mapped = pool.map((g, ms: number) => sleep(ms, { signal: g }), [10_000, 10_000, 10_000]);
    await nextTurn();
    await pool.kill();
    await assert.rejects(mapped, GreenletExit);
    assert.equal(pool.size, 0);
  });

  test("killing the group ends a map waiting on a Queue, and the map takes no later item", async () => {
    const group = new Group();
    const queue = new Queue<number>();
    const mapped = group.map((_g, x: number) => x, queue);
    await nextTurn();
    assert.equal(group.size, 0);
    await group.kill();
    await assert.rejects(mapped, GreenletExit);
    // The run withdrew its pending get: the next item stays in the queue for someone else.
    await queue.put(7);
    await nextTurn();
    assert.equal(queue.qsize(), 1);
    assert.equal(queue.getNowait(), 7);
    queue.shutdown();
  });

  test("a worker killed by someone else rejects the map with its GreenletExit", async () => {
    const group = new Group();
    const mapped = group.map((g) => sleep(10_000, { signal: g }), [1, 2]);
    await nextTurn();
    const [first] = [...group];
    await group.killone(first!);
    await assert.rejects(mapped, GreenletExit);
    await group.join();
  });

  test("a worker that throws a GreenletExit of its own rejects the map with it: the array never holds an exit", async () => {
    const exit = new GreenletExit("gave up");
    const group = new Group();
    const mapped = group.map((_g, x: number) => {
      if (x === 2) throw exit;
      return x;
    }, [1, 2, 3]);
    await assert.rejects(mapped, (e) => e === exit);
    await group.join();
  });
});

describe("imap and imapUnordered", () => {
  test("imap yields in input order, imapUnordered in completion order", async () => {
    await withVirtualClock(
      async () => {
        assert.deepEqual(await collect(new Group().imap(sleeper, [30, 10, 20])), [30, 10, 20]);
        assert.deepEqual(await collect(new Group().imapUnordered(sleeper, [30, 10, 20])), [10, 20, 30]);
        assert.deepEqual(await collect(new Pool(2).imapUnordered(sleeper, [30, 10, 20])), [10, 30, 20]);
      },
      { autojump: true },
    );
  });

  test("imap starts no worker before the first next()", async () => {
    const group = new Group();
    let pulled = 0;
    function* source(): Generator<number> {
      pulled++;
      yield 1;
    }
    const it = group.imap((_g, x: number) => x, source());
    await nextTurn();
    assert.equal(pulled, 0);
    assert.equal(group.size, 0);
    assert.deepEqual(await it.next(), { done: false, value: 1 });
    assert.deepEqual(await it.next(), { done: true, value: undefined });
  });

  test("imap throws a failure in its place, after the values before it, and kills later workers at once", async () => {
    await withVirtualClock(async (clock) => {
      const boom = new Error("boom");
      const group = new Group();
      const it = group.imap(async (g, ms: number) => {
        await sleep(ms, { signal: g });
        if (ms === 20) throw boom;
        return ms;
      }, [30, 20, 100]);
      const first = it.next();
      const later = [...group][2]!;
      await clock.advance(20);
      assert.equal(later.dead, true); // the worker of 100 was killed when 20 failed
      assert.ok(later.value instanceof GreenletExit);
      await clock.advance(10);
      assert.deepEqual(await first, { done: false, value: 30 });
      await assert.rejects(it.next(), (e) => e === boom);
      assert.deepEqual(await it.next(), { done: true, value: undefined });
      assert.equal(group.size, 0);
    });
  });

  test("imapUnordered throws a failure when it happens and kills every outstanding worker", async () => {
    await withVirtualClock(
      async () => {
        const boom = new Error("boom");
        const pool = new Pool(3);
        const ended: string[] = [];
        const it = pool.imapUnordered(async (g, ms: number) => {
          try {
            await sleep(ms, { signal: g });
          } catch (e) {
            ended.push(`${ms} killed`);
            throw e;
          }
          if (ms === 20) throw boom;
          return ms;
        }, [10, 20, 30, 40]);
        assert.deepEqual(await it.next(), { done: false, value: 10 });
        await assert.rejects(it.next(), (e) => e === boom);
        assert.deepEqual(await it.next(), { done: true, value: undefined });
        await pool.join();
        assert.deepEqual(ended.sort(), ["30 killed", "40 killed"]);
      },
      { autojump: true },
    );
  });

  test("leaving an imap loop early kills its outstanding workers and closes the source", async () => {
    await withVirtualClock(
      async () => {
        const pool = new Pool(2);
        let closed = false;
        function* source(): Generator<number> {
          try {
            for (let i = 1; ; i++) yield i * 10;
          } finally {
            closed = true;
          }
        }
        const seen: number[] = [];
        for await (const ms of pool.imap(sleeper, source())) {
          seen.push(ms);
          if (ms === 30) break;
        }
        assert.deepEqual(seen, [10, 20, 30]);
        assert.equal(closed, true);
        const outstanding = [...pool];
        assert.equal(outstanding.length, 1);
        await pool.join();
        assert.ok(outstanding[0]!.value instanceof GreenletExit);
      },
      { autojump: true },
    );
  });

  test("a failure imap held and never threw is reported once to the hub when the loop ends early", async () => {
    await withVirtualClock(async (clock) => {
      const boom = new Error("held, never reached");
      const group = new Group();
      const reports = await captureReports(async () => {
        const it = group.imap(async (g, ms: number) => {
          await sleep(ms, { signal: g });
          if (ms === 10) throw boom;
          return ms;
        }, [30, 10]);
        const first = it.next();
        await clock.advance(10); // the second item fails while the first still runs
        await nextTurn();
        await it.return!();
        await first.catch(() => undefined);
        await group.join();
        await nextTurn();
      });
      assert.equal(reports.length, 1);
      assert.equal(reports[0]!.error, boom);
      assert.equal(reports[0]!.context.kind, "greenlet");
    });
  });

  test("an earlier item failing after a later one takes its place, and the superseded failure goes to the hub", async () => {
    await withVirtualClock(async (clock) => {
      const first = new Error("item 0");
      const second = new Error("item 1");
      const group = new Group();
      const reports = await captureReports(async () => {
        const it = group.imap(async (g, ms: number) => {
          await sleep(ms, { signal: g });
          throw ms === 30 ? first : second;
        }, [30, 10]);
        const pending = assert.rejects(it.next(), (e) => e === first);
        await clock.advance(30);
        await pending;
        await nextTurn();
      });
      assert.equal(reports.length, 1);
      assert.equal(reports[0]!.error, second);
    });
  });

  test("leaving an imap loop over an async source early closes the source", async () => {
    const pool = new Pool(2);
    let closed = false;
    async function* source(): AsyncGenerator<number> {
      try {
        for (let i = 1; ; i++) {
          await null;
          yield i;
        }
      } finally {
        closed = true;
      }
    }
    for await (const x of pool.imap((_g, x: number) => x, source())) if (x === 3) break;
    await pool.join();
    await nextTurn();
    assert.equal(closed, true);
  });

  test("imap and imapUnordered throw the GreenletExit of a worker killed by someone else, in its place", async () => {
    for (const ordered of [true, false]) {
      const group = new Group();
      const fn = async (g: Greenlet<number>, ms: number): Promise<number> => {
        if (ms === 0) return 0;
        await sleep(ms, { signal: g });
        return ms;
      };
      const it = ordered ? group.imap(fn, [0, 10_000]) : group.imapUnordered(fn, [0, 10_000]);
      assert.deepEqual(await it.next(), { done: false, value: 0 });
      const [worker] = [...group];
      const exit = new GreenletExit("not needed");
      await worker!.kill({ exception: exit });
      await assert.rejects(it.next(), (e) => e === exit, ordered ? "imap" : "imapUnordered");
      assert.deepEqual(await it.next(), { done: true, value: undefined });
    }
  });

  test("killing the group makes the pending next() of an imap reject with the kill's exception", async () => {
    const group = new Group();
    const it = group.imapUnordered((g) => sleep(10_000, { signal: g }), [1, 2]);
    const pending = it.next();
    await nextTurn();
    const shutdown = new Error("shutdown");
    const reports = await captureReports(async () => {
      await group.kill({ exception: shutdown });
      await assert.rejects(pending, (e) => e === shutdown);
      await nextTurn();
    });
    // The workers failed with the kill's own exception: the killer knows it, but it is still a
    // failure nobody observed, as with killall().
    assert.equal(reports.length, 2);
  });

  test("with maxsize the source is read no further than maxsize items ahead of the consumer", async () => {
    const group = new Group();
    let pulled = 0;
    function* source(): Generator<number> {
      for (let i = 0; i < 10; i++) {
        pulled++;
        yield i;
      }
    }
    const it = group.imap((_g, x: number) => x, source(), { maxsize: 3 });
    assert.deepEqual(await it.next(), { done: false, value: 0 });
    await nextTurn();
    assert.equal(pulled, 4); // 0 taken, 1..3 waiting for the consumer
    assert.deepEqual(await it.next(), { done: false, value: 1 });
    await nextTurn();
    assert.equal(pulled, 5);
    await it.return!();
  });
});

describe("pool bound", () => {
  test("Pool.map runs at most capacity workers at once and reads a sync source only as slots free up", async () => {
    await withVirtualClock(
      async () => {
        const pool = new Pool(3);
        let running = 0;
        let most = 0;
        const pulledWhileRunning: number[] = [];
        function* source(): Generator<number> {
          for (let i = 0; i < 10; i++) {
            pulledWhileRunning.push(running);
            yield i;
          }
        }
        const values = await pool.map(async (g, i: number) => {
          running++;
          most = Math.max(most, running);
          try {
            await sleep(1 + (i % 3), { signal: g });
          } finally {
            running--;
          }
          return i;
        }, source());
        assert.deepEqual(values, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        assert.equal(most, 3);
        assert.ok(pulledWhileRunning.every((n) => n < 3), `pulled while ${pulledWhileRunning.join(",")} were running`);
      },
      { autojump: true },
    );
  });

  test("a map's feeder and spawn callers share the slot queue in FIFO order", async () => {
    const pool = new Pool(1);
    const gate = deferred();
    const order: string[] = [];
    await pool.spawn(() => gate.promise);
    const mapped = pool.map((_g, x: string) => void order.push(x), ["map-1", "map-2"]);
    const spawned = pool.spawn(() => void order.push("spawn"));
    gate.resolve();
    await mapped;
    await (await spawned).join();
    assert.deepEqual(order, ["map-1", "spawn", "map-2"]);
  });
});
