import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { GreenletExit, setErrorHandler, sleep, type Greenlet } from "../../src/index.js";
import { Pool } from "../../src/pool/index.js";
import { installVirtualClock } from "../../src/testing/index.js";
import { nextTurn } from "../helpers.js";

interface TaskSpec {
  duration: number;
  cleanupMs: number;
  fails: boolean;
}

type Op =
  | { type: "spawn"; task: TaskSpec }
  | { type: "map"; tasks: TaskSpec[] }
  | { type: "killone"; pick: number }
  | { type: "kill"; block: boolean }
  | { type: "advance"; ms: number };

const taskArb: fc.Arbitrary<TaskSpec> = fc.record({
  duration: fc.integer({ min: 0, max: 6 }),
  cleanupMs: fc.integer({ min: 0, max: 3 }),
  fails: fc.boolean(),
});

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ type: fc.constant("spawn" as const), task: taskArb }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant("map" as const), tasks: fc.array(taskArb, { maxLength: 5 }) }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant("killone" as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant("kill" as const), block: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ type: fc.constant("advance" as const), ms: fc.integer({ min: 0, max: 4 }) }) },
);

interface Task {
  started: boolean;
  ended: "ran" | "killed" | null;
  error: Error | null;
  greenlet: Greenlet<unknown> | null;
}

test("random mixes of spawn, map, kill and failure never exceed the capacity, and no spawned function is lost", async () => {
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 1, max: 4 }), fc.array(opArb, { maxLength: 40 }), async (capacity, ops) => {
      const clock = installVirtualClock();
      const reported: unknown[] = [];
      const previous = setErrorHandler((error) => reported.push(error));
      try {
        const pool = new Pool(capacity);
        const tasks: Task[] = [];
        const surfaced: unknown[] = [];
        const pending: Promise<unknown>[] = [];
        let running = 0;
        let most = 0;

        const body = (task: Task, spec: TaskSpec) => async (g: Greenlet<unknown>) => {
          task.started = true;
          running++;
          most = Math.max(most, running);
          try {
            if (spec.duration > 0) await sleep(spec.duration, { signal: g });
            task.ended = "ran";
            if (spec.fails) throw (task.error = new Error(`task ${tasks.indexOf(task)} failed`));
            return "done";
          } catch (error) {
            if (error instanceof GreenletExit) task.ended = "killed";
            throw error;
          } finally {
            // Cleanup that takes time: the slot must stay taken until it is over.
            if (spec.cleanupMs > 0) await sleep(spec.cleanupMs);
            running--;
          }
        };

        for (const op of ops) {
          switch (op.type) {
            case "spawn": {
              const task: Task = { started: false, ended: null, error: null, greenlet: null };
              tasks.push(task);
              pending.push(pool.spawn(body(task, op.task)).then((g) => (task.greenlet = g)));
              break;
            }
            case "map": {
              const specs = op.tasks.map((spec) => ({ spec, task: { started: false, ended: null, error: null, greenlet: null } as Task }));
              for (const { task } of specs) tasks.push(task);
              pending.push(
                pool.map((g, item: (typeof specs)[number]) => body(item.task, item.spec)(g), specs).catch((error: unknown) => {
                  surfaced.push(error);
                }),
              );
              break;
            }
            case "killone": {
              const members = [...pool];
              if (members.length > 0) void pool.killone(members[op.pick % members.length]!, { block: false });
              break;
            }
            case "kill":
              pending.push(pool.kill({ block: op.block }));
              break;
            case "advance":
              await clock.advance(op.ms);
              break;
          }
          assert.ok(pool.size <= capacity, `size ${pool.size} > capacity ${capacity}`);
        }
        await clock.runAll();
        await Promise.all(pending);
        await nextTurn();

        assert.ok(most <= capacity, `${most} members ran at once in a pool of ${capacity}`);
        assert.equal(running, 0);
        assert.equal(pool.size, 0);
        for (const task of tasks) {
          if (task.started) assert.notEqual(task.ended, null, "a started function neither finished nor was killed");
          else if (task.greenlet !== null) {
            assert.equal(task.greenlet.dead, true);
            assert.ok(task.greenlet.value instanceof GreenletExit, "a spawned function that never ran was not killed");
          }
        }
        // Every failure reached someone exactly once: the map that surfaced it, or the hub.
        const failures = tasks.flatMap((task) => (task.error === null ? [] : [task.error]));
        for (const error of failures) {
          const count = reported.filter((e) => e === error).length + surfaced.filter((e) => e === error).length;
          assert.equal(count, 1, `${error.message} reached ${count} observers`);
        }
        assert.equal(clock.pendingTimers, 0);
      } finally {
        setErrorHandler(previous);
        clock.uninstall();
      }
    }),
    { numRuns: 150 },
  );
});
