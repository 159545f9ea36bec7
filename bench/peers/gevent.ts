// gevent as a peer: Debian's /usr/bin/python3 runs bench/peers/gevent_peer.py as a child process
// that stays up for the whole workload, so that its rows take their turn in the same triplets
// as the Node rows (while Python times a batch, Node waits on the pipe and uses no CPU).
import { spawn, spawnSync } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { Contender } from "./method.js";

export const PYTHON = "/usr/bin/python3";
const SCRIPT = fileURLToPath(new URL("gevent_peer.py", import.meta.url));

export const GEVENT_MISSING = `gevent skipped: ${PYTHON} cannot import gevent (install the Debian package python3-gevent)`;

/** Python's and gevent's versions, or undefined when gevent cannot be imported. */
export function geventVersions(): { python: string; gevent: string } | undefined {
  const probe = spawnSync(PYTHON, [SCRIPT, "version"], { encoding: "utf8" });
  if (probe.status !== 0) return undefined;
  return JSON.parse(probe.stdout) as { python: string; gevent: string };
}

/** A gevent row: one Python process for the workload, asked for one timing at a time. */
export async function geventContender(name: string, workload: string, opsPerBatch: number): Promise<Contender> {
  const child = spawn(PYTHON, ["-u", SCRIPT, "throughput", workload, String(opsPerBatch)], { stdio: ["pipe", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const next = async (): Promise<Record<string, number | boolean>> => {
    const line = await lines.next();
    if (line.done === true) throw new Error(`${name}: gevent_peer.py exited with code ${child.exitCode}`);
    return JSON.parse(line.value) as Record<string, number | boolean>;
  };
  const ready = await next();
  if (ready.ready !== true) throw new Error(`${name}: gevent_peer.py said ${JSON.stringify(ready)}`);
  return {
    name,
    library: "gevent",
    opsPerBatch,
    measure: async (minTimeMs) => {
      child.stdin!.write(JSON.stringify({ minTimeMs }) + "\n");
      return (await next()).opsPerSecond as number;
    },
    close: async () => {
      child.stdin!.end();
      await exited;
    },
  };
}

/** Resident-set growth per greenlet parked in Event.wait(), `samples` times, in a fresh Python process. */
export function geventParkedBytes(n: number, samples: number): number[] {
  const run = spawnSync(PYTHON, [SCRIPT, "memory", String(n), String(samples)], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  if (run.status !== 0) throw new Error(`gevent_peer.py memory exited with code ${run.status}`);
  return (JSON.parse(run.stdout) as { bytesPerTask: number[] }).bytesPerTask;
}
