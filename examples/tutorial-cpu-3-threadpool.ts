// Tutorial, chapter 6: the report's work moved to a worker thread, traced on the virtual clock.
// The heartbeat keeps its 10 ms while the thread computes; the report greenlet is parked meanwhile.
import { getClock, sleep, spawn } from "greenthread";
import { trace } from "greenthread/observe";
import { installVirtualClock } from "greenthread/testing";
import { ThreadPool } from "greenthread/threadpool";
import { show } from "./tutorial-timeline.js";

const threads = new ThreadPool({ filename: new URL("./tutorial-cpu-primes.mjs", import.meta.url), maxThreads: 1 });
const clock = installVirtualClock({ autojump: true });

const beats: number[] = [];
const t = await trace(async () => {
  const heartbeat = spawn(async (g) => {
    for (let i = 0; i < 8; i++) {
      await sleep(10, { signal: g });
      beats.push(getClock().now());
    }
  });
  heartbeat.name = "heartbeat";
  const report = spawn(async (g) => {
    await sleep(25, { signal: g }); // the request arrives
    return threads.apply<number>(2_000_000, { signal: g }); // the same work, on a worker thread
  });
  report.name = "report";
  await heartbeat.join();
  return report.get();
});
clock.uninstall();
await threads.close();
await show(t, "threadpool.svg", "time");
const gaps = beats.map((at, i) => at - (beats[i - 1] ?? 0));
console.log(`heartbeats at ${beats.join(", ")} ms: the longest gap ${Math.max(...gaps)} ms`);
console.log(`primes below 2,000,000: ${t.value}`);
