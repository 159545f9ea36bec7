// The blocking monitor. Its subject is real time (a loop blocked on the wall clock), so these
// tests block the loop for real with a busy wait, and assert on who is named and on lower bounds
// only; blocks that never end run in child processes.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawn as spawnChild } from "node:child_process";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { Event, Group, defaultErrorHandler, setErrorHandler, sleep, spawn, type ErrorContext, type Greenlet } from "../../src/index.js";
import { formatBlocked, monitorBlocking, type BlockedReport } from "../../src/observe/index.js";
import { observing } from "../../src/core/instrument.js";

const fixtures = resolve(import.meta.dirname, "..", "fixtures", "observe");

function busyWait(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // Blocks the loop on purpose.
  }
}

/** Collects reports; `next()` resolves with the first report that arrives after the call. */
function collector() {
  const reports: BlockedReport[] = [];
  let waiting: ((r: BlockedReport) => void) | undefined;
  return {
    reports,
    onBlocked(report: BlockedReport) {
      reports.push(report);
      waiting?.(report);
      waiting = undefined;
    },
    /** The monitor's timer does not keep the process alive; this one does, until a report or 20 s. */
    next(): Promise<BlockedReport> {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("no block was reported")), 20_000);
        waiting = (r) => {
          clearTimeout(timer);
          resolve(r);
        };
      });
    },
  };
}

/** A greenlet named `name` that waits for the library once, then blocks the loop for `ms`. */
function blocker(name: string, ms: number, after?: () => void): Greenlet<void> {
  const g = spawn(async (g) => {
    await sleep(10, { signal: g });
    busyWait(ms);
    after?.();
  });
  g.name = name;
  return g;
}

