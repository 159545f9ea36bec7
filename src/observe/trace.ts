/**
 * The tracer: records what happens at the library's switch points (spawn, start, park, resume,
 * end, kill, link), with the time of the active clock, so that a trace taken under the virtual
 * clock is the same on every run. `renderText` prints it as a log of task switches and
 * `renderTimeline` draws it as swim lanes (timeline.ts).
 *
 * A trace is an instrument (core/instrument.ts): while none runs the kernel pays its `observing`
 * check only. While one runs, each switch point appends one small record; `limit` bounds how many
 * (the trace then notes how many it dropped).
 * @module
 */
import { getClock } from "../core/clock.js";
import { formatParkSite, instrument, ownerLabel, type InstrumentedGreenlet } from "../core/instrument.js";
import { checkFunction, checkOptions } from "../core/validate.js";
import { GreenletExit } from "../errors.js";
import type { Greenlet } from "../greenlet.js";

/** What happened at a switch point. */
export type TraceEventKind = "spawn" | "start" | "park" | "resume" | "end" | "kill" | "link" | "own";

/** One recorded switch point. */
export interface TraceEvent {
  /** The active clock's time, in milliseconds since the trace started. */
  readonly t: number;
  /** The order of the event in the trace, from 0. */
  readonly seq: number;
  readonly kind: TraceEventKind;
  /** The greenlet's id. */
  readonly id: number;
  /**
   * What the event says beyond its kind: the wait parked on (`Queue.get`, `sleep(250)`), the owner
   * taken into, how a greenlet ended (`value`, `error: message`, `killed`), the kill's reason.
   */
  readonly detail: string | undefined;
}

/** A greenlet that appears in a trace. */
export interface TracedGreenlet {
  readonly id: number;
  /** Its name when the trace stopped (names are often set after the spawn). */
  readonly name: string;
}

/** A finished trace. */
export interface Trace {
  readonly events: readonly TraceEvent[];
  /** Every greenlet that appears, in order of first appearance (the lanes of the timeline). */
  readonly greenlets: readonly TracedGreenlet[];
  /** How long the trace ran on the active clock, in milliseconds. */
  readonly durationMs: number;
  /** Events left out once `limit` was reached. */
  readonly dropped: number;
}

/** Options of {@link startTrace} and {@link trace}. */
export interface TraceOptions {
  /** The most events kept; later ones are counted in `dropped`. Default 100,000. */
  limit?: number;
}

/** A trace being recorded. */
export interface Tracer {
  /** Stops recording (idempotent) and returns the trace. */
  stop(): Trace;
}

