// The shape of bench/results/<suite>.json, which the peers suite writes and the docs generator
// reads, and the statistics both sides compute from it. Raw figures only are stored (ops/s per
// contender per round, bytes per task per sample); every ratio is derived from them.

/** One row of a throughput workload. */
export interface ContenderInfo {
  /** The row label, unique within the workload. */
  name: string;
  /** "floor", "greenthread", or the peer's package name ("effect", "gevent", …). */
  library: string;
  /** Operations in one timed batch (a slow peer may run a smaller batch than the workload's n). */
  opsPerBatch: number;
}

/** One measurement set: the floor, the workload's greenthread subject and one other row, timed back to back. */
export interface Triplet {
  /** The names in the order they ran. */
  order: string[];
  /** Operations per second by name. */
  opsPerSecond: Record<string, number>;
}

/** What a throughput workload is, as its process builds it and as the results file keeps it. */
export interface WorkloadInfo {
  id: string;
  title: string;
  /** What is measured and what each batch checks, one or two sentences. */
  description: string;
  /** What one operation is: "tasks", "items", "round trips", "sessions". */
  unit: string;
  /** Operations per batch of the floor and greenthread rows. */
  n: number;
  /** Set on the points of a scaling curve: the curve's name. */
  curve?: string;
}

export interface ThroughputResult extends WorkloadInfo {
  /** The names of the floor row and of the greenthread row every ratio refers to. */
  floor: string;
  subject: string;
  contenders: ContenderInfo[];
  /** After the warm-up: one entry per round, one triplet per row other than the floor and the subject. */
  rounds: Triplet[][];
}

export interface MemoryResult {
  /** The case: "floor", "greenthread", "effect", …; one process per case and n. */
  name: string;
  library: string;
  n: number;
  /** "heap" (V8 heap after a full GC) or "rss" (resident set growth, for gevent). */
  metric: "heap" | "rss";
  /** Bytes per parked task, one per sample taken in that process. */
  bytesPerTask: number[];
}

export interface Skipped {
  library: string;
  reason: string;
}

export interface PeersResults {
  suite: string;
  /** The command that produced the file. */
  command: string;
  startedAt: string;
  durationSeconds: number;
  machine: {
    node: string;
    platform: string;
    cpu: string;
    cores: number;
    loadavgAtStart: number[];
    loadavgAtEnd: number[];
  };
  /** Installed versions of greenthread, every peer, Python and gevent. */
  versions: Record<string, string>;
  method: { rounds: number; warmupRounds: number; minTimeMs: number };
  throughput: ThroughputResult[];
  /** Parked-task memory: what the memory table and the memory scaling curve read. */
  /** `n` is the count every case runs at; the floor and greenthread also run at the curve's other counts. */
  memory: { title: string; description: string; n: number; cases: MemoryResult[] };
  skipped: Skipped[];
}

/** Median, smallest and largest of a non-empty list. */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

export function spread(values: readonly number[]): Spread {
  if (values.length === 0) throw new RangeError("spread(): expected at least one value, got none");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted.at(-1)! };
}

/** Every ops/s figure measured for `name`, over every round and triplet. */
export function ratesOf(result: ThroughputResult, name: string): number[] {
  const rates: number[] = [];
  for (const round of result.rounds) for (const triplet of round) if (name in triplet.opsPerSecond) rates.push(triplet.opsPerSecond[name]!);
  return rates;
}

/**
 * `name`'s ops/s over `reference`'s, one ratio per round: from the triplet that timed both back to
 * back, or the median over such triplets (the floor and the subject share every triplet of a round).
 */
export function ratiosOf(result: ThroughputResult, name: string, reference: string): number[] {
  const perRound: number[] = [];
  for (const round of result.rounds) {
    const ratios: number[] = [];
    for (const triplet of round) {
      const a = triplet.opsPerSecond[name];
      const b = triplet.opsPerSecond[reference];
      if (a !== undefined && b !== undefined) ratios.push(a / b);
    }
    if (ratios.length > 0) perRound.push(spread(ratios).median);
  }
  return perRound;
}
