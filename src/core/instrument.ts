/**
 * Instrumentation: the one hook surface the run-info registry, the tracer, the blocking monitor
 * and users' own tools stand on (in the spirit of Trio's `Instrument`).
 *
 * The kernel calls a hook only while at least one instrument is installed: every call site reads
 * the module's `observing` flag first, so with no instrument the cost is one load and a branch per
 * switch point, nothing allocated. Hooks run synchronously at the switch point, in installation
 * order; a hook that throws is reported to the hub (kind `instrument`) and never reaches the
 * greenlet or the wait that called it.
 * @module
 */
import { reportError } from "./hub.js";
import type { Greenlet } from "../greenlet.js";

/** The greenlet an instrument is told about. */
export type InstrumentedGreenlet = Greenlet<unknown>;

/**
 * What a greenlet is parked on: the call (`"Queue.get"`, `"sleep"`, `"join"`, `"call"`) and, where
 * it says more, a detail (the milliseconds of a sleep, the joined greenlet, the event name).
 */
export interface ParkSite {
  readonly what: string;
  readonly detail: unknown;
}

/** The hooks; each is optional. `g` is the greenlet concerned. */
export interface Instrument {
  /** `g` was scheduled to start (`spawn`, `start()`, `startLater()`). */
  spawned?(g: InstrumentedGreenlet): void;
  /** `g`'s function is about to run. */
  started?(g: InstrumentedGreenlet): void;
  /** `g` parked in a library wait it was given as its `signal`. */
  parked?(g: InstrumentedGreenlet, what: string, detail: unknown): void;
  /** That wait ended (woken, timed out or aborted): `g` runs again on a later microtask. */
  resumed?(g: InstrumentedGreenlet): void;
  /** `g` is dead: `g.successful()`, `g.value`, `g.exception` say how. */
  ended?(g: InstrumentedGreenlet): void;
  /** `g` was killed with `exception` (first kill only; the end follows once the function settles). */
  killed?(g: InstrumentedGreenlet, exception: unknown): void;
  /** A callback or target was linked to `g`. */
  linked?(g: InstrumentedGreenlet, target: unknown): void;
  /** An owner (a Group, a Pool, a session's greenlet set) took `g` in. */
  owned?(g: InstrumentedGreenlet, owner: object): void;
}

type HookName = keyof Instrument;

let instruments: Instrument[] = [];

/** True while at least one instrument is installed; the kernel's switch points read it first. */
export let observing = false;

/**
 * Installs an instrument: its hooks are called at every switch point from now on, until the
 * returned function removes it (idempotent). Greenlets that exist already are seen from their next
 * switch point on.
 * @throws TypeError when `hooks` is not an object, or one of its hooks is not a function.
 * @example
 * ```ts
 * const stop = instrument({ ended: (g) => console.log(`${g.name} ended`) });
 * // …
 * stop();
 * ```
 */
export function instrument(hooks: Instrument): () => void {
  if (hooks === null || typeof hooks !== "object") {
    throw new TypeError(`instrument(): expected hooks to be an object of hook functions, got ${hooks === null ? "null" : typeof hooks}`);
  }
  for (const [key, value] of Object.entries(hooks)) {
    if (value !== undefined && typeof value !== "function") {
      throw new TypeError(`instrument(): expected hooks.${key} to be a function, got ${typeof value}`);
    }
  }
  instruments = [...instruments, hooks];
  observing = true;
  return () => {
    instruments = instruments.filter((i) => i !== hooks);
    observing = instruments.length > 0;
  };
}

function call(name: HookName, g: InstrumentedGreenlet, a?: unknown, b?: unknown): void {
  // A copy-on-write array: an instrument removed or added by a hook takes effect at the next call.
  const list = instruments;
  for (let i = 0; i < list.length; i++) {
    const hook = list[i]![name] as ((g: InstrumentedGreenlet, a: unknown, b: unknown) => void) | undefined;
    if (hook === undefined) continue;
    try {
      hook.call(list[i], g, a, b);
    } catch (error) {
      reportError(error, { kind: "instrument", greenlet: g });
    }
  }
}

/** @internal Called by the kernel only while `observing`. */
export function emitSpawned(g: InstrumentedGreenlet): void {
  call("spawned", g);
}
/** @internal */
export function emitStarted(g: InstrumentedGreenlet): void {
  call("started", g);
}
/** @internal */
export function emitParked(g: InstrumentedGreenlet, what: string, detail: unknown): void {
  call("parked", g, what, detail);
}
/** @internal */
export function emitResumed(g: InstrumentedGreenlet): void {
  call("resumed", g);
}
/** @internal */
export function emitEnded(g: InstrumentedGreenlet): void {
  call("ended", g);
}
/** @internal */
export function emitKilled(g: InstrumentedGreenlet, exception: unknown): void {
  call("killed", g, exception);
}
/** @internal */
export function emitLinked(g: InstrumentedGreenlet, target: unknown): void {
  call("linked", g, target);
}
/** @internal */
export function emitOwned(g: InstrumentedGreenlet, owner: object): void {
  call("owned", g, owner);
}

/** Formats a park site as run-info and the tracer print it: `Queue.get`, `sleep(250)`, `join(g#12)`, `call("confirm")`. */
export function formatParkSite(what: string, detail: unknown): string {
  if (detail === undefined) return what;
  if (typeof detail === "string") return `${what}(${JSON.stringify(detail.length > 40 ? `${detail.slice(0, 40)}…` : detail)})`;
  if (typeof detail === "number") return `${what}(${detail})`;
  if (detail !== null && typeof detail === "object" && "id" in detail && "name" in detail) {
    return `${what}(${String((detail as { name: unknown }).name)})`;
  }
  return what;
}

/** The method by which an owner (a Group, a Pool, a session) names itself in run-info and reports. */
export const describeOwner: unique symbol = Symbol.for("greenthread.describeOwner");

/** The name of an owner: its `describeOwner` method's, else its class's. */
export function ownerLabel(owner: object): string {
  const describe = (owner as { [describeOwner]?: () => string })[describeOwner];
  if (typeof describe === "function") {
    try {
      return String(describe.call(owner));
    } catch {
      // an owner that cannot name itself is named by its class
    }
  }
  return owner.constructor?.name ?? "owner";
}
