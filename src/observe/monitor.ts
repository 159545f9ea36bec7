/**
 * The blocking monitor: gevent's "greenlet X blocked the hub for 1.2 s", for the event loop.
 *
 * One repeating timer, unref'd, measures how late it fires: a turn of the loop that ran longer
 * than the threshold shows up as that much lag at the next tick. An instrument records the
 * greenlet the library last started or resumed, the one whose code ran before the block. Blocks
 * that never end are left to the watchdog (./watchdog.ts), fed by the same timer.
 *
 * Blame is frozen at the first resume after the block: when a block ends, the rest of its phase
 * (other sockets' data, other timers due during it) may resume more greenlets before the timer
 * gets its turn, and those did not block anything. A resume that finds the timer overdue by more
 * than the threshold keeps the previous greenlet as the one to name. Reading the clock costs, so
 * it is done only when the resumed greenlet differs from the last one.
 * @module
 */
import { fileURLToPath } from "node:url";
import { reportError } from "../core/hub.js";
import { instrument, ownerLabel, type InstrumentedGreenlet } from "../core/instrument.js";
import { checkOptions, failArgument } from "../core/validate.js";
import { startWatchdog, type Watchdog } from "./watchdog.js";

/** What {@link monitorBlocking} reports about one block. */
export interface BlockedReport {
  /** How long the loop was blocked, in milliseconds (a lower bound, see {@link monitorBlocking}). */
  durationMs: number;
  /** The greenlet the library last started or resumed before the block, if any. */
  greenlet?: { readonly id: number; readonly name: string };
  /** That greenlet's owner as run-info names it (`Group`, `Pool(10)`, a session as `namespace#sid`), when it has one. */
  owner?: string;
  /** With `stacks: true`: where that greenlet resumed (the frames of its last park, outside the library). */
  stack?: string;
}

/** Options of {@link monitorBlocking}. */
export interface MonitorOptions {
  /** Blocks longer than this are reported. Default 100. */
  thresholdMs?: number;
  /** Receives each report. Default: the hub's error handler, kind `blocked`. */
  onBlocked?: (report: BlockedReport) => void;
  /** Start the watchdog thread that reports a block while it lasts. Default `true`. */
  watchdog?: boolean;
  /** The watchdog writes to stderr once the loop has been blocked this long. Default `thresholdMs × 10`. */
  watchdogMs?: number;
  /** Capture where each greenlet parks, to report where the blocking one resumed. Default `false`. */
  stacks?: boolean;
}

const CALL = "monitorBlocking()";
/** The watchdog's default delay, as a multiple of the threshold. */
export const WATCHDOG_FACTOR = 10;
/** The library's own directory (src/ or dist/): its frames are left out of reported stacks. */
const libraryUrl = new URL("..", import.meta.url).href;
const libraryPath = fileURLToPath(libraryUrl);

/**
 * Reports each time the event loop was blocked longer than `thresholdMs`, naming the greenlet the
 * library last started or resumed before the block, and returns the function that stops the
 * monitor (idempotent).
 *
 * The report goes to `onBlocked` if given, else to the hub's error handler with kind `blocked`, as
 * an Error whose message reads `the event loop was blocked for 1203 ms; last resumed: worker-3
 * (Greenlet-12)` and whose stack, with `stacks: true`, is the resumption point's. A block is
 * reported once it ends, by a timer that fires every `thresholdMs / 2`: `durationMs` is how late
 * that timer fired, a lower bound of the block (it can miss up to `thresholdMs / 2` of it, so a
 * block just over the threshold may pass unreported). A busy loop made of many short turns reads
 * the same as one long turn.
 *
 * The greenlet named is the last one started or resumed by the library (from a wait it was given
 * as its `signal`) before the block: the code that ran then is that greenlet's, unless it parked
 * again and plain callbacks blocked the loop after it. Greenlets that run without the library
 * waking them are not seen.
 *
 * With `watchdog` (the default), a worker thread watches a heartbeat from the same timer; when none
 * came for `watchdogMs` it writes one line to stderr while the block lasts (an infinite loop is
 * never reported otherwise), and again only after the loop turned. Neither the timer nor the
 * worker keeps the process alive. Stopping removes the instrument, the timer and the worker.
 *
 * @throws TypeError when `options` is not an object, `thresholdMs` or `watchdogMs` is not a number,
 * `onBlocked` is not a function, or `watchdog` or `stacks` is not a boolean.
 * @throws RangeError when `thresholdMs` is not a finite number above 0, or `watchdogMs` is not a
 * finite number at least `thresholdMs`.
 * @example
 * ```ts
 * const stop = monitorBlocking({ thresholdMs: 200, onBlocked: (r) => log.warn(r, "event loop blocked") });
 * // …
 * stop();
 * ```
 */
