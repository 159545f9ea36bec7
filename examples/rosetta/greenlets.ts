// Rosetta page (docs/rosetta.md), the greenthread column: spawn, join with a timeout, kill,
// Timeout, links, and getcurrent with Local. One function per idiom, run in order at the bottom,
// on the virtual clock so the times printed are exact.
import { getClock, getcurrent, GreenletExit, Local, sleep, spawn, Timeout, TimeoutError, type Greenlet } from "greenthread";
import { installVirtualClock } from "greenthread/testing";

installVirtualClock({ autojump: true });
const log = (message: string) => console.log(`${String(getClock().now()).padStart(4)} ms  ${message}`);

/** A stand-in for I/O: answers after `ms`, and passes the kill on to its wait. */
async function fetchPage(g: Greenlet, url: string, ms = 100): Promise<string> {
  await sleep(ms, { signal: g });
  return `<html>${url}</html>`;
}

async function spawnAndGet() {
  const g = spawn(fetchPage, "/home");
  log(`spawn: ${await g.get()}`);
}

async function joinWithTimeout() {
  const g = spawn(fetchPage, "/slow", 5000);
  const done = await g.join({ timeout: 1000 }); // false: gave up waiting; g runs on
  log(`join: done ${done}, dead ${g.dead}`);
  await g.kill();
}

async function kill() {
  const g = spawn(async (g) => {
    try {
      await sleep(60_000, { signal: g }); // the kill lands here
    } finally {
      log("kill: the greenlet's finally ran");
    }
  });
  await sleep(0);
  await g.kill(); // resolves once the finally has run
  log(`kill: dead ${g.dead}, successful ${g.successful()}, value a GreenletExit ${g.value instanceof GreenletExit}`);
}

async function timeout() {
  const g = spawn(async () => {
    using deadline = Timeout.startNew(500); // cancelled when the block ends
    try {
      await sleep(2000, { signal: deadline }); // each wait names the deadline
    } catch (error) {
      if (!(error instanceof TimeoutError)) throw error;
      return `gave up: ${error.message}`;
    }
    return "in time";
  });
  log(`Timeout: ${await g.get()}`);
}

async function links() {
  const ok = spawn(fetchPage, "/ok");
  const bad = spawn(async () => {
    throw new Error("404");
  });
  ok.name = "ok";
  bad.name = "bad";
  ok.linkValue((g) => log(`link: ${g.name} gave ${String(g.value)}`));
  bad.linkException((g) => log(`link: ${g.name} failed: ${(g.exception as Error).message}`));
  await Promise.all([ok.join(), bad.join()]);
}

const requestId = new Local<string>(); // before the greenlets that use it are spawned

async function currentAndLocal() {
  const handle = async (g: Greenlet, id: string) => {
    requestId.set(id);
    await sleep(10, { signal: g });
    logRequest("handled"); // deep in the call tree: nothing passed down
  };
  const logRequest = (what: string) => log(`local: ${getcurrent()?.name} ${requestId.get()} ${what}`);
  const a = spawn(handle, "req-1");
  const b = spawn(handle, "req-2");
  a.name = "handler-a";
  b.name = "handler-b";
  await Promise.all([a.join(), b.join()]);
  log(`local: outside any greenlet, ${String(getcurrent())} ${String(requestId.get())}`);
}

await spawnAndGet();
await joinWithTimeout();
await kill();
await timeout();
await links();
await currentAndLocal();