function describeEnd(g: Greenlet<any>): string {
  if (!g.successful()) {
    const error = g.exception;
    return `error: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (g.value instanceof GreenletExit) return "killed";
  return "value";
}

function describeKill(exception: unknown): string {
  if (exception instanceof GreenletExit) return exception.reason === undefined ? "GreenletExit" : `GreenletExit(${String(exception.reason)})`;
  return exception instanceof Error ? exception.name : String(exception);
}

/**
 * Starts recording every switch point of every greenlet; `stop()` ends it and returns the trace.
 * @throws TypeError/RangeError when `limit` is not a positive integer.
 * @example
 * ```ts
 * const tracer = startTrace();
 * await joinall([spawn(producer), spawn(consumer)]);
 * console.log(renderText(tracer.stop()));
 * ```
 */
export function startTrace(options?: TraceOptions): Tracer {
  checkOptions("startTrace()", options);
  const limit = options?.limit ?? 100_000;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`startTrace(): expected limit to be a positive integer, got ${String(limit)} (${typeof limit})`);
  }
  const clock = getClock();
  const origin = clock.now();
  const events: TraceEvent[] = [];
  const seen = new Map<number, InstrumentedGreenlet>();
  let dropped = 0;
  const record = (kind: TraceEventKind, g: InstrumentedGreenlet, detail?: string): void => {
    if (!seen.has(g.id)) seen.set(g.id, g);
    if (events.length >= limit) {
      dropped++;
      return;
    }
    events.push({ t: clock.now() - origin, seq: events.length, kind, id: g.id, detail });
  };
  const remove = instrument({
    spawned: (g) => record("spawn", g),
    started: (g) => record("start", g),
    parked: (g, what, detail) => record("park", g, formatParkSite(what, detail)),
    resumed: (g) => record("resume", g),
    ended: (g) => record("end", g, describeEnd(g as Greenlet<any>)),
    killed: (g, exception) => record("kill", g, describeKill(exception)),
    linked: (g) => record("link", g),
    owned: (g, owner) => record("own", g, ownerLabel(owner)),
  });
  let result: Trace | undefined;
  return {
    stop(): Trace {
      if (result !== undefined) return result;
      remove();
      const greenlets = [...seen.values()].map((g) => ({ id: g.id, name: g.name }));
      result = { events, greenlets, durationMs: clock.now() - origin, dropped };
      return result;
    },
  };
}

/**
 * Runs `fn` with a trace recording, and resolves with the trace once `fn` has settled (its
 * value in `value`). Greenlets that `fn` leaves running are recorded until then, not after.
 * @throws rejects with what `fn` threw or rejected with (the trace stops first).
 * @example
 * ```ts
 * const t = await trace(async () => {
 *   const g = spawn(async (g) => await sleep(10, { signal: g }));
 *   await g.join();
 * });
 * console.log(renderText(t));
 * ```
 */
export async function trace<T>(fn: () => T | PromiseLike<T>, options?: TraceOptions): Promise<Trace & { value: Awaited<T> }> {
  checkFunction("trace()", "fn", fn);
  const tracer = startTrace(options);
  let value: Awaited<T>;
  try {
    value = await fn();
  } finally {
    tracer.stop();
  }
  return { ...tracer.stop(), value };
}

const VERBS: Record<TraceEventKind, string> = {
  spawn: "spawned",
  start: "starts",
  park: "parks on",
  resume: "wakes up",
  end: "ends:",
  kill: "killed with",
  link: "gets a link",
  own: "joins",
};

/**
 * The trace as a log of task switches: one line per event with its time, indented by the
 * greenlet's lane (its order of first appearance), so each greenlet's story reads down a column.
 * @example
 * ```text
 *   0 ms  producer spawned
 *   0 ms    consumer spawned
 *   0 ms  producer starts
 *   0 ms  producer parks on Queue.put
 * ```
 */
export function renderText(trace: Trace): string {
  checkTrace("renderText()", trace);
  const lanes = new Map(trace.greenlets.map((g, i) => [g.id, i]));
  const names = new Map(trace.greenlets.map((g) => [g.id, g.name]));
  const width = Math.max(4, ...trace.events.map((e) => formatTime(e.t).length));
  const lines = trace.events.map((e) => {
    const verb = VERBS[e.kind];
    const what = e.detail === undefined ? verb : `${verb} ${e.detail}`;
    return `${formatTime(e.t).padStart(width)}  ${"  ".repeat(lanes.get(e.id) ?? 0)}${names.get(e.id) ?? `Greenlet-${e.id}`} ${what}`;
  });
  if (trace.dropped > 0) lines.push(`(${trace.dropped} more events dropped: the trace's limit was reached)`);
  return `${lines.join("\n")}\n`;
}

function formatTime(ms: number): string {
  return `${Number.isInteger(ms) ? ms : ms.toFixed(1)} ms`;
}

/** @internal */
export function checkTrace(call: string, trace: unknown): asserts trace is Trace {
  const t = trace as Partial<Trace> | null;
  if (t === null || typeof t !== "object" || !Array.isArray(t.events) || !Array.isArray(t.greenlets)) {
    throw new TypeError(`${call}: expected trace to be a trace from trace() or startTrace().stop(), got ${t === null ? "null" : typeof t}`);
  }
}
