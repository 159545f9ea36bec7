/**
 * The children alive in this process, killed when it exits.
 *
 * A child outlives its parent by default: Node does not kill its children when it exits, and
 * Linux does not either (no parent-death signal is set for them). A greenlet cannot run at exit,
 * so this module keeps the live children in a set and, from Node's synchronous `"exit"` event,
 * sends each one SIGKILL: there is no time left for a grace period. The listener is installed
 * while at least one child is alive, so a program that runs none pays nothing.
 * @module
 */
import type { ChildProcess } from "node:child_process";
import createDebug from "debug";

const debug = createDebug("greenthread:process");
const live = new Set<ChildProcess>();

function killLive(): void {
  for (const child of live) {
    debug("exiting: SIGKILL to pid %d", child.pid);
    // The child may be gone already (exited, not yet reaped): kill() then returns false.
    child.kill("SIGKILL");
  }
  live.clear();
}

/** Counts `child` as alive until `forget` is called for it. */
export function track(child: ChildProcess): void {
  if (live.size === 0) process.on("exit", killLive);
  live.add(child);
}

export function forget(child: ChildProcess): void {
  if (live.delete(child) && live.size === 0) process.off("exit", killLive);
}

/** How many children are alive (for tests). */
export function liveChildren(): number {
  return live.size;
}

export { debug };
