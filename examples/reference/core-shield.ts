// Reference, core.md: shield() in a killed greenlet's finally. A wait given g rejects at once
// (a killed greenlet stays aborted); a wait given the shield's scope waits, up to its deadline.
import { Queue, getClock, shield, sleep, spawn } from "greenthread";
import { installVirtualClock } from "greenthread/testing";

installVirtualClock({ autojump: true });
const log = (message: string): void => console.log(`${getClock().now()} ms: ${message}`);

const out = new Queue<string>(1);
out.putNowait("older report"); // full: a put waits until someone takes from it

const reporter = spawn(async (g) => {
  try {
    await sleep(60_000, { signal: g });
  } finally {
    await out.put("report", { signal: g }).catch((error: unknown) => log(`put given g: ${(error as Error).name}`));
    await shield((s) => out.put("report", { signal: s }), { timeout: 1000 });
    log("put given the shield's scope: done");
  }
});

spawn(async () => {
  await sleep(200);
  log(`consumer took ${out.getNowait()}`);
});

await sleep(10);
await reporter.kill();
log(`reporter dead: ${reporter.dead}; queued: ${out.getNowait()}`);

const stuck = new Queue<string>(1);
stuck.putNowait("nobody takes this");
await shield((s) => stuck.put("x", { signal: s }), { timeout: 300 }).catch((error: unknown) => log(`${(error as Error).name}: ${(error as Error).message}`));
