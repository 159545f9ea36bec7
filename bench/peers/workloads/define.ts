// What a peers workload file exports: how to build the workload for a batch size, given which
// optional peers this machine has.
import type { Workload } from "../method.js";

export interface BuildOptions {
  /** Operations per batch of the floor and greenthread rows. */
  n: number;
  /** Whether gevent rows can run (Debian's python3 imports gevent). */
  gevent: boolean;
}

export interface WorkloadDefinition {
  id: string;
  /** The batch size of a full run; a quick run divides it by ten. */
  n: number;
  /** The smallest batch a quick run may use. Default 1. */
  minN?: number;
  build(options: BuildOptions): Promise<Workload>;
}

/** A slow peer's batch: the workload's n, capped so that one of its batches stays near a second. */
export const cappedBatch = (n: number, cap: number): number => Math.min(n, cap);
