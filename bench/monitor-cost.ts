// What the blocking monitor costs per resume (docs/design/observe.md quotes it): greenlets that
// yield with sleep(0, { signal: g }) in turn, timed with no monitor, with the monitor (watchdog
// off, on) and with stacks; alternating rounds, the median kept. Not part of `npm run bench`.
//   node --import tsx bench/monitor-cost.ts
import { sleep, spawn } from "../src/index.js";
import { monitorBlocking, type MonitorOptions } from "../src/observe/index.js";

const YIELDS = 50_000;

async function workload(greenlets: number): Promise<number> {
  const start = performance.now();
  const all = Array.from({ length: greenlets }, () =>
    spawn(async (g) => {
      for (let i = 0; i < YIELDS; i++) await sleep(0, { signal: g });
    }),
  );
  for (const g of all) await g.join();
  return ((performance.now() - start) * 1e6) / (greenlets * YIELDS);
}

const setups: [string, MonitorOptions | undefined][] = [
  ["no monitor", undefined],
  ["monitor, watchdog off", { watchdog: false, thresholdMs: 1000 }],
  ["monitor, watchdog on", { watchdog: true, thresholdMs: 1000 }],
  ["monitor, stacks on", { watchdog: true, stacks: true, thresholdMs: 1000 }],
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

for (const greenlets of [1, 10]) {
  const times = new Map<string, number[]>(setups.map(([name]) => [name, []]));
  for (let round = 0; round < 7; round++) {
    for (const [name, options] of setups) {
      const stop = options === undefined ? () => {} : monitorBlocking({ ...options, onBlocked: () => {} });
      await new Promise((resolve) => setTimeout(resolve, 100)); // the watchdog thread is up
      const ns = await workload(greenlets);
      stop();
      if (round > 0) times.get(name)!.push(ns);
    }
  }
  const base = median(times.get("no monitor")!);
  console.log(`${greenlets} greenlet(s) yielding in turn:`);
  for (const [name] of setups) {
    const m = median(times.get(name)!);
    console.log(`  ${name.padEnd(24)} ${m.toFixed(0).padStart(5)} ns per resume (${m - base >= 0 ? "+" : ""}${(m - base).toFixed(0)})`);
  }
}
