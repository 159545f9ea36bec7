// Model-based properties: random interleavings of the sync primitives' operations, run against
// the real classes on the virtual clock and against a few lines of obviously-correct model. After
// every step the microtasks drain, and the log of outcomes (who got what, in which order) must be
// the model's, step for step.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { AsyncResult, Event, Semaphore } from "../../src/sync/index.js";
import { installVirtualClock, type VirtualClock } from "../../src/testing/index.js";

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

type Mode = "plain" | "timeout" | "signal" | "both";

const mode: fc.Arbitrary<Mode> = fc.constantFrom("plain", "timeout", "signal", "both");
const wantsTimer = (m: Mode): boolean => m === "timeout" || m === "both";
const wantsSignal = (m: Mode): boolean => m === "signal" || m === "both";

/** A parked wait in a model: who, until when, and whether it can be aborted. */
interface Parked {
  id: number;
  deadline: number;
  abortable: boolean;
}

/** The waits whose deadline falls within `now`, in the order the clock fires them. */
function expire(queue: Parked[], now: number): Parked[] {
  const due = queue.filter((p) => p.deadline <= now).sort((a, b) => a.deadline - b.deadline || a.id - b.id);
  for (const p of due) queue.splice(queue.indexOf(p), 1);
  return due;
}

/** Aborts the `k`-th abortable parked wait (mod their number), if any; returns its id. */
function pickAbortable(queue: Parked[], k: number): Parked | undefined {
  const abortable = queue.filter((p) => p.abortable);
  if (abortable.length === 0) return undefined;
  const victim = abortable[k % abortable.length]!;
  queue.splice(queue.indexOf(victim), 1);
  return victim;
}

async function onVirtualClock(body: (clock: VirtualClock) => Promise<void>): Promise<void> {
  const clock = installVirtualClock();
  try {
    await body(clock);
    assert.equal(clock.pendingTimers, 0, "a settled wait left a timer behind");
  } finally {
    clock.uninstall();
  }
}

// ---------------------------------------------------------------------------------------------
// Semaphore

type SemOp =
  | { t: "acquire"; mode: Mode | "nonblocking"; ms: number }
  | { t: "release" }
  | { t: "abort"; k: number }
  | { t: "advance"; ms: number };

const semOp: fc.Arbitrary<SemOp> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ t: fc.constant("acquire" as const), mode: fc.oneof(mode, fc.constant("nonblocking" as const)), ms: fc.integer({ min: 0, max: 40 }) }) },
  { weight: 3, arbitrary: fc.constant({ t: "release" as const }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("abort" as const), k: fc.nat(10) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("advance" as const), ms: fc.integer({ min: 1, max: 30 }) }) },
);

