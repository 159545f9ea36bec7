// Shared harness of the benchmark suites: every suite measures the library against a baseline
// in the same process and the same run, and states its target as a ratio, never as a wall-clock
// figure. Each task function does a whole batch (say 100,000 spawns) per call and checks its own
// result inside the timed loop, so a broken implementation cannot look fast.
import { Bench } from "tinybench";

export interface Measured {
  /** Operations per second, from the mean time of one batch. */
  opsPerSecond: number;
  /** Mean milliseconds per batch. */
  msPerBatch: number;
}

export interface SuiteOptions {
  /** Minimum milliseconds spent on each task. Default 1500. */
  time?: number;
  /** Minimum batches per task. Default 8. */
  iterations?: number;
  /** Whether tinybench warms each task up before timing it. Default true. */
  warmup?: boolean;
  /** Print nothing (the caller reports). Default false. */
  quiet?: boolean;
  /**
   * Tells tinybench the tasks return promises. Without it tinybench learns a plain function's kind
   * by calling it once, unawaited, so that one batch runs beside the first timed one.
   */
  async?: boolean;
}

/**
 * Runs every task of a suite with tinybench. `opsPerBatch` is how many operations one call of a
 * task function performs; it turns batches per second into operations per second.
 */
export async function measure(
  suite: string,
  opsPerBatch: number,
  tasks: Record<string, () => unknown>,
  options: SuiteOptions = {},
): Promise<Map<string, Measured>> {
  const bench = new Bench({ name: suite, time: options.time ?? 1500, iterations: options.iterations ?? 8, warmup: options.warmup ?? true });
  for (const [name, fn] of Object.entries(tasks)) bench.add(name, fn as () => Promise<void>, options.async === undefined ? {} : { async: options.async });
  await bench.run();
  const results = new Map<string, Measured>();
  const log = options.quiet === true ? () => {} : console.log;
  log(`\n## ${suite}  (${opsPerBatch.toLocaleString("en-US")} operations per batch)`);
  for (const task of bench.tasks) {
    const result = task.result;
    if (result.state !== "completed") {
      const error = result.state === "errored" ? result.error : new Error(`task ended as ${result.state}`);
      throw new Error(`${suite} / ${task.name}: ${error.message}`, { cause: error });
    }
    const msPerBatch = result.latency.mean;
    const opsPerSecond = (opsPerBatch / msPerBatch) * 1000;
    results.set(task.name, { opsPerSecond, msPerBatch });
    log(
      `  ${task.name.padEnd(44)} ${formatRate(opsPerSecond).padStart(12)} ops/s   ${msPerBatch.toFixed(2).padStart(9)} ms/batch   (${result.latency.samplesCount} batches)`,
    );
  }
  return results;
}

export function formatRate(opsPerSecond: number): string {
  if (opsPerSecond >= 1e6) return `${(opsPerSecond / 1e6).toFixed(2)} M`;
  if (opsPerSecond >= 1e3) return `${(opsPerSecond / 1e3).toFixed(1)} k`;
  return opsPerSecond.toFixed(0);
}

const failures: string[] = [];

/**
 * States a target: `subject`'s throughput must be at least `minRatio` × `baseline`'s. Prints the
 * verdict; a miss makes the process exit non-zero at the end (see {@link finish}).
 */
export function target(results: Map<string, Measured>, subject: string, baseline: string, minRatio: number): number {
  const a = results.get(subject);
  const b = results.get(baseline);
  if (a === undefined || b === undefined) throw new Error(`target(): no result named ${a === undefined ? subject : baseline}`);
  const ratio = a.opsPerSecond / b.opsPerSecond;
  const ok = ratio >= minRatio;
  const line = `${subject} vs ${baseline}: ${ratio.toFixed(2)}× (target ≥ ${minRatio}×) ${ok ? "PASS" : "MISS"}`;
  console.log(`  → ${line}`);
  if (!ok) failures.push(line);
  return ratio;
}

