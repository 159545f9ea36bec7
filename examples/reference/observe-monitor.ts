// Reference, observe.md: the blocking monitor names the greenlet that held the loop, and the
// resumption point with `stacks: true`. The same work cut into short turns is not reported.
import { sleep, spawn, type Greenlet } from "greenthread";
import { monitorBlocking, type BlockedReport } from "greenthread/observe";

/** Stands for synchronous work: an image resized in plain JavaScript, a big JSON.parse. */
function crunch(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

const reports: BlockedReport[] = [];
const stop = monitorBlocking({ thresholdMs: 100, stacks: true, onBlocked: (report) => reports.push(report) });

async function resizeImage(g: Greenlet<void>): Promise<void> {
  await sleep(10, { signal: g }); // fetched the image
  crunch(300); // resized it without letting anyone else run
}
const resizer = spawn(resizeImage);
resizer.name = "resize-image";
// Its timers fall due during the block, so it may run before the monitor looks: it is not named.
const ticker = spawn(async (g) => {
  for (let i = 0; i < 5; i++) await sleep(20, { signal: g });
});
ticker.name = "ticker";
await resizer.join();
await ticker.join();
await sleep(100); // the monitor's next tick

for (const { greenlet, durationMs, stack } of reports) {
  console.log(`blocked by ${greenlet?.name}: at least 100 ms: ${durationMs >= 100}`);
  console.log(`resumed in ${stack?.trim().split(/\s+/)[1]}`);
}

// The fix: the same 300 ms of work in slices of 10 ms, with a turn of the loop between them.
reports.length = 0;
const polite = spawn(async (g) => {
  for (let slice = 0; slice < 30; slice++) {
    crunch(10);
    await sleep(0, { signal: g });
  }
});
polite.name = "resize-image, sliced";
await polite.join();
await sleep(100);
console.log(`reports after slicing: ${reports.length}`);
stop();
