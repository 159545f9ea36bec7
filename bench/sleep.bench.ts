// sleep(0) as the killable cooperative yield (issue 11): 100,000 greenlets that each yield once
// with `sleep(0, { signal: g })`, spawned and joined, against 100,000 async functions that each
// await one (non-killable) setImmediate promise, joined with Promise.all.
import { setImmediateBatch, sleepZeroBatch } from "./workloads/spawn.js";
import { finish, measure, target, type Measured } from "./lib.js";

const N = 100_000;
const ROUNDS = 6;

const tasks = {
  "async functions awaiting setImmediate": async () => setImmediateBatch(N),
  "greenlets in sleep(0, { signal: g })": async () => sleepZeroBatch(N),
};
const names = Object.keys(tasks) as (keyof typeof tasks)[];
const [baseline, subject] = names as [string, string];

// Alternating order (ABBA…) so that a drift in the machine's load favours neither side; the
// verdict is the median round's ratio.
const rounds: Map<string, Measured>[] = [];
for (let i = 0; i < ROUNDS; i++) {
  const order = i % 4 === 0 || i % 4 === 3 ? names : [...names].reverse();
  const round = await measure(
    `spawn + join of 100,000 tasks that each yield once (round ${i + 1} of ${ROUNDS})`,
    N,
    Object.fromEntries(order.map((name) => [name, tasks[name]])),
    { time: 800 },
  );
  rounds.push(round);
}
const ratioOf = (round: Map<string, Measured>): number => round.get(subject)!.opsPerSecond / round.get(baseline)!.opsPerSecond;
const sorted = [...rounds].sort((a, b) => ratioOf(a) - ratioOf(b));
console.log(`\n## ratios per round: ${rounds.map((r) => ratioOf(r).toFixed(2)).join(", ")}; the median round:`);
target(sorted[Math.floor(ROUNDS / 2)]!, subject, baseline, 0.7);
finish();
