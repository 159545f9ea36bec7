// Rosetta page (docs/rosetta.md), the plain Promise column: the same idioms with promises,
// AbortController and Node's own modules (p-limit for the pool), so the page's Promise cells run
// too. Real time, so nothing prints a time.
import { AsyncLocalStorage } from "node:async_hooks";
import { execFile } from "node:child_process";
import { EventEmitter, on } from "node:events";
import { setTimeout as delay } from "node:timers/promises";
import { promisify } from "node:util";
import pLimit from "p-limit";

/** A stand-in for I/O: answers after `ms`; aborting `signal` rejects its wait. */
async function fetchPage(url: string, ms = 20, signal?: AbortSignal): Promise<string> {
  await delay(ms, undefined, { signal });
  return `<html>${url}</html>`;
}

async function spawnAndGet() {
  const page = fetchPage("/home"); // already running, up to its first await
  console.log(`spawn: ${await page}`);
}

async function joinWithTimeout() {
  const controller = new AbortController();
  const page = fetchPage("/slow", 5000, controller.signal);
  const ended = page.then(() => true, () => true); // a failure is handled here, not unhandled later
  const timer = new AbortController();
  const done = await Promise.race([ended, delay(100, false, { signal: timer.signal }).catch(() => false)]);
  timer.abort(); // otherwise the losing timer stays armed
  controller.abort(); // the page is still loading: stop it
  await ended;
  console.log(`join: done ${done}`);
}

async function kill() {
  const controller = new AbortController();
  const job = (async (signal: AbortSignal) => {
    try {
      await delay(60_000, undefined, { signal }); // it must hand the signal to every wait
    } finally {
      console.log("kill: the job's finally ran");
    }
  })(controller.signal);
  controller.abort();
  await job.catch(() => {}); // the only way to know its finally ran
}

async function timeout() {
  try {
    await delay(2000, undefined, { signal: AbortSignal.timeout(50) });
  } catch (error) {
    if ((error as Error).name !== "AbortError") throw error; // timers/promises rejects with an AbortError
    console.log(`Timeout: gave up: ${String((error as Error).cause)}`);
  }
}

async function event() {
  let set!: () => void;
  const ready = new Promise<void>((resolve) => (set = resolve));
  const waiter = ready.then(() => console.log("Event: the waiter saw the flag"));
  await delay(10);
  set(); // one-shot: there is no clear()
  await waiter;
}

async function queue() {
  const jobs = new EventEmitter();
  const stop = new AbortController();
  const worker = (async () => {
    for await (const [job] of on(jobs, "job", { signal: stop.signal })) { // buffered without bound
      await delay(10);
      console.log(`Queue: did ${String(job)}`);
    }
  })().catch(() => {}); // the abort ends the loop with an AbortError
  for (const job of ["a", "b", "c"]) jobs.emit("job", job); // no way to wait for room
  await delay(200); // no join(): nothing counts the items done
  stop.abort();
  await worker;
}

async function resize([name, ms]: [string, number]): Promise<string> {
  await delay(ms);
  return name;
}

async function imapUnordered() {
  const images: [string, number][] = [["big.png", 200], ["small.png", 10], ["mid.png", 50]];
  const limit = pLimit(2); // the usual answer: the platform has no pool
  await Promise.all(images.map((image) => limit(() => resize(image)).then((name) => console.log(`imapUnordered: ${name}`))));
}

async function group() {
  const controller = new AbortController();
  const crawls = [10, 20, 60_000].map((ms) => delay(ms, undefined, { signal: controller.signal }));
  await Promise.race([Promise.allSettled(crawls), delay(100)]);
  controller.abort(); // "kill the rest": each must honour the signal
  const settled = await Promise.allSettled(crawls);
  console.log(`Group: ${settled.filter((s) => s.status === "rejected").length} aborted`);
}

async function links() {
  const ok = fetchPage("/ok");
  const bad = Promise.reject(new Error("404"));
  await Promise.all([
    ok.then((value) => console.log(`link: ok gave ${value}`)),
    bad.catch((error: Error) => console.log(`link: bad failed: ${error.message}`)),
  ]);
}

const requestId = new AsyncLocalStorage<string>();

async function handle() {
  await delay(10);
  console.log(`local: ${requestId.getStore()} handled`); // deep below: nothing passed down
}

async function local() {
  await requestId.run("req-1", () => handle());
  console.log(`local: outside, ${String(requestId.getStore())}`);
}

async function subprocess() {
  const controller = new AbortController();
  const { stdout } = await promisify(execFile)("sh", ["-c", "echo hello from the child"], { signal: controller.signal });
  console.log(`subprocess: stdout ${JSON.stringify(stdout)}`);
}

await spawnAndGet();
await joinWithTimeout();
await kill();
await timeout();
await event();
await queue();
await imapUnordered();
await group();
await links();
await local();
await subprocess();
