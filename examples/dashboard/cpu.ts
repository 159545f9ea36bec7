// CPU usage sampling: busy share of all cores between two samples, from /proc/stat where it
// exists (Linux), else from os.cpus().
import { readFileSync } from "node:fs";
import { cpus } from "node:os";

/** Cumulative CPU time: total and idle, in whatever unit the source counts (only ratios matter). */
export interface CpuTimes {
  total: number;
  idle: number;
}

function fromProcStat(): CpuTimes | undefined {
  let text: string;
  try {
    text = readFileSync("/proc/stat", "utf8");
  } catch {
    return undefined;
  }
  // "cpu  user nice system idle iowait irq softirq steal guest guest_nice"
  const line = text.split("\n", 1)[0];
  if (line === undefined || !line.startsWith("cpu ")) return undefined;
  const fields = line.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = fields;
  return { total: user + nice + system + idle + iowait + irq + softirq + steal, idle: idle + iowait };
}

function fromOsCpus(): CpuTimes {
  let total = 0;
  let idle = 0;
  for (const cpu of cpus()) {
    const t = cpu.times;
    total += t.user + t.nice + t.sys + t.idle + t.irq;
    idle += t.idle;
  }
  return { total, idle };
}

/** A sample of the cumulative CPU times. */
export function readCpuTimes(): CpuTimes {
  return fromProcStat() ?? fromOsCpus();
}

/** Percentage of CPU time spent busy between two samples, 0–100. */
export function cpuPercent(before: CpuTimes, after: CpuTimes): number {
  const total = after.total - before.total;
  if (total <= 0) return 0;
  const busy = total - (after.idle - before.idle);
  return Math.min(100, Math.max(0, (busy / total) * 100));
}
