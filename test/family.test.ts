import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Greenlet, GreenletExit, Group, sleep, spawn } from "../src/index.js";
import { enableRunInfo, runInfo } from "../src/observe/index.js";
import { captureReports, nextTurn, withVirtualClock } from "./helpers.js";

class Boom extends Error {
  override name = "Boom";
}

describe("children die with their parent", () => {
  test("three levels: the grandchild's cleanup runs before the grandparent counts as dead", async () => {
    await withVirtualClock(async (clock) => {
      const log: string[] = [];
      let parent!: Greenlet<unknown>;
      let grandchild!: Greenlet<unknown>;
      const grandparent = spawn(async (g) => {
        parent = g.spawn(async (p) => {
          grandchild = p.spawn(async (c) => {
            try {
              await sleep(1000, { signal: c });
            } finally {
              await sleep(7); // cleanup that waits
              log.push(`grandchild cleaned up at ${clock.now()}`);
            }
          });
          try {
            await sleep(1000, { signal: p });
          } finally {
            log.push(`parent's finally at ${clock.now()}`);
          }
        });
        await sleep(10, { signal: g });
        log.push(`grandparent returns at ${clock.now()}`);
        return "gp";
      });
      grandparent.link(() => log.push(`grandparent dead at ${clock.now()}`));
      await clock.advance(10);
      assert.equal(grandparent.dead, false);
      assert.equal(parent.dead, false);
      await clock.advance(7);
      await grandparent.join();
      await nextTurn();
      assert.deepEqual(log, [
        "grandparent returns at 10",
        "parent's finally at 10",
        "grandchild cleaned up at 17",
        "grandparent dead at 17",
      ]);
      assert.equal(await grandparent.get(), "gp");
      assert.equal(parent.parent, grandparent);
      assert.equal(grandchild.parent, parent);
      assert.equal(grandparent.parent, undefined);
      assert.ok(grandchild.value instanceof GreenletExit);
      assert.equal((grandchild.value as GreenletExit).reason, "parent ended");
    });
  });

  test("the parent's outcome is kept while its children die: a failure stays a failure", async () => {
    const boom = new Boom("parent failed");
    const parent = spawn(async (g) => {
      g.spawn((c) => sleep(1000, { signal: c }));
      await sleep(0);
      throw boom;
    });
    await assert.rejects(parent.get(), (error) => error === boom);
    assert.equal(parent.successful(), false);
  });

  test("a killed parent's children are killed once its function has settled", async () => {
    const log: string[] = [];
    const parent = spawn(async (g) => {
      g.spawn(async (c) => {
        try {
          await sleep(1000, { signal: c });
        } finally {
          log.push("child's finally");
        }
      });
      try {
        await sleep(1000, { signal: g });
      } finally {
        log.push("parent's finally");
      }
    });
    await sleep(0);
    assert.equal(await parent.kill(), true);
    assert.deepEqual(log, ["parent's finally", "child's finally"]);
  });

  test("a child's failure does not touch the parent and is reported unless observed", async () => {
    const reports = await captureReports(async () => {
      const parent = spawn(async (g) => {
        g.spawn(() => Promise.reject(new Boom("child")));
        await sleep(0);
        return "fine";
      });
      assert.equal(await parent.get(), "fine");
      await nextTurn();
    });
    assert.deepEqual(
      reports.map((r) => [(r.error as Error).message, r.context.kind]),
      [["child", "greenlet"]],
    );
  });

  test("a child spawned on a parent that has ended is returned killed before it started", async () => {
    const parent = spawn(() => "done");
    await parent.join();
    let ran = false;
    const child = parent.spawn(() => {
      ran = true;
    });
    assert.equal(child.dead, true);
    assert.equal(child.parent, parent);
    await nextTurn();
    assert.equal(ran, false);
  });

  test("a parent killed before it started never runs, and still waits for children spawned through its handle", async () => {
    let parentRan = false;
    const parent = new Greenlet(() => {
      parentRan = true;
    });
    const log: string[] = [];
    parent.spawn(async (c) => {
      try {
        await sleep(1000, { signal: c });
      } finally {
        await sleep(0);
        log.push("child cleaned up");
      }
    });
    await sleep(0);
    parent.start();
    const killed = parent.kill();
    assert.equal(parent.dead, false);
    assert.equal(await killed, true);
    assert.deepEqual(log, ["child cleaned up"]);
    await nextTurn();
    assert.equal(parentRan, false);
  });

  test("a group counts a parent as a member until its children are dead", async () => {
    const group = new Group();
    let childDone = false;
    group.spawn(async (g) => {
      g.spawn(async () => {
        await sleep(5); // deaf to the kill: the parent waits for it to end
        childDone = true;
      });
      await sleep(0);
    });
    await group.join();
    assert.equal(childDone, true);
  });

  test("a map worker's children die before the map resolves", async () => {
    const group = new Group();
    const log: string[] = [];
    const values = await group.map(async (g, n: number) => {
      g.spawn(async (c) => {
        try {
          await sleep(1000, { signal: c });
        } finally {
          log.push(`child ${n} ended`);
        }
      });
      await sleep(0);
      return n * 2;
    }, [1, 2]);
    assert.deepEqual(values, [2, 4]);
    assert.deepEqual(log.sort(), ["child 1 ended", "child 2 ended"]);
  });

  test("children not started yet die without running, and the parent ends at once", async () => {
    let ran = false;
    const parent = spawn((g) => {
      g.spawn(() => {
        ran = true;
      });
      return "sync";
    });
    assert.equal(await parent.get(), "sync");
    await nextTurn();
    assert.equal(ran, false);
  });

  test("run-info shows a child's parent", async () => {
    const disable = enableRunInfo();
    try {
      let child!: Greenlet<unknown>;
      const parent = spawn(async (g) => {
        child = g.spawn((c) => sleep(1000, { signal: c }));
        await sleep(1000, { signal: g });
      });
      parent.name = "parent";
      await sleep(0);
      const entry = runInfo().greenlets.find((info) => info.id === child.id);
      assert.deepEqual(entry?.parent, { id: parent.id, name: "parent" });
      await parent.kill();
      assert.equal(child.dead, true);
    } finally {
      disable();
    }
  });

  test("a greenlet without children has no parent", () => {
    assert.equal(spawn(() => 1).parent, undefined);
  });

  test("spawn on a greenlet checks fn", () => {
    const g = spawn(() => 1);
    assert.throws(() => g.spawn(7 as never), { name: "TypeError", message: "Greenlet.spawn(): expected fn to be a function, got 7 (number)" });
  });
});
