import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { GreenletExit, sleep, spawn, type Greenlet } from "../../src/index.js";
import { ThreadPoolClosedError } from "../../src/index.js";
import { ThreadPool } from "../../src/pool/thread-pool.js";
import { captureReports } from "../helpers.js";

const TASKS = new URL("../fixtures/thread-tasks.mjs", import.meta.url);
const BUSY = 1;

/** Two Int32 cells shared with a worker: [0] its state, [1] the release flag. */
function cells(): { buffer: SharedArrayBuffer; view: Int32Array } {
  const buffer = new SharedArrayBuffer(8);
  return { buffer, view: new Int32Array(buffer) };
}

/** Resolves once the worker has set cell 0 away from 0 (it has started the task). */
async function started(view: Int32Array): Promise<void> {
  const waitAsync = (Atomics as unknown as { waitAsync(a: Int32Array, i: number, v: number): { async: boolean; value: Promise<string> | string } }).waitAsync;
  const result = waitAsync(view, 0, 0);
  if (result.async) await result.value;
}

function release(view: Int32Array): void {
  Atomics.store(view, 1, 1);
  Atomics.notify(view, 1);
}

async function withThreads(body: (threads: ThreadPool) => Promise<void>, maxThreads = 2): Promise<void> {
  const threads = new ThreadPool({ filename: TASKS, minThreads: 1, maxThreads });
  try {
    await body(threads);
  } finally {
    await threads.close({ force: true });
  }
}