export function monitorBlocking(options: MonitorOptions = {}): () => void {
  const { thresholdMs, onBlocked, watchdog, watchdogMs, stacks } = checkMonitorOptions(options);
  const periodMs = Math.max(1, Math.floor(thresholdMs / 2));
  const overdueMs = periodMs + thresholdMs;

  let last: InstrumentedGreenlet | undefined;
  let lastStack: object | undefined;
  // Set by the first resume after a block: who ran before it, kept for the timer's report.
  let frozen = false;
  let blamed: InstrumentedGreenlet | undefined;
  let blamedStack: object | undefined;
  const owners = new WeakMap<InstrumentedGreenlet, object>();
  const parkStacks = new WeakMap<InstrumentedGreenlet, object>();
  const dog: Watchdog | undefined = watchdog ? startWatchdog(watchdogMs, Math.max(1, Math.floor(watchdogMs / 10))) : undefined;
  let tickAt = performance.now();

  const note = (g: InstrumentedGreenlet): void => {
    if (g !== last) {
      if (!frozen && performance.now() - tickAt > overdueMs) {
        frozen = true;
        blamed = last;
        blamedStack = lastStack;
      }
      last = g;
    }
    if (stacks) lastStack = parkStacks.get(g);
    // While frozen the watchdog keeps the blocker too: it may be reading right now, as the block ends.
    if (!frozen) dog?.note(g);
  };

  const tick = (): void => {
    const now = performance.now();
    const lagMs = now - tickAt - periodMs;
    tickAt = now;
    dog?.beat();
    const g = frozen ? blamed : last;
    const stack = frozen ? blamedStack : lastStack;
    frozen = false;
    blamed = blamedStack = undefined;
    if (lagMs > thresholdMs) deliver(makeReport(lagMs, g, g === undefined ? undefined : owners.get(g), stack), onBlocked);
  };

  const remove = instrument({
    started: note,
    resumed: note,
    owned: (g, owner) => void owners.set(g, owner),
    ...(stacks && { parked: (g: InstrumentedGreenlet) => void parkStacks.set(g, captureStack()) }),
  });
  const timer = setInterval(tick, periodMs);
  timer.unref();

  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
    remove();
    dog?.stop();
  };
}

interface CheckedOptions {
  thresholdMs: number;
  onBlocked: ((report: BlockedReport) => void) | undefined;
  watchdog: boolean;
  watchdogMs: number;
  stacks: boolean;
}

function checkMonitorOptions(options: MonitorOptions): CheckedOptions {
  checkOptions(CALL, options);
  const { thresholdMs = 100, onBlocked, watchdog = true, stacks = false } = options;
  checkPositive("thresholdMs", thresholdMs, 0, "a finite number of milliseconds above 0");
  const watchdogMs = options.watchdogMs ?? thresholdMs * WATCHDOG_FACTOR;
  checkPositive("watchdogMs", watchdogMs, thresholdMs, `a finite number of milliseconds ≥ thresholdMs (${thresholdMs})`);
  if (onBlocked !== undefined && typeof onBlocked !== "function") failArgument("type", CALL, "onBlocked", "a function or undefined", onBlocked);
  if (typeof watchdog !== "boolean") failArgument("type", CALL, "watchdog", "a boolean", watchdog);
  if (typeof stacks !== "boolean") failArgument("type", CALL, "stacks", "a boolean", stacks);
  return { thresholdMs, onBlocked, watchdog, watchdogMs, stacks };
}

function checkPositive(argument: string, value: unknown, min: number, expectation: string): void {
  if (typeof value !== "number") failArgument("type", CALL, argument, expectation, value);
  const tooSmall = min === 0 ? value <= 0 : value < min;
  if (!Number.isFinite(value) || tooSmall) failArgument("range", CALL, argument, expectation, value);
}

/** Frames are captured at park time and formatted only if a report needs them. */
function captureStack(): object {
  const holder = {};
  const limit = Error.stackTraceLimit;
  // The library's own frames (the wait, the instrument) come first and are dropped later.
  Error.stackTraceLimit = 30;
  Error.captureStackTrace(holder, captureStack);
  Error.stackTraceLimit = limit;
  return holder;
}

function userFrames(holder: object): string | undefined {
  const stack = (holder as { stack?: unknown }).stack;
  if (typeof stack !== "string") return undefined;
  const frames = stack
    .split("\n")
    .slice(1)
    .filter((line) => !line.includes(libraryUrl) && !line.includes(libraryPath) && !line.includes("(node:") && !/at node:/.test(line));
  return frames.length === 0 ? undefined : frames.join("\n");
}

function makeReport(durationMs: number, g: InstrumentedGreenlet | undefined, owner: object | undefined, stackHolder: object | undefined): BlockedReport {
  const report: BlockedReport = { durationMs };
  if (g !== undefined) report.greenlet = { id: g.id, name: g.name };
  if (owner !== undefined) report.owner = ownerLabel(owner);
  const stack = stackHolder === undefined ? undefined : userFrames(stackHolder);
  if (stack !== undefined) report.stack = stack;
  return report;
}

function deliver(report: BlockedReport, onBlocked: ((report: BlockedReport) => void) | undefined): void {
  if (onBlocked !== undefined) {
    try {
      onBlocked(report);
    } catch (error) {
      reportError(error, { kind: "monitor" });
    }
    return;
  }
  const error = new Error(formatBlocked(report));
  // The timer's own frames say nothing; the resumption point, when known, says where to look.
  error.stack = `Error: ${error.message}${report.stack === undefined ? "" : `\n${report.stack}`}`;
  reportError(error, { kind: "blocked", ...(report.greenlet !== undefined && { greenlet: report.greenlet }) });
}

/** The one-line message of a report: `the event loop was blocked for 1203 ms; last resumed: worker-3 (Greenlet-12)`. */
export function formatBlocked(report: BlockedReport): string {
  const g = report.greenlet;
  const who = g === undefined ? "no greenlet had been resumed" : `last resumed: ${g.name === `Greenlet-${g.id}` ? g.name : `${g.name} (Greenlet-${g.id})`}`;
  const owner = report.owner === undefined ? "" : `, owned by ${report.owner}`;
  return `the event loop was blocked for ${Math.round(report.durationMs)} ms; ${who}${owner}`;
}