test("Semaphore under random acquire/release/abort/timeout: holders never exceed the value, waiters are served in arrival order", async () => {
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 0, max: 3 }), fc.array(semOp, { maxLength: 40, size: "max" }), async (value, ops) => {
      await onVirtualClock(async (clock) => {
        const sem = new Semaphore(value);
        const log: string[] = []; // what the real semaphore did
        const expected: string[] = []; // what the model says it should have done
        const controllers = new Map<number, AbortController>();
        let holders = 0;
        let next = 0;
        // The model.
        let free = value;
        let modelHolders = 0;
        const queue: Parked[] = [];

        for (const op of ops) {
          if (op.t === "acquire") {
            const id = next++;
            const m = op.mode;
            const signal = m !== "nonblocking" && wantsSignal(m) ? new AbortController() : undefined;
            if (signal !== undefined) controllers.set(id, signal);
            sem
              .acquire({
                blocking: m !== "nonblocking",
                timeout: m !== "nonblocking" && wantsTimer(m) ? op.ms : undefined,
                signal: signal?.signal,
              })
              .then(
                (ok) => {
                  if (ok) holders++;
                  log.push(`${id} ${ok ? "acquired" : "refused"}`);
                },
                () => log.push(`${id} aborted`),
              );
            if (free > 0) {
              free--;
              modelHolders++;
              expected.push(`${id} acquired`);
            } else if (m === "nonblocking") {
              expected.push(`${id} refused`);
            } else {
              queue.push({ id, deadline: wantsTimer(m) ? clock.now() + op.ms : Infinity, abortable: signal !== undefined });
            }
          } else if (op.t === "release") {
            if (modelHolders === 0) continue; // only holders release
            assert.equal(sem.release(), queue.length > 0 ? 0 : free + 1);
            holders--;
            modelHolders--;
            const first = queue.shift();
            if (first !== undefined) {
              modelHolders++;
              expected.push(`${first.id} acquired`);
            } else {
              free++;
            }
          } else if (op.t === "abort") {
            const victim = pickAbortable(queue, op.k);
            if (victim === undefined) continue;
            controllers.get(victim.id)!.abort(new Error("aborted"));
            expected.push(`${victim.id} aborted`);
          } else {
            for (const p of expire(queue, clock.now() + op.ms)) expected.push(`${p.id} refused`);
            await clock.advance(op.ms);
          }
          await turn();
          assert.deepEqual(log, expected);
          assert.equal(sem.counter, free);
          assert.equal(holders, modelHolders);
          assert.ok(holders <= value, `${holders} holders on a semaphore of ${value}`);
          assert.equal(holders + sem.counter, value, "a slot was lost or made up");
          assert.equal(sem.locked(), free === 0);
        }
        // Drain: abort whatever still waits, so nothing outlives the run.
        for (const p of queue) controllers.get(p.id)?.abort(new Error("end"));
        for (let i = 0; i < queue.length + value; i++) sem.release();
        await clock.runAll();
      });
    }),
    { numRuns: 150 },
  );
});

// ---------------------------------------------------------------------------------------------
// Event

type EventOp =
  | { t: "wait"; mode: Mode; ms: number }
  | { t: "set" }
  | { t: "clear" }
  | { t: "abort"; k: number }
  | { t: "advance"; ms: number };

const eventOp: fc.Arbitrary<EventOp> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ t: fc.constant("wait" as const), mode, ms: fc.integer({ min: 0, max: 40 }) }) },
  { weight: 2, arbitrary: fc.constant({ t: "set" as const }) },
  { weight: 2, arbitrary: fc.constant({ t: "clear" as const }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("abort" as const), k: fc.nat(10) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("advance" as const), ms: fc.integer({ min: 1, max: 30 }) }) },
);

test("Event under random wait/set/clear/abort/timeout: every wait pending at a set() wakes true, in the order of its wait() call", async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(eventOp, { maxLength: 40, size: "max" }), async (ops) => {
      await onVirtualClock(async (clock) => {
        const event = new Event();
        const log: string[] = [];
        const expected: string[] = [];
        const controllers = new Map<number, AbortController>();
        let next = 0;
        let flag = false;
        const queue: Parked[] = [];

        for (const op of ops) {
          if (op.t === "wait") {
            const id = next++;
            const signal = wantsSignal(op.mode) ? new AbortController() : undefined;
            if (signal !== undefined) controllers.set(id, signal);
            const options = op.mode === "plain" ? undefined : { timeout: wantsTimer(op.mode) ? op.ms : undefined, signal: signal?.signal };
            event.wait(options).then(
              (v) => log.push(`${id} ${v}`),
              () => log.push(`${id} aborted`),
            );
            if (flag) expected.push(`${id} true`);
            else queue.push({ id, deadline: wantsTimer(op.mode) ? clock.now() + op.ms : Infinity, abortable: signal !== undefined });
          } else if (op.t === "set") {
            event.set();
            if (!flag) for (const p of queue.splice(0)) expected.push(`${p.id} true`);
            flag = true;
          } else if (op.t === "clear") {
            event.clear();
            flag = false;
          } else if (op.t === "abort") {
            const victim = pickAbortable(queue, op.k);
            if (victim === undefined) continue;
            controllers.get(victim.id)!.abort(new Error("aborted"));
            expected.push(`${victim.id} aborted`);
          } else {
            for (const p of expire(queue, clock.now() + op.ms)) expected.push(`${p.id} false`);
            await clock.advance(op.ms);
          }
          await turn();
          assert.deepEqual(log, expected);
          assert.equal(event.isSet(), flag);
        }
        event.set();
        await clock.runAll();
      });
    }),
    { numRuns: 150 },
  );
});