/** A smaller-is-better target, for memory: `subject` must be at most `maxRatio` × `baseline`. */
export function targetAtMost(label: string, subject: number, baseline: number, maxRatio: number, unit: string): number {
  const ratio = subject / baseline;
  const ok = ratio <= maxRatio;
  const line = `${label}: ${subject.toFixed(0)} vs ${baseline.toFixed(0)} ${unit}, ${ratio.toFixed(2)}× (target ≤ ${maxRatio}×) ${ok ? "PASS" : "MISS"}`;
  console.log(`  → ${line}`);
  if (!ok) failures.push(line);
  return ratio;
}

/** Ends a suite: exit code 1 if any target was missed. */
export function finish(): void {
  if (failures.length > 0) {
    console.log(`\n${failures.length} target(s) missed:\n  ${failures.join("\n  ")}`);
    process.exitCode = 1;
  }
}

/** Fails the benchmark when a batch computed the wrong thing. */
export function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(`benchmark self-check failed: ${message}`);
}

/** Forces a full collection; the suites run with --expose-gc. */
export function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error("run the benchmarks with node --expose-gc (npm run bench does)");
  gc();
  gc();
}

/** What {@link alternate} measured: per task, the ops/s of every round, and the rounds' order. */
export interface Alternated {
  rates: Map<string, number[]>;
  rounds: number;
}

/**
 * Runs the tasks in alternating order (ABBA…, so that a drift in the machine's load favours no
 * task) for `rounds` rounds, with a minor GC before each round (a full one before timed runs sent
 * hot functions into deopts in an earlier study), and prints each task's median rate.
 */
export async function alternate(
  suite: string,
  opsPerBatch: number,
  tasks: Record<string, () => unknown>,
  options: SuiteOptions & { rounds?: number } = {},
): Promise<Alternated> {
  const rounds = options.rounds ?? 7;
  const names = Object.keys(tasks);
  const rates = new Map<string, number[]>(names.map((name) => [name, []]));
  const gc = (globalThis as { gc?: (options?: { type: string }) => void }).gc;
  for (let round = 0; round < rounds; round++) {
    const order = round % 4 === 0 || round % 4 === 3 ? names : [...names].reverse();
    gc?.({ type: "minor" });
    const results = await measure(
      `${suite} (round ${round + 1} of ${rounds})`,
      opsPerBatch,
      Object.fromEntries(order.map((name) => [name, tasks[name]!])),
      { time: options.time ?? 600, iterations: options.iterations ?? 5, async: true },
    );
    for (const [name, { opsPerSecond }] of results) rates.get(name)!.push(opsPerSecond);
  }
  console.log(`\n## ${suite}: median of ${rounds} alternating rounds`);
  for (const [name, values] of rates) console.log(`  ${name.padEnd(52)} ${formatRate(median(values)).padStart(12)} ops/s`);
  return { rates, rounds };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * The per-round ratios of `subject` to `baseline` (each measured within one round) and their
 * median, min and max. With `minRatio`, a target on the median: printed, and a miss makes the
 * suite exit non-zero; without, reported only.
 */
export function ratioTarget(result: Alternated, subject: string, baseline: string, minRatio?: number): number {
  const a = result.rates.get(subject);
  const b = result.rates.get(baseline);
  if (a === undefined || b === undefined) throw new Error(`ratioTarget(): no task named ${a === undefined ? subject : baseline}`);
  const ratios = a.map((rate, i) => rate / b[i]!);
  const mid = median(ratios);
  const spread = `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}`;
  if (minRatio === undefined) {
    console.log(`  → ${subject} vs ${baseline}: ${mid.toFixed(2)}× (rounds ${spread}; no target)`);
    return mid;
  }
  const ok = mid >= minRatio;
  const line = `${subject} vs ${baseline}: ${mid.toFixed(2)}× median (rounds ${spread}) (target ≥ ${minRatio}×) ${ok ? "PASS" : "MISS"}`;
  console.log(`  → ${line}`);
  if (!ok) failures.push(line);
  return mid;
}
