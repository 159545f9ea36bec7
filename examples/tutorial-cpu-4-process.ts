// Tutorial, chapter 6: the report's work in a child process instead, on the virtual clock. The
// child is a greenlet: the report waits for it, and leaving the block, however, ends it.
import { fileURLToPath } from "node:url";
import { getClock, sleep, spawn } from "greenthread";
import { spawnProcess } from "greenthread/process";
import { installVirtualClock } from "greenthread/testing";

const primes = fileURLToPath(new URL("./tutorial-cpu-primes.mjs", import.meta.url));
const clock = installVirtualClock({ autojump: true });

const beats: number[] = [];
const heartbeat = spawn(async (g) => {
  for (let i = 0; i < 8; i++) {
    await sleep(10, { signal: g });
    beats.push(getClock().now());
  }
});
const report = spawn(async (g) => {
  await sleep(25, { signal: g }); // the request arrives
  await using child = spawnProcess(process.execPath, [primes, "2000000"], { stdout: "collect" });
  const { stdout } = await child.get({ signal: g }); // parked until the child exits; a kill lands here
  return Number(stdout);
});
await heartbeat.join();
const count = await report.get();
clock.uninstall();
const gaps = beats.map((at, i) => at - (beats[i - 1] ?? 0));
console.log(`heartbeats at ${beats.join(", ")} ms: the longest gap ${Math.max(...gaps)} ms`);
console.log(`primes below 2,000,000: ${count}`);
