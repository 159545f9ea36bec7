// Rosetta page (docs/rosetta.md), the greenthread column: Event, Queue, Pool.imapUnordered and
// Group. One function per idiom, run in order at the bottom, on the virtual clock.
import { Event, getClock, Group, Pool, Queue, sleep, spawn, type Greenlet } from "greenthread";
import { installVirtualClock } from "greenthread/testing";

installVirtualClock({ autojump: true });
const log = (message: string) => console.log(`${String(getClock().now()).padStart(4)} ms  ${message}`);

async function event() {
  const ready = new Event();
  const waiter = spawn(async (g) => {
    await ready.wait({ signal: g }); // parks until set()
    log("Event: the waiter saw the flag");
  });
  await sleep(100);
  ready.set(); // wakes every waiter; later waits return at once
  await waiter.join();
}

async function queue() {
  const jobs = new Queue<string>(2); // put() parks while two items wait
  const worker = spawn(async (g) => {
    for (;;) {
      const job = await jobs.get({ signal: g }); // parks while empty
      await sleep(100, { signal: g });
      log(`Queue: did ${job}`);
      jobs.taskDone();
    }
  });
  for (const job of ["a", "b", "c"]) await jobs.put(job);
  await jobs.join(); // every item put was marked done
  await worker.kill();
}

async function imapUnordered() {
  const pool = new Pool(2); // at most two at once
  const resize = async (g: Greenlet, [name, ms]: [string, number]) => {
    await sleep(ms, { signal: g });
    return name;
  };
  const images: [string, number][] = [["big.png", 300], ["small.png", 100], ["mid.png", 150]];
  for await (const name of pool.imapUnordered(resize, images)) log(`imapUnordered: ${name}`); // as each finishes
}

async function group() {
  const crawlers = new Group();
  for (const ms of [100, 200, 60_000]) {
    crawlers.spawn(async (g) => {
      await sleep(ms, { signal: g });
    });
  }
  const all = await crawlers.join({ timeout: 500 }); // false: one is still running
  log(`Group: all done ${all}, still running ${crawlers.size}`);
  await crawlers.kill(); // kills the rest, waits for their cleanup
  log(`Group: after the kill ${crawlers.size}`);
}

await event();
await queue();
await imapUnordered();
await group();
