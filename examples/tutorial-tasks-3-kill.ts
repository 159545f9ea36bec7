// Tutorial, chapter 7: a kill lands at a switch point, traced. Three workers are killed at the
// same moment: one parked in a library wait, one awaiting a promise that ignores kills, one
// awaiting a promise that was handed its greenlet's signal.
import { getClock, sleep, spawn } from "greenthread";
import { trace } from "greenthread/observe";
import { installVirtualClock } from "greenthread/testing";
import { show } from "./tutorial-timeline.js";

/** A database driver that knows nothing of greenlets; like `fetch`, it takes an AbortSignal. */
const db = {
  query: (ms: number, options?: { signal?: AbortSignal }) => sleep(ms, options).then(() => ["row"]),
};
const report: string[] = [];

const clock = installVirtualClock({ autojump: true });
const t = await trace(async () => {
  const poller = spawn(async (g) => {
    for (;;) {
      await db.query(10, { signal: g.signal });
      await sleep(30, { signal: g }); // a switch point: parked here at 20 ms, and the kill lands
    }
  });
  poller.name = "poller";
  const deaf = spawn(async (g) => {
    for (;;) {
      await sleep(10, { signal: g }); // a switch point
      await db.query(30); // not one: a promise of its own, which runs to its end
    }
  });
  deaf.name = "deaf";
  const listening = spawn(async (g) => {
    for (;;) {
      await sleep(10, { signal: g });
      await db.query(30, { signal: g.signal }); // not a switch point either, but the kill aborts it
    }
  });
  listening.name = "listening";
  const boss = spawn(async (g) => {
    await sleep(20, { signal: g });
    const asked = getClock().now();
    await Promise.all(
      [poller, deaf, listening].map(async (worker) => {
        await worker.kill();
        report.push(`${worker.name}: dead ${getClock().now() - asked} ms after the kill`);
      }),
    );
  });
  boss.name = "boss";
  await boss.join();
});
clock.uninstall();
await show(t, "kill.svg");
console.log(report.join("\n"));
