// withTimeout on its fast path: 100,000 calls whose fn settles at once, so every deadline is armed
// and cleared without firing (issue 11's target). The floor is what any deadline costs: an async
// function that arms a Node timer, awaits the same work and clears the timer.
import { withTimeout } from "../src/index.js";
import { check, finish, formatRate, measure, target, type Measured } from "./lib.js";

const N = 100_000;
const ROUNDS = 6;

async function work(i: number): Promise<number> {
  return i;
}

function noop(): void {}

async function floorCall(i: number): Promise<number> {
  const timer = setTimeout(noop, 1000);
  const value = await work(i);
  clearTimeout(timer);
  return value;
}

function timersArmed(): number {
  let n = 0;
  for (const kind of process.getActiveResourcesInfo()) if (kind === "Timeout") n++;
  return n;
}

const timersBefore = timersArmed();

/** Checks a batch: every value back in its place and no timer of the batch still armed. */
function checkBatch(values: number[]): void {
  let sum = 0;
  for (let i = 0; i < N; i++) sum += values[i]!;
  check(sum === (N * (N - 1)) / 2, "a call returned the wrong value");
  check(timersArmed() === timersBefore, `a batch left ${timersArmed() - timersBefore} timer(s) armed`);
}

// `async` functions, so that tinybench does not call one unawaited to learn its kind.
const tasks: Record<string, () => Promise<void>> = {
  "setTimeout + await + clearTimeout": async () => {
    const promises: Promise<number>[] = new Array(N);
    for (let i = 0; i < N; i++) promises[i] = floorCall(i);
    checkBatch(await Promise.all(promises));
  },
  "withTimeout(1000, fn), fn settles at once": async () => {
    const promises: Promise<number>[] = new Array(N);
    for (let i = 0; i < N; i++) promises[i] = withTimeout(1000, () => work(i));
    checkBatch(await Promise.all(promises));
  },
};
const [floor, subject] = Object.keys(tasks) as [string, string];

// Alternating order (ABBA…) so that a drift in the machine's load favours neither side; a minor
// GC between rounds (a full one before timed runs sent hot functions into deopts in another study).
const minorGc = (globalThis as { gc?: (options?: { type: string }) => void }).gc;
const ratios: number[] = [];
const rates = new Map<string, number[]>([[floor, []], [subject, []]]);
for (let round = 0; round < ROUNDS; round++) {
  const order = round % 4 === 0 || round % 4 === 3 ? [floor, subject] : [subject, floor];
  minorGc?.({ type: "minor" });
  const results = await measure(
    `100,000 withTimeout calls that finish early (round ${round + 1} of ${ROUNDS})`,
    N,
    Object.fromEntries(order.map((name) => [name, tasks[name]!])),
    { time: 500, iterations: 5 },
  );
  for (const [name, { opsPerSecond }] of results) rates.get(name)!.push(opsPerSecond);
  ratios.push(results.get(subject)!.opsPerSecond / results.get(floor)!.opsPerSecond);
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
console.log("\n## withTimeout that finishes early, median over the rounds");
for (const [name, values] of rates) console.log(`  ${name.padEnd(44)} ${formatRate(median(values)).padStart(12)} ops/s`);
console.log(`  ratios per round: ${ratios.map((r) => r.toFixed(2)).join(", ")}`);
// The target is the median of the per-round ratios, each measured within one round.
const floorRate = median(rates.get(floor)!);
const medians = new Map<string, Measured>([
  [floor, { opsPerSecond: floorRate, msPerBatch: (N / floorRate) * 1000 }],
  [subject, { opsPerSecond: floorRate * median(ratios), msPerBatch: (N / (floorRate * median(ratios))) * 1000 }],
]);
target(medians, subject, floor, 0.8);
check(timersArmed() === timersBefore, "timers left armed after the suite");
finish();
