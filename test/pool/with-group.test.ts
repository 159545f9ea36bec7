import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { GreenletExit, sleep, spawn, withGroup, type Greenlet } from "../../src/index.js";
import { captureReports, nextTurn, withVirtualClock } from "../helpers.js";

class Boom extends Error {
  override name = "Boom";
}

describe("withGroup", () => {
  test("resolves the body's value only once every member is dead", async () => {
    await withVirtualClock(async (clock) => {
      const log: string[] = [];
      const result = withGroup(async (group) => {
        group.spawn(async () => {
          await sleep(30);
          log.push(`a done at ${clock.now()}`);
        });
        group.spawn(async () => {
          await sleep(10);
          log.push(`b done at ${clock.now()}`);
        });
        return "body";
      });
      let value: string | undefined;
      void result.then((v) => (value = v));
      await clock.advance(29);
      assert.equal(value, undefined);
      await clock.advance(1);
      assert.equal(await result, "body");
      assert.deepEqual(log, ["b done at 10", "a done at 30"]);
    });
  });

  test("a member failure kills the others and rejects with that failure after their cleanup", async () => {
    await withVirtualClock(async (clock) => {
      const log: string[] = [];
      const boom = new Boom("a failed");
      const result = withGroup(async (group) => {
        group.spawn(async (g) => {
          await sleep(10, { signal: g });
          throw boom;
        });
        group.spawn(async (g) => {
          try {
            await sleep(1000, { signal: g });
          } finally {
            await sleep(20);
            log.push(`b cleaned up at ${clock.now()}`);
          }
        });
        return "unused";
      });
      const settled = assert.rejects(result, (error) => error === boom);
      await clock.advance(30);
      await settled;
      assert.deepEqual(log, ["b cleaned up at 30"]);
    });
  });

  test("a member failure while the body still runs is thrown by withGroup and not reported to the hub", async () => {
    const boom = new Boom("early");
    const reports = await captureReports(async () => {
      await withVirtualClock(async (clock) => {
        const result = withGroup(async (group) => {
          group.spawn(async () => {
            await sleep(10);
            throw boom;
          });
          await sleep(100); // the body is busy when the member fails
          return "body";
        });
        const settled = assert.rejects(result, (error) => error === boom);
        await clock.advance(100);
        await settled;
      });
      await nextTurn();
    });
    assert.deepEqual(reports, []);
  });

  test("the first member failure goes to the hub when the body's error wins", async () => {
    const reports = await captureReports(async () => {
      await assert.rejects(
        withGroup(async (group) => {
          group.spawn(() => Promise.reject(new Boom("member")));
          await sleep(0);
          throw new Boom("body");
        }),
        { message: "body" },
      );
      await nextTurn();
    });
    assert.deepEqual(
      reports.map((r) => [(r.error as Error).message, r.context.kind]),
      [["member", "greenlet"]],
    );
  });

  test("the body's error wins; members are killed and dead before it is thrown", async () => {
    await withVirtualClock(async (clock) => {
      const log: string[] = [];
      const result = withGroup(async (group) => {
        group.spawn(async (g) => {
          try {
            await sleep(1000, { signal: g });
          } finally {
            await sleep(5);
            log.push(`member cleaned up at ${clock.now()}`);
          }
        });
        await sleep(1);
        throw new Boom("body");
      });
      const settled = assert.rejects(result, { name: "Boom", message: "body" });
      await clock.advance(6);
      await settled;
      assert.deepEqual(log, ["member cleaned up at 6"]);
    });
  });

  test("a member failure during the body's error goes to the hub, not lost", async () => {
    const reports = await captureReports(async () => {
      await assert.rejects(
        withGroup(async (group) => {
          group.spawn(async (g) => {
            try {
              await sleep(1000, { signal: g });
            } finally {
              // eslint-disable-next-line no-unsafe-finally
              throw new Boom("member cleanup");
            }
          });
          await sleep(0);
          throw new Boom("body");
        }),
        { message: "body" },
      );
      await nextTurn();
    });
    assert.deepEqual(
      reports.map((r) => (r.error as Error).message),
      ["member cleanup"],
    );
  });

  test("an aborting signal kills the members and rejects with its reason once they are dead", async () => {
    await withVirtualClock(async (clock) => {
      const log: string[] = [];
      const parent = spawn(async (g) =>
        withGroup(
          async (group) => {
            group.spawn(async (m) => {
              try {
                await sleep(1000, { signal: m });
              } finally {
                await sleep(5);
                log.push(`member cleaned up at ${clock.now()}`);
              }
            });
          },
          { signal: g },
        ),
      );
      await clock.advance(10);
      await parent.kill({ block: false });
      await clock.advance(5);
      await parent.join();
      assert.deepEqual(log, ["member cleaned up at 15"]);
      assert.equal(parent.successful(), true);
      assert.ok(parent.value instanceof GreenletExit);
    });
  });

  test("members the body spawns after the signal aborted are killed before withGroup rejects", async () => {
    await withVirtualClock(async (clock) => {
      const controller = new AbortController();
      const reason = new Boom("stop");
      let late!: Greenlet<unknown>;
      const result = withGroup(
        async (group) => {
          await sleep(10);
          late = group.spawn((m) => sleep(1000, { signal: m }));
        },
        { signal: controller.signal },
      );
      const settled = assert.rejects(result, (error) => error === reason);
      await clock.advance(5);
      controller.abort(reason);
      await clock.advance(5);
      await settled;
      assert.equal(late.dead, true);
      assert.equal(clock.now(), 10);
    });
  });

  test("an aborted signal rejects at once and the body never runs", async () => {
    const controller = new AbortController();
    controller.abort(new Boom("gone"));
    let ran = false;
    await assert.rejects(
      withGroup(() => {
        ran = true;
      }, { signal: controller.signal }),
      { message: "gone" },
    );
    assert.equal(ran, false);
  });

  test("bad arguments throw at the call", () => {
    assert.throws(() => withGroup(42 as never), { name: "TypeError", message: "withGroup(): expected body to be a function, got 42 (number)" });
    assert.throws(() => withGroup(() => 1, { signal: 1 as never }), {
      name: "TypeError",
      message: "withGroup(): expected signal to be an AbortSignal, a Greenlet or a Timeout, got 1 (number)",
    });
  });
});