// ---------------------------------------------------------------------------------------------
// AsyncResult

type ResultOp =
  | { t: "get" | "wait"; mode: Mode; ms: number }
  | { t: "settle"; ok: boolean }
  | { t: "abort"; k: number }
  | { t: "advance"; ms: number };

const resultOp: fc.Arbitrary<ResultOp> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ t: fc.constantFrom("get" as const, "wait" as const), mode, ms: fc.integer({ min: 0, max: 40 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("settle" as const), ok: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("abort" as const), k: fc.nat(10) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("advance" as const), ms: fc.integer({ min: 1, max: 30 }) }) },
);

test("AsyncResult under random get/wait/settle/abort/timeout: one outcome, seen by every waiter in call order; later settles throw", async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(resultOp, { maxLength: 40, size: "max" }), async (ops) => {
      await onVirtualClock(async (clock) => {
        const result = new AsyncResult<string>();
        const failure = new Error("failed");
        const log: string[] = [];
        const expected: string[] = [];
        const controllers = new Map<number, AbortController>();
        const kinds = new Map<number, "get" | "wait">();
        let next = 0;
        let outcome: "value" | "error" | undefined;
        const queue: Parked[] = [];
        const settled = (id: number): string => {
          if (outcome === "value") return `${id} value`;
          return kinds.get(id) === "get" ? `${id} rejected failed` : `${id} undefined`;
        };

        for (const op of ops) {
          if (op.t === "get" || op.t === "wait") {
            const id = next++;
            kinds.set(id, op.t);
            const signal = wantsSignal(op.mode) ? new AbortController() : undefined;
            if (signal !== undefined) controllers.set(id, signal);
            const options = op.mode === "plain" ? undefined : { timeout: wantsTimer(op.mode) ? op.ms : undefined, signal: signal?.signal };
            (op.t === "get" ? result.get(options) : result.wait(options)).then(
              (v) => log.push(`${id} ${v === "v" ? "value" : String(v)}`),
              (e: unknown) => log.push(`${id} ${e === failure ? "rejected failed" : e instanceof Error && e.name === "TimeoutError" ? "timed out" : "aborted"}`),
            );
            if (outcome !== undefined) expected.push(settled(id));
            else queue.push({ id, deadline: wantsTimer(op.mode) ? clock.now() + op.ms : Infinity, abortable: signal !== undefined });
          } else if (op.t === "settle") {
            if (outcome !== undefined) {
              assert.throws(() => (op.ok ? result.set("late") : result.setException(new Error("late"))), TypeError);
              continue;
            }
            if (op.ok) result.set("v");
            else result.setException(failure);
            outcome = op.ok ? "value" : "error";
            for (const p of queue.splice(0)) expected.push(settled(p.id));
          } else if (op.t === "abort") {
            const victim = pickAbortable(queue, op.k);
            if (victim === undefined) continue;
            controllers.get(victim.id)!.abort(new Error("aborted"));
            expected.push(`${victim.id} aborted`);
          } else {
            for (const p of expire(queue, clock.now() + op.ms)) expected.push(`${p.id} ${kinds.get(p.id) === "get" ? "timed out" : "undefined"}`);
            await clock.advance(op.ms);
          }
          await turn();
          assert.deepEqual(log, expected);
          assert.equal(result.ready(), outcome !== undefined);
          assert.equal(result.successful(), outcome === "value");
        }
        if (outcome === undefined) result.set("v");
        await clock.runAll();
      });
    }),
    { numRuns: 150 },
  );
});
