// Reference, observe.md: run-info. What every live greenlet is doing, who owns it and for how
// long it has waited, as data and as the tree formatRunInfo() prints. On the virtual clock, so
// the ages are the same on every run.
import { Event, Group, Lock, Pool, Queue, sleep, spawn } from "greenthread";
import { enableRunInfo, formatRunInfo, runInfo } from "greenthread/observe";
import { installVirtualClock } from "greenthread/testing";

const clock = installVirtualClock();
const disable = enableRunInfo();

const jobs = new Queue<string>();
const shutdown = new Event();
const lock = new Lock();
await lock.acquire();

const workers = new Pool(2);
for (const name of ["worker-1", "worker-2"]) {
  const g = await workers.spawn(async (g) => {
    for (;;) await jobs.get({ signal: g });
  });
  g.name = name;
}
const services = new Group();
services.spawn(async (g) => {
  g.name = "reporter";
  while (!(await shutdown.wait({ signal: g, timeout: 60_000 }))) console.log("report");
});
await clock.advance(250);
const saver = spawn(async (g) => {
  await lock.acquire({ signal: g });
  lock.release();
});
saver.name = "saver";
const ticker = spawn(async (g) => {
  for (;;) await sleep(1000, { signal: g });
});
ticker.name = "ticker";
spawn(async (g) => {
  g.name = "supervisor";
  await saver.join({ signal: g });
});
await clock.advance(100);

console.log(formatRunInfo());
const longest = runInfo().greenlets.reduce((a, b) => ((b.parkedForMs ?? 0) > (a.parkedForMs ?? 0) ? b : a));
console.log(`parked longest: ${longest.name} on ${longest.parkedOn} for ${longest.parkedForMs} ms`);

await workers.kill();
await services.kill();
await ticker.kill();
lock.release();
await saver.join();
await sleep(0); // the supervisor wakes up from its join and ends
console.log(`${runInfo().greenlets.length} greenlets left`);
disable();
clock.uninstall();