describe("monitorBlocking", () => {
  test("a block by a named greenlet is reported with its name and a duration of at least the threshold", async () => {
    const seen = collector();
    const stop = monitorBlocking({ thresholdMs: 50, watchdog: false, onBlocked: seen.onBlocked });
    try {
      const report = seen.next();
      await blocker("cruncher", 300).join();
      const r = await report;
      assert.equal(r.greenlet?.name, "cruncher");
      assert.ok(r.durationMs >= 50, `durationMs ${r.durationMs} ≥ 50`);
    } finally {
      stop();
    }
  });

  test("the blocker stays named when other greenlets resume between the block's end and the monitor's timer", async () => {
    const seen = collector();
    const stop = monitorBlocking({ thresholdMs: 50, watchdog: false, onBlocked: seen.onBlocked });
    try {
      const ready = new Event();
      const bystander = spawn(async (g) => {
        await ready.wait({ signal: g });
        await sleep(0, { signal: g });
      });
      bystander.name = "bystander";
      const report = seen.next();
      // The bystander is resumed right after the block, in the check phase, before the timers run.
      await blocker("hog", 300, () => setImmediate(() => ready.set())).join();
      await bystander.join();
      const r = await report;
      assert.equal(r.greenlet?.name, "hog");
    } finally {
      stop();
    }
  });

  test("nothing is reported while the loop only runs short turns", async () => {
    const seen = collector();
    const stop = monitorBlocking({ thresholdMs: 1000, watchdog: false, onBlocked: seen.onBlocked });
    try {
      const workers = [1, 2, 3].map((n) =>
        spawn(async (g) => {
          for (let i = 0; i < 10; i++) await sleep(120, { signal: g });
          return n;
        }),
      );
      for (const g of workers) await g.join();
      assert.deepEqual(seen.reports, []);
    } finally {
      stop();
    }
  });

  test("without onBlocked a block goes to the hub's error handler as kind blocked, with a message naming the greenlet", async () => {
    const errors: [unknown, ErrorContext][] = [];
    let arrived: () => void = () => {};
    const reported = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no block was reported")), 20_000);
      arrived = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    const previous = setErrorHandler((error, context) => {
      errors.push([error, context]);
      if (context.kind === "blocked") arrived();
    });
    const stop = monitorBlocking({ thresholdMs: 50, watchdog: false });
    try {
      const g = blocker("worker-3", 300);
      await g.join();
      await reported;
      const [error, context] = errors.find(([, c]) => c.kind === "blocked")!;
      assert.ok(error instanceof Error);
      assert.match(error.message, new RegExp(`^the event loop was blocked for \\d+ ms; last resumed: worker-3 \\(Greenlet-${g.id}\\)$`));
      assert.equal(error.stack, `Error: ${error.message}`);
      assert.equal(context.greenlet?.name, "worker-3");
      assert.equal(context.greenlet?.id, g.id);
    } finally {
      stop();
      setErrorHandler(previous);
    }
  });

  test("the default error handler prints a block as one line naming the greenlet that blocked the event loop", (t) => {
    const written: string[] = [];
    t.mock.method(process.stderr, "write", (chunk: string) => written.push(chunk) > 0);
    const error = new Error(formatBlocked({ durationMs: 1203.4, greenlet: { id: 12, name: "worker-3" }, owner: "Pool(10)" }));
    error.stack = `Error: ${error.message}`;
    defaultErrorHandler(error, { kind: "blocked", greenlet: { id: 12, name: "worker-3" } });
    assert.deepEqual(written, ["worker-3 blocked the event loop: Error: the event loop was blocked for 1203 ms; last resumed: worker-3 (Greenlet-12), owned by Pool(10)\n"]);
  });

  test("formatBlocked names an unnamed greenlet once, and says when no greenlet had been resumed", () => {
    assert.equal(formatBlocked({ durationMs: 150, greenlet: { id: 4, name: "Greenlet-4" } }), "the event loop was blocked for 150 ms; last resumed: Greenlet-4");
    assert.equal(formatBlocked({ durationMs: 150 }), "the event loop was blocked for 150 ms; no greenlet had been resumed");
  });

  test("an onBlocked that throws is reported to the hub as kind monitor, and the monitor goes on", async () => {
    const kinds: string[] = [];
    const previous = setErrorHandler((_error, context) => kinds.push(context.kind));
    let calls = 0;
    let second: () => void = () => {};
    const done = new Promise<void>((resolve) => (second = resolve));
    const keepAlive = setTimeout(() => {}, 20_000);
    const stop = monitorBlocking({
      thresholdMs: 50,
      watchdog: false,
      onBlocked: () => {
        if (++calls === 2) second();
        throw new Error("logger down");
      },
    });
    try {
      await blocker("first", 200).join();
      await sleep(100);
      await blocker("second", 200).join();
      await done;
      assert.ok(kinds.length >= 1 && kinds.every((k) => k === "monitor"), `kinds: ${kinds.join(", ")}`);
    } finally {
      clearTimeout(keepAlive);
      stop();
      setErrorHandler(previous);
    }
  });

  test("the owner of the blocking greenlet is reported", async () => {
    const seen = collector();
    const stop = monitorBlocking({ thresholdMs: 50, watchdog: false, onBlocked: seen.onBlocked });
    try {
      const group = new Group();
      const report = seen.next();
      const g = group.spawn(async (g) => {
        await sleep(10, { signal: g });
        busyWait(300);
      });
      g.name = "member";
      await group.join();
      const r = await report;
      assert.equal(r.greenlet?.name, "member");
      assert.equal(r.owner, "Group");
    } finally {
      stop();
    }
  });

  test("with stacks: true the report shows where the blocking greenlet resumed", async () => {
    const seen = collector();
    const stop = monitorBlocking({ thresholdMs: 50, watchdog: false, stacks: true, onBlocked: seen.onBlocked });
    try {
      const report = seen.next();
      const g = spawn(async function parksThenBlocks(g) {
        await sleep(10, { signal: g });
        busyWait(300);
      });
      await g.join();
      const r = await report;
      assert.equal(r.greenlet?.id, g.id);
      assert.match(r.stack ?? "", /parksThenBlocks .*monitor\.test\.ts/);
      assert.doesNotMatch(r.stack ?? "", /src[/\\](core|sleep)/);
    } finally {
      stop();
    }
  });

  test("stop() is idempotent, removes the instrument, and no block is reported after it", async () => {
    const seen = collector();
    const stop = monitorBlocking({ thresholdMs: 50, onBlocked: seen.onBlocked });
    assert.equal(observing, true);
    stop();
    stop();
    assert.equal(observing, false);
    await blocker("after-stop", 200).join();
    await sleep(100);
    assert.deepEqual(seen.reports, []);
  });

  test("bad options throw a TypeError or RangeError naming monitorBlocking()", () => {
    const cases: [unknown, string, string][] = [
      [null, "TypeError", "monitorBlocking(): expected options to be an object or undefined, got null"],
      [{ thresholdMs: 0 }, "RangeError", "monitorBlocking(): expected thresholdMs to be a finite number of milliseconds above 0, got 0 (number)"],
      [{ thresholdMs: -5 }, "RangeError", "monitorBlocking(): expected thresholdMs to be a finite number of milliseconds above 0, got -5 (number)"],
      [{ thresholdMs: NaN }, "RangeError", "monitorBlocking(): expected thresholdMs to be a finite number of milliseconds above 0, got NaN (number)"],
      [{ thresholdMs: Infinity }, "RangeError", "monitorBlocking(): expected thresholdMs to be a finite number of milliseconds above 0, got Infinity (number)"],
      [{ thresholdMs: "100" }, "TypeError", 'monitorBlocking(): expected thresholdMs to be a finite number of milliseconds above 0, got "100" (string)'],
      [{ onBlocked: 5 }, "TypeError", "monitorBlocking(): expected onBlocked to be a function or undefined, got 5 (number)"],
      [{ thresholdMs: 100, watchdogMs: 50 }, "RangeError", "monitorBlocking(): expected watchdogMs to be a finite number of milliseconds ≥ thresholdMs (100), got 50 (number)"],
      [{ watchdog: "yes" }, "TypeError", 'monitorBlocking(): expected watchdog to be a boolean, got "yes" (string)'],
      [{ stacks: 1 }, "TypeError", "monitorBlocking(): expected stacks to be a boolean, got 1 (number)"],
    ];
    for (const [options, name, message] of cases) {
      assert.throws(() => monitorBlocking(options as never), { name, message });
    }
    assert.equal(observing, false, "a refused call installs nothing");
  });
});

