import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { GreenletExit, exponentialBackoff, getClock, retry, sleep, spawn } from "../src/index.js";
import { withVirtualClock } from "./helpers.js";

class Flaky extends Error {
  override name = "Flaky";
}

describe("retry", () => {
  test("retries after failures with the default exponential backoff and resolves the first success", async () => {
    await withVirtualClock(async () => {
      const calls: string[] = [];
      const value = await retry((attempt) => {
        calls.push(`attempt ${attempt} at ${getClock().now()}`);
        if (attempt < 3) throw new Flaky(`no ${attempt}`);
        return "ok";
      });
      assert.equal(value, "ok");
      assert.deepEqual(calls, ["attempt 1 at 0", "attempt 2 at 100", "attempt 3 at 300"]);
    }, { autojump: true });
  });

  test("rejects with the last failure, unchanged, once the attempts are used up", async () => {
    await withVirtualClock(async () => {
      const errors: Flaky[] = [];
      const delays: number[] = [];
      await assert.rejects(
        retry(
          async (attempt) => {
            const error = new Flaky(`no ${attempt}`);
            errors.push(error);
            throw error;
          },
          { attempts: 4, backoff: 50, onRetry: (_e, _n, ms) => delays.push(ms) },
        ),
        (error) => error === errors[3],
      );
      assert.equal(errors.length, 4);
      assert.deepEqual(delays, [50, 50, 50]);
      assert.equal(getClock().now(), 150);
    }, { autojump: true });
  });

  test("a backoff function gets the attempt and its error", async () => {
    await withVirtualClock(async () => {
      const seen: string[] = [];
      await retry(
        (attempt) => {
          if (attempt === 1) throw new Flaky("first");
          return attempt;
        },
        {
          backoff: (attempt, error) => {
            seen.push(`${attempt}: ${(error as Error).message}`);
            return 7;
          },
        },
      );
      assert.deepEqual(seen, ["1: first"]);
      assert.equal(getClock().now(), 7);
    }, { autojump: true });
  });

  test("retryIf: false ends the retry with that failure", async () => {
    let calls = 0;
    await assert.rejects(
      retry(
        () => {
          calls++;
          throw new TypeError("bug");
        },
        { retryIf: (error) => error instanceof Flaky },
      ),
      TypeError,
    );
    assert.equal(calls, 1);
  });

  test("a GreenletExit is never retried", async () => {
    let calls = 0;
    const exit = new GreenletExit();
    await assert.rejects(
      retry(() => {
        calls++;
        throw exit;
      }, { attempts: 5 }),
      (error) => error === exit,
    );
    assert.equal(calls, 1);
  });

  test("a kill of the greenlet given as signal ends the retry during a delay, without another attempt", async () => {
    await withVirtualClock(async (clock) => {
      let calls = 0;
      const g = spawn((g) =>
        retry(() => {
          calls++;
          throw new Flaky("down");
        }, { attempts: Infinity, backoff: 1000, signal: g }),
      );
      await clock.advance(1500); // attempt 1 at 0, attempt 2 at 1000, now in the second delay
      assert.equal(calls, 2);
      await g.kill();
      assert.ok(g.value instanceof GreenletExit);
      await clock.advance(5000);
      assert.equal(calls, 2);
    });
  });

  test("an abort during an attempt rejects at once with the reason, even if the attempt ignores it", async () => {
    await withVirtualClock(async (clock) => {
      const controller = new AbortController();
      const reason = new Error("shutting down");
      const pending = retry(() => sleep(1000).then(() => "late"), { signal: controller.signal });
      const outcome = pending.then(
        () => "resolved",
        (error: unknown) => error,
      );
      await clock.advance(10);
      controller.abort(reason);
      assert.equal(await outcome, reason);
      await clock.advance(1000);
    });
  });

  test("an aborted signal rejects at once and fn is not called", async () => {
    const controller = new AbortController();
    controller.abort(new Error("gone"));
    let called = false;
    await assert.rejects(
      retry(() => {
        called = true;
      }, { signal: controller.signal }),
      { message: "gone" },
    );
    assert.equal(called, false);
  });

  test("exponentialBackoff grows by factor and stops at maxMs", () => {
    const backoff = exponentialBackoff({ initialMs: 10, factor: 3, maxMs: 200 });
    assert.deepEqual([1, 2, 3, 4, 5].map((n) => backoff(n)), [10, 30, 90, 200, 200]);
    assert.deepEqual([1, 7, 8].map((n) => exponentialBackoff()(n)), [100, 6400, 10_000]);
  });

  test("bad arguments throw at the call", () => {
    assert.throws(() => retry(5 as never), { name: "TypeError", message: "retry(): expected fn to be a function, got 5 (number)" });
    assert.throws(() => retry(() => 1, { attempts: 0 }), {
      name: "RangeError",
      message: "retry(): expected attempts to be an integer ≥ 1 or Infinity, got 0 (number)",
    });
    assert.throws(() => retry(() => 1, { backoff: -1 }), { name: "RangeError" });
    assert.throws(() => retry(() => 1, { backoff: "1" as never }), { name: "TypeError" });
    assert.throws(() => exponentialBackoff({ factor: 0.5 }), {
      name: "RangeError",
      message: "exponentialBackoff(): expected factor to be a finite number ≥ 1, got 0.5 (number)",
    });
  });

  test("a backoff that returns a bad delay rejects the retry with a RangeError", async () => {
    await assert.rejects(
      retry(() => Promise.reject(new Flaky("x")), { backoff: () => Number.NaN }),
      { name: "RangeError", message: "retry(): expected the delay returned by backoff to be a finite number of milliseconds ≥ 0, got NaN (number)" },
    );
  });
});
