// Tutorial, chapter 6: the same block for real, on the real clock, and the blocking monitor
// naming the greenlet that held the loop.
import { sleep, spawn } from "greenthread";
import { monitorBlocking, type BlockedReport } from "greenthread/observe";
import countPrimes from "./tutorial-cpu-primes.mjs";

const reports: BlockedReport[] = [];
// No watchdog: on a loaded machine this block may outlast its second, and it would say so on stderr.
const stop = monitorBlocking({ thresholdMs: 100, watchdog: false, onBlocked: (report) => reports.push(report) });

const heartbeat = spawn(async (g) => {
  for (let i = 0; i < 8; i++) await sleep(10, { signal: g });
});
heartbeat.name = "heartbeat";
const report = spawn(async (g) => {
  await sleep(25, { signal: g }); // the request arrives
  return countPrimes(2_000_000); // a few hundred ms on the CPU, with no switch point
});
report.name = "report";
console.log(`primes below 2,000,000: ${await report.get()}`);
await heartbeat.join();
await sleep(100); // the monitor's next tick
stop();

// The longest block: on a busy machine, the scheduler may have held the process up once or twice too.
const { greenlet, durationMs } = reports.reduce((a, b) => (b.durationMs > a.durationMs ? b : a));
console.log(`the loop was blocked by ${greenlet?.name}: at least 100 ms: ${durationMs >= 100}`);
