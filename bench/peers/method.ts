// The method every peers workload shares, in one place. One process runs one workload: a warm-up
// round, then `rounds` rounds. A round times, for every row other than the floor and the
// greenthread subject, a triplet — the floor, the subject and that row — back to back, in an
// order that changes from triplet to triplet and round to round, so that a drift in the machine's
// load favours no one. Each timing runs whole batches (each checking its own result) for at least
// `minTimeMs`, after a minor GC: a full gc() before timed code sent hot functions into deopts in
// an earlier study.
import { formatRate, measure } from "../lib.js";
import type { ContenderInfo, ThroughputResult, Triplet, WorkloadInfo } from "./results.js";

/** One row of a workload: something that can time itself. */
export interface Contender extends ContenderInfo {
  /** Operations per second over whole batches lasting at least `minTimeMs` (one batch at the least). */
  measure(minTimeMs: number): Promise<number>;
  /** Releases what the row holds (a child process, a server); called once, after the last round. */
  close?(): Promise<void>;
}

export interface Workload extends WorkloadInfo {
  floor: Contender;
  subject: Contender;
  others: Contender[];
  /** Tears down what the workload set up (servers, clients) after every row closed. */
  close?(): Promise<void>;
}

export interface MethodOptions {
  rounds: number;
  warmupRounds: number;
  minTimeMs: number;
}

/** A row timed in this process through the shared tinybench harness, `batch` doing `opsPerBatch` operations. */
export function inProcess(name: string, library: string, opsPerBatch: number, batch: () => unknown): Contender {
  return {
    name,
    library,
    opsPerBatch,
    measure: async (minTimeMs) => {
      const result = await measure(name, opsPerBatch, { [name]: batch }, { time: minTimeMs, iterations: 1, warmup: false, quiet: true, async: true });
      return result.get(name)!.opsPerSecond;
    },
  };
}

// Every order of three (and of two), visited in turn.
const ORDERS: Record<number, number[][]> = {
  2: [[0, 1], [1, 0]],
  3: [[0, 1, 2], [2, 1, 0], [1, 2, 0], [0, 2, 1], [2, 0, 1], [1, 0, 2]],
};

const minorGc = (globalThis as { gc?: (options?: { type: string }) => void }).gc;

/** Runs the warm-up and the rounds, printing a line per timing; returns the raw figures. */
export async function runWorkload(workload: Workload, options: MethodOptions): Promise<ThroughputResult> {
  const { floor, subject, others } = workload;
  const sets = others.length === 0 ? [[floor, subject]] : others.map((other) => [floor, subject, other]);
  const rounds: Triplet[][] = [];
  const total = options.warmupRounds + options.rounds;
  for (let r = 0; r < total; r++) {
    const label = r < options.warmupRounds ? "warm-up" : `round ${r - options.warmupRounds + 1}/${options.rounds}`;
    const round: Triplet[] = [];
    for (let k = 0; k < sets.length; k++) {
      const set = sets[(k + r) % sets.length]!;
      const orders = ORDERS[set.length]!;
      const order = orders[(r + k) % orders.length]!.map((i) => set[i]!);
      const triplet: Triplet = { order: order.map((c) => c.name), opsPerSecond: {} };
      for (const contender of order) {
        minorGc?.({ type: "minor" });
        const rate = await contender.measure(options.minTimeMs);
        triplet.opsPerSecond[contender.name] = rate;
        console.log(`  ${workload.id.padEnd(22)} ${label.padEnd(11)} ${contender.name.padEnd(48)} ${formatRate(rate).padStart(9)} ${workload.unit}/s`);
      }
      round.push(triplet);
    }
    if (r >= options.warmupRounds) rounds.push(round);
  }
  for (const contender of [floor, subject, ...others]) await contender.close?.();
  await workload.close?.();
  const info = (c: Contender): ContenderInfo => ({ name: c.name, library: c.library, opsPerBatch: c.opsPerBatch });
  const { id, title, description, unit, n, curve } = workload;
  return {
    id,
    title,
    description,
    unit,
    n,
    ...(curve === undefined ? {} : { curve }),
    floor: floor.name,
    subject: subject.name,
    contenders: [floor, subject, ...others].map(info),
    rounds,
  };
}
