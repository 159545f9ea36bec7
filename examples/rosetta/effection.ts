// Rosetta page (docs/rosetta.md), the Effection 4 column: the same idioms as the greenthread
// programs beside it, with Effection's own API (generator functions, run under main()), so the
// page's Effection cells run too. Real time, so nothing prints a time.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import {
  createContext,
  createQueue,
  main,
  race,
  scoped,
  sleep,
  spawn,
  until,
  useAbortSignal,
  withResolvers,
  type Operation,
} from "effection";

/** A stand-in for I/O: answers after `ms`; a halt lands in its sleep. */
function* fetchPage(url: string, ms = 20): Operation<string> {
  yield* sleep(ms);
  return `<html>${url}</html>`;
}

function* spawnAndGet(): Operation<void> {
  const task = yield* spawn(() => fetchPage("/home"));
  console.log(`spawn: ${yield* task}`);
}

function* joinWithTimeout(): Operation<void> {
  const task = yield* spawn(() => fetchPage("/slow", 5000));
  yield* race([task, sleep(100)]); // racing the task does not halt it
  yield* task.halt();
  console.log("join: gave up waiting, then halted it");
}

function* halt(): Operation<void> {
  const task = yield* spawn(function* () {
    try {
      yield* sleep(60_000); // the halt lands here
    } finally {
      console.log("kill: the task's finally ran");
    }
  });
  yield* sleep(0);
  yield* task.halt(); // returns once its finally blocks ran
}

function* timeout(ms: number): Operation<never> {
  yield* sleep(ms);
  throw new Error(`timed out after ${ms} ms`);
}

function* deadline(): Operation<void> {
  try {
    yield* race([fetchPage("/slow", 2000), timeout(50)]); // the loser is halted
  } catch (error) {
    console.log(`Timeout: gave up: ${(error as Error).message}`);
  }
}

function* event(): Operation<void> {
  const ready = withResolvers<void>();
  const waiter = yield* spawn(function* () {
    yield* ready.operation;
    console.log("Event: the waiter saw the flag");
  });
  yield* sleep(10);
  ready.resolve();
  yield* waiter;
}

function* queue(): Operation<void> {
  const jobs = createQueue<string, never>(); // unbounded, one consumer
  const worker = yield* spawn(function* () {
    for (;;) {
      const { value: job } = yield* jobs.next();
      yield* sleep(10);
      console.log(`Queue: did ${job}`);
    }
  });
  for (const job of ["a", "b", "c"]) jobs.add(job);
  yield* sleep(200); // no join(): nothing counts the items done
  yield* worker.halt();
}

function* resize([name, ms]: [string, number]): Operation<string> {
  yield* sleep(ms);
  return name;
}

function* imapUnordered(): Operation<void> {
  const images: [string, number][] = [["big.png", 200], ["small.png", 10], ["mid.png", 50]];
  const todo = createQueue<[string, number], never>();
  const done = createQueue<string, never>();
  for (const image of images) todo.add(image);
  yield* scoped(function* () {
    for (let i = 0; i < 2; i++) { // two workers: the bound
      yield* spawn(function* () {
        for (;;) done.add(yield* resize((yield* todo.next()).value));
      });
    }
    for (const _ of images) console.log(`imapUnordered: ${(yield* done.next()).value}`);
  }); // leaving the scope halts the idle workers
}

function* group(): Operation<void> {
  yield* scoped(function* () {
    for (const ms of [10, 20, 60_000]) {
      yield* spawn(function* () {
        try {
          yield* sleep(ms);
        } finally {
          if (ms === 60_000) console.log("Group: the scope's end halted the one still running");
        }
      });
    }
    yield* sleep(100);
  });
}

function* links(): Operation<void> {
  try {
    yield* scoped(function* () {
      yield* spawn(function* () {
        yield* sleep(10);
        throw new Error("404");
      });
      yield* sleep(60_000);
    });
  } catch (error) {
    console.log(`link: the scope failed with its child: ${(error as Error).message}`); // no callback to link
  }
}

const RequestId = createContext<string>("request-id");

function* handle(): Operation<void> {
  yield* sleep(10);
  console.log(`local: ${yield* RequestId.expect()} handled`); // deep below: nothing passed down
}

function* contexts(): Operation<void> {
  yield* RequestId.with("req-1", function* () {
    yield* handle();
  });
}

function* subprocess(): Operation<void> {
  const signal = yield* useAbortSignal(); // aborted when this scope ends
  const { stdout } = yield* until(promisify(execFile)("sh", ["-c", "echo hello from the child"], { signal }));
  console.log(`subprocess: stdout ${JSON.stringify(stdout)}`);
}

await main(function* () {
  yield* spawnAndGet();
  yield* joinWithTimeout();
  yield* halt();
  yield* deadline();
  yield* event();
  yield* queue();
  yield* imapUnordered();
  yield* group();
  yield* links();
  yield* contexts();
  yield* subprocess();
});
