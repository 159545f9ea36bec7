// Tutorial, chapter 6: a greenlet that computes without waiting holds every other one, traced. A
// heartbeat ticks every 10 ms; a report greenlet spends 50 ms of synchronous work.
import { getClock, sleep, spawn } from "greenthread";
import { trace } from "greenthread/observe";
import { cpu } from "./tutorial-cpu-common.js";
import { show } from "./tutorial-timeline.js";

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
    cpu.burn(50); // 50 ms of synchronous work: counting primes, rendering a PDF
  });
  report.name = "report";
  await heartbeat.join();
  await report.join();
});
await show(t, "blocked.svg", "time");
const gaps = beats.map((at, i) => at - (beats[i - 1] ?? 0));
console.log(`heartbeats at ${beats.join(", ")} ms: the longest gap ${Math.max(...gaps)} ms`);
