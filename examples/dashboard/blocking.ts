// The runtime panel's "block the loop for 1 s" button: the /blocking namespace spawns a greenlet
// that holds the event loop, and the blocking monitor (greenthread/observe) reports it by name.
// The page opens this namespace with its first click, so a tab that never clicks holds no session
// here. The last reports ride along with the runtime snapshot.
import type { Greenlet } from "greenthread";
import { BaseNamespace } from "greenthread/socketio";
import { monitorBlocking } from "greenthread/observe";
import type { DashboardContext } from "./namespaces.js";

/** One line of the panel's list of blocks. */
export interface BlockRow {
  /** When the monitor reported it (ms since the epoch). */
  at: number;
  durationMs: number;
  /** The greenlet the library last resumed before the block. */
  greenlet: string | null;
}

/** How many reports the panel keeps. */
const KEPT = 5;

/** Starts the monitor; its reports go to `context.blocks`, newest first. Returns the stop function. */
export function startBlockMonitor(context: DashboardContext): () => void {
  context.blocks = [];
  return monitorBlocking({
    thresholdMs: 100,
    // The button's 1 s block is reported on the page; the watchdog speaks only for a hung server.
    watchdogMs: 5000,
    onBlocked: (report) => {
      const row: BlockRow = { at: Date.now(), durationMs: Math.round(report.durationMs), greenlet: report.greenlet?.name ?? null };
      context.blocks = [row, ...(context.blocks ?? [])].slice(0, KEPT);
    },
  });
}

/** Holds the loop for `ms` without a single switch point: what a synchronous library call does. */
function holdTheLoop(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

export function createBlockingNamespace(context: DashboardContext) {
  /** "block" spawns a greenlet that blocks the loop for a second, then acks. */
  class BlockingNamespace extends BaseNamespace {
    override initialize(): void {
      context.sessions.add(this);
    }

    override disconnected(): void {
      context.sessions.delete(this);
    }

    async onBlock(): Promise<number> {
      const blocker: Greenlet<number> = this.spawn(() => {
        holdTheLoop(1000);
        return 1000;
      });
      blocker.name = `loop-blocker ${this.socket.id}`;
      return blocker.get();
    }
  }
  return { BlockingNamespace };
}