describe("ThreadPool", () => {
  test("spawn runs the default export on a worker thread and the greenlet's value is its result", async () => {
    await withThreads(async (threads) => {
      const g = threads.spawn<number>(12);
      assert.equal(await g.get(), 144);
      assert.equal(await threads.apply(5), 25);
    });
  });

  test("the main event loop keeps serving greenlets while a worker computes", async () => {
    await withThreads(async (threads) => {
      const { buffer, view } = cells();
      const computing = threads.spawn<string>(buffer, { name: "hold" });
      await started(view);
      // 200 ping-pongs between two greenlets, each hit a macrotask turn (sleep(0)); the worker
      // cannot finish meanwhile: it computes until released below.
      let ball = 0;
      const player = (parity: number) => async (g: Greenlet<void>) => {
        while (ball < 200) {
          if (ball % 2 === parity) ball++;
          await sleep(0, { signal: g });
        }
      };
      const ping = spawn(player(0));
      const pong = spawn(player(1));
      await ping.join();
      await pong.join();
      assert.equal(ball, 200);
      assert.equal(Atomics.load(view, 0), BUSY);
      assert.equal(computing.ready(), false);
      release(view);
      assert.equal(await computing.get(), "released");
    });
  });

  test("killing a task's greenlet aborts the running task and the pool goes on", async () => {
    await withThreads(async (threads) => {
      const { buffer, view } = cells();
      const g = threads.spawn(buffer, { name: "block" });
      await started(view);
      assert.equal(await g.kill(), true);
      assert.ok(g.value instanceof GreenletExit);
      assert.equal(g.successful(), true);
      assert.equal(await threads.apply(7), 49);
    }, 1);
  });

  test("killing a queued task drops it: it never runs", async () => {
    await withThreads(async (threads) => {
      const holding = cells();
      const queued = cells();
      const first = threads.spawn(holding.buffer, { name: "hold" });
      await started(holding.view);
      const second = threads.spawn(queued.buffer, { name: "mark" });
      await sleep(0);
      await second.kill();
      release(holding.view);
      assert.equal(await first.get(), "released");
      assert.equal(await threads.apply(3), 9); // the queue has been worked through
      assert.equal(Atomics.load(queued.view, 0), 0);
      assert.ok(second.value instanceof GreenletExit);
    }, 1);
  });

  test("a task that throws fails its greenlet with the worker's error", async () => {
    await withThreads(async (threads) => {
      const g = threads.spawn("bad input", { name: "fail" });
      await assert.rejects(g.get(), (e: Error) => e instanceof Error && e.message === "bad input");
      assert.equal(await threads.apply(2), 4);
    });
  });

  test("a worker thread that crashes fails its task and the pool replaces the thread", async () => {
    await withThreads(async (threads) => {
      const reports = await captureReports(async () => {
        await assert.rejects(threads.apply(3, { name: "crash" }), { message: "worker exited with code: 3" });
        assert.equal(await threads.apply(6), 36);
      });
      assert.deepEqual(reports, []);
    }, 1);
  });

  test("apply with a signal aborts the task when the signal aborts", async () => {
    await withThreads(async (threads) => {
      const { buffer, view } = cells();
      const controller = new AbortController();
      const applied = threads.apply(buffer, { name: "block", signal: controller.signal });
      await started(view);
      const reason = new Error("caller gave up");
      controller.abort(reason);
      await assert.rejects(applied, (e) => e === reason);
      assert.equal(await threads.join(), true);
      assert.equal(await threads.apply(4), 16);
    }, 1);
  });

  test("apply inside a greenlet is aborted when that greenlet is killed", async () => {
    await withThreads(async (threads) => {
      const { buffer, view } = cells();
      const caller = spawn((g) => threads.apply(buffer, { name: "block", signal: g }));
      await started(view);
      await caller.kill();
      assert.ok(caller.value instanceof GreenletExit);
      assert.equal(await threads.join(), true);
    }, 1);
  });

  test("close waits for running tasks, ends the threads, and spawn afterwards throws", async () => {
    const threads = new ThreadPool({ filename: TASKS, minThreads: 1, maxThreads: 1 });
    const { buffer, view } = cells();
    const g = threads.spawn(buffer, { name: "hold" });
    await started(view);
    const closing = threads.close();
    assert.equal(threads.closed, true);
    assert.equal(threads.close(), closing);
    assert.throws(() => threads.spawn(1), ThreadPoolClosedError);
    assert.throws(() => threads.apply(1), { name: "ThreadPoolClosedError", message: "ThreadPool.apply(): the thread pool is closed" });
    release(view);
    await closing;
    assert.equal(await g.get(), "released");
    assert.equal(threads.threads, 0);
  });

  test("close with force kills the tasks instead of waiting", async () => {
    const threads = new ThreadPool({ filename: TASKS, minThreads: 1, maxThreads: 1 });
    const { buffer, view } = cells();
    const g = threads.spawn(buffer, { name: "block" });
    await started(view);
    await threads.close({ force: true });
    assert.ok(g.value instanceof GreenletExit);
    assert.equal(threads.threads, 0);
  });

  test("bad options are rejected at the call", async () => {
    assert.throws(() => new ThreadPool(undefined as never), {
      name: "TypeError",
      message: "new ThreadPool(): expected options to be an object with a filename, got undefined",
    });
    assert.throws(() => new ThreadPool({ filename: 42 as never }), {
      name: "TypeError",
      message: "new ThreadPool(): expected filename to be a path or a file: URL, got 42 (number)",
    });
    assert.throws(() => new ThreadPool({ filename: TASKS, maxThreads: 0 }), {
      name: "RangeError",
      message: "new ThreadPool(): expected maxThreads to be an integer ≥ 1, got 0 (number)",
    });
    assert.throws(() => new ThreadPool({ filename: TASKS, minThreads: 3, maxThreads: 2 }), {
      name: "RangeError",
      message: "new ThreadPool(): expected minThreads (3) to be at most maxThreads (2)",
    });
    await withThreads(async (threads) => {
      assert.throws(() => threads.spawn(1, { name: 5 as never }), {
        name: "TypeError",
        message: "ThreadPool.spawn(): expected name to be a string, got 5 (number)",
      });
      assert.throws(() => threads.apply(1, { signal: {} as never }), { name: "TypeError", message: /^ThreadPool\.apply\(\): expected signal/ });
    });
  });
});