describe("monitorBlocking in a process of its own", () => {
  const tsx = ["--import", "tsx"];

  test("a process that only starts the monitor exits on its own", { timeout: 60_000 }, async () => {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [...tsx, join(fixtures, "idle.ts")], { encoding: "utf8", timeout: 30_000 });
    assert.equal(stdout, "monitoring\n");
    assert.equal(stderr, "");
  });

  test("the watchdog reports a greenlet that spins forever on stderr while it spins", { timeout: 60_000 }, async () => {
    const child = spawnChild(process.execPath, [...tsx, join(fixtures, "spin.ts")], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_code, signal) => resolve(signal)));
    try {
      await new Promise<void>((resolve, reject) => {
        child.stderr.setEncoding("utf8");
        child.stderr.on("data", (chunk: string) => {
          stderr += chunk;
          if (stderr.includes("\n")) resolve();
        });
        child.on("exit", (code) => reject(new Error(`the spinning child exited (code ${code}) before the watchdog reported; stderr: ${stderr}`)));
      });
    } finally {
      child.kill("SIGKILL");
    }
    assert.equal(await exited, "SIGKILL");
    assert.match(stderr, /^greenthread: the event loop has been blocked for \d+ ms and still is; last resumed: spinner \(Greenlet-\d+\)\n$/);
  });

  test("the watchdog reports once per block, and again only after the loop turned", { timeout: 60_000 }, async () => {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [...tsx, join(fixtures, "twice.ts")], { encoding: "utf8", timeout: 30_000 });
    const lines = stderr.split("\n").filter((line) => line !== "");
    assert.equal(lines.length, 2, stderr);
    assert.match(lines[0]!, /still is; last resumed: first \(Greenlet-\d+\)$/);
    assert.match(lines[1]!, /still is; last resumed: second \(Greenlet-\d+\)$/);
    assert.equal(stdout, "blocked by first\nblocked by second\n");
  });
});
