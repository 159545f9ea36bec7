// sleep(0) as the killable cooperative yield (issue 11): 100,000 greenlets that each yield once
// with `sleep(0, { signal: g })`, spawned and joined, against 100,000 async functions that each
// await one (non-killable) setImmediate promise, joined with Promise.all.
import { joinall, sleep, spawn, type Greenlet } from "../src/index.js";
import { check, finish, measure, target, type Measured } from "./lib.js";

const N = 100_000;
const ROUNDS = 6;

async function plainTask(i: number): Promise<number> {
  await new Promise((resolve) => setImmediate(resolve));
  return i;
}

async function greenletTask(g: Greenlet<number>, i: number): Promise<number> {
  await sleep(0, { signal: g });
  return i;
}

const tasks = {
  "async functions awaiting setImmediate": async () => {
    const promises: Promise<number>[] = new Array(N);
    for (let i = 0; i < N; i++) promises[i] = plainTask(i);
    const values = await Promise.all(promises);
    check(values[N - 1] === N - 1 && values[0] === 0, "Promise.all returned the wrong values");
  },
  "greenlets in sleep(0, { signal: g })": async () => {
    const greenlets: Greenlet<number>[] = new Array(N);
    for (let i = 0; i < N; i++) greenlets[i] = spawn(greenletTask, i);
    const done = await joinall(greenlets);
    check(done.length === N && greenlets[N - 1]!.value === N - 1 && greenlets[0]!.value === 0, "joinall returned the wrong greenlets");
  },
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
