/**
 * The deadlock report: when the event loop is about to run dry (`beforeExit`) while greenlets are
 * still running, nothing is left that could wake them. gevent raises an opaque `LoopExit` there
 * and Node exits 0 in silence; greenthread names each stuck greenlet, what it is parked on, its
 * owner and (with run-info on) for how long and where it was spawned, through the hub's error
 * handler (kind `deadlock`), and sets a non-zero exit code.
 *
 * Cost: the kernel counts running greenlets (one addition per start and per end), and a greenlet
 * that is given a name is held in a set until it ends; nothing else. Finding the stuck greenlets
 * happens only in the report, by asking V8's inspector for the live greenlets (one heap query).
 * Each greenlet then says what it knows of itself: the label of a lean wait (a number in its
 * flags), the wait list or joined greenlet of a Waiter registered with it, its owner from its
 * watchers. Unnamed greenlets that nothing references any more (a cycle of waits) may be garbage
 * by then: they are counted, and named when run-info is on (it holds them).
 * @module
 */
import { createRequire } from "node:module";
import { reportError } from "./hub.js";
import { DeadlockError } from "../errors.js";

/**
 * `"exit"` (the default; `"report"` in a process running `node:test`): report and set
 * `process.exitCode` to 1; `"report"`: report only; `"off"`.
 */
export type DeadlockMode = "exit" | "report" | "off";

const MODES: readonly string[] = ["exit", "report", "off"];

let running = 0;
let installed = false;
let mode: DeadlockMode | undefined;
/** Greenlets already reported: a loop that runs on after the report does not report them twice. */
const reported = new WeakSet<object>();
let reportedUnnamed = 0;

/** @internal The kernel's count of greenlets whose function runs (started, not ended). */
export function noteRunning(delta: 1 | -1): void {
  running += delta;
  if (!installed) install();
}

/**
 * Greenlets given a name, from then until they end. A stuck greenlet that nothing references any
 * more is garbage by the time of the report; a named one is held here, so that the report can
 * name it and say where it is parked. Naming is the rare path (it allocates the greenlet's extra
 * record anyway), so the cost stays off spawn + join; the price is that a named greenlet stuck for
 * ever stays in memory rather than being collected, which a stuck greenlet's unrun `finally`
 * blocks make a leak either way.
 */
const named = new Set<object>();

/** @internal A live greenlet was named. */
export function holdNamed(g: object): void {
  named.add(g);
}

/** @internal A named greenlet ended. */
export function releaseNamed(g: object): void {
  named.delete(g);
}

/** @internal How many named greenlets are held (for tests). */
export function namedCount(): number {
  return named.size;
}

/** @internal How many greenlets run (for tests of the count). */
export function runningCount(): number {
  return running;
}

function install(): void {
  installed = true;
  if (typeof process === "object" && typeof process.on === "function") process.on("beforeExit", onBeforeExit);
}

function currentMode(): DeadlockMode {
  if (mode !== undefined) return mode;
  const env = process.env.GREENTHREAD_DEADLOCK;
  if (env !== undefined && MODES.includes(env)) return env as DeadlockMode;
  return underTestRunner() ? "report" : "exit";
}

/**
 * Whether `node:test` runs in this process. A test file that ends with greenlets parked is most
 * often a test that did not clean up, not a program that hangs: the report is written, and the
 * exit code is left to the test runner, which would otherwise fail a file whose tests all passed.
 * A program a test starts as a child process is not a test file, and gets the default.
 */
function underTestRunner(): boolean {
  const loaded = (process as { moduleLoadList?: readonly string[] }).moduleLoadList;
  return Array.isArray(loaded) && loaded.some((name) => name.startsWith("NativeModule internal/test_runner/"));
}

/**
 * Chooses what happens when the process would exit with greenlets parked for ever: `"exit"` (the
 * default) reports each one and sets `process.exitCode` to 1 unless it is set already; `"report"`
 * reports and leaves the exit code alone (the default in a process running `node:test`, whose
 * runner owns the exit code); `"off"` does neither. The environment variable
 * `GREENTHREAD_DEADLOCK` (same values) sets the default. Returns the previous mode.
 * @throws TypeError when `value` is not one of the three modes.
 * @example
 * ```ts
 * setDeadlockMode("report"); // a CLI that leaves background greenlets parked on purpose
 * ```
 */
export function setDeadlockMode(value: DeadlockMode): DeadlockMode {
  if (!MODES.includes(value)) {
    throw new TypeError(`setDeadlockMode(): expected mode to be "exit", "report" or "off", got ${typeof value === "string" ? JSON.stringify(value) : String(value)} (${typeof value})`);
  }
  const previous = currentMode();
  mode = value;
  return previous;
}

const labels: string[] = [""];
const labelIds = new Map<string, number>();

/**
 * @internal The number of a wait's label (`Queue.get`, `Event.wait`), interned once per label: a
 * greenlet parked lean keeps it in its flags, so the report can say where without a field.
 */
export function labelId(label: string): number {
  let id = labelIds.get(label);
  if (id === undefined) {
    id = labels.length;
    if (id >= MAX_LABELS) return 0;
    labels.push(label);
    labelIds.set(label, id);
  }
  return id;
}

/** @internal How a wait list names its waits: `Queue.get` (the owner's class and the verb), or the verb alone. */
export function waitLabel(owner: object | null, verb: string): string {
  return owner === null ? verb : `${owner.constructor.name}.${verb}`;
}

/** @internal The label of a number from `labelId` (undefined for 0: unknown). */
export function labelOf(id: number): string | undefined {
  return id === 0 ? undefined : labels[id];
}

/** Labels fit in the bits a greenlet's flags leave free (see greenlet.ts). */
export const MAX_LABELS = 1 << 20;

/** A greenlet as the report sees it. */
export interface StuckGreenlet {
  readonly id: number;
  readonly name: string;
}

/** What the heap walk learns about one greenlet. */
export interface StuckFacts {
  parkedOn?: string;
  owner?: string;
}

/** What the heap walk collects; each visited instance adds what it knows. */
export interface StuckFinder {
  /** `g` is parked in a wait described by `site`. */
  parked(g: StuckGreenlet, site: string): void;
  /** `g` belongs to `owner` (a group, a pool, a session). */
  owned(g: StuckGreenlet, owner: string): void;
  /** `g` runs (started, not ended). */
  running(g: StuckGreenlet): void;
}

/** The method by which a greenlet tells the heap walk what it knows of itself. */
export const visitStuck: unique symbol = Symbol("greenthread.visitStuck");
export interface StuckVisitable {
  [visitStuck](finder: StuckFinder): void;
}

let greenletPrototype: StuckVisitable | null = null;

/** @internal Registers the Greenlet prototype, whose live instances the report visits. */
export function registerStuckKind(prototype: StuckVisitable): void {
  greenletPrototype = prototype;
}

/** A wait list that can say which of its waits no greenlet was given to (`await lock.acquire()`). */
export const visitPending: unique symbol = Symbol("greenthread.visitPending");
export interface PendingVisitable {
  [visitPending](found: (label: string) => void): void;
}

const listPrototypes: PendingVisitable[] = [];

/** @internal Registers a wait list's prototype, visited only when no greenlet's own wait proves a deadlock. */
export function registerWaitList(prototype: PendingVisitable): void {
  listPrototypes.push(prototype);
}

/** The library waits pending with no greenlet given as their signal, by label. */
function pendingPlainWaits(): string[] {
  const labels: string[] = [];
  for (const list of liveInstances(listPrototypes)) (list as PendingVisitable)[visitPending]((label) => labels.push(label));
  return labels;
}

function summarise(labels: string[]): string {
  const counts = new Map<string, number>();
  for (const label of labels) counts.set(label, (counts.get(label) ?? 0) + 1);
  return [...counts].map(([label, n]) => (n === 1 ? label : `${label} ×${n}`)).join(", ");
}

/** What run-info knows beyond the walk: how long, where spawned, the owner, the parent. */
export type StuckEnricher = (g: StuckGreenlet) => { parkedForMs?: number; spawnedAt?: string; owner?: string; parkedOn?: string; parent?: string } | undefined;
let enricher: StuckEnricher | null = null;

/** @internal Set by run-info while it is enabled. */
export function setStuckEnricher(fn: StuckEnricher | null): void {
  enricher = fn;
}

function onBeforeExit(): void {
  if (running === 0) return;
  const chosen = currentMode();
  if (chosen === "off") return;
  let found: Found;
  try {
    found = walkHeap();
  } catch (error) {
    reportError(error, { kind: "deadlock" });
    return;
  }
  const named = [...found.running.values()].sort((a, b) => a.id - b.id);
  const fresh = named.filter((g) => !reported.has(g));
  const unnamed = running - named.length;
  if (fresh.length === 0 && unnamed <= reportedUnnamed) return;
  // Every greenlet still running now can never end: nothing is left to settle what it awaits.
  // Where none is tied to a library wait, the waits no greenlet was given to (`await
  // lock.acquire()`) say what they are stuck on, though not whose they are.
  const tied = fresh.some((g) => (enricher?.(g)?.parkedOn ?? found.facts.get(g)?.parkedOn) !== undefined);
  let plain = "";
  if (!tied) {
    try {
      plain = summarise(pendingPlainWaits());
    } catch (error) {
      reportError(error, { kind: "deadlock" });
    }
  }
  const hint = chosen === "exit" ? ' (exit code set to 1; setDeadlockMode("report") or GREENTHREAD_DEADLOCK=report keeps it)' : "";
  for (const g of fresh) {
    reported.add(g);
    const facts = found.facts.get(g) ?? {};
    const more = enricher?.(g);
    const parkedOn = more?.parkedOn ?? facts.parkedOn;
    const owner = more?.owner ?? facts.owner;
    const where =
      parkedOn !== undefined
        ? `is parked on ${parkedOn}${more?.parkedForMs !== undefined ? ` for ${formatMs(more.parkedForMs)}` : ""}, and nothing is left that could wake it`
        : plain !== ""
          ? `is still running, in no wait given the greenlet as its signal, while library waits without a signal can never end (${plain})`
          : "is still running, awaiting something outside the library's waits (a promise of its own, or a wait not given the greenlet as its signal), and nothing is left that could settle it";
    const by = [owner === undefined ? "" : `owned by ${owner}`, more?.parent === undefined ? "" : `child of ${more.parent}`].filter((s) => s !== "").join(", ");
    const message = `${g.name}${by === "" ? "" : ` (${by})`} ${where}: the event loop ran out of work with it still alive${hint}`;
    const error = new DeadlockError(message, { id: g.id, name: g.name }, parkedOn, owner, more?.parkedForMs);
    error.stack = `${error.name}: ${message}${more?.spawnedAt === undefined ? "" : `\n  spawned at:\n${more.spawnedAt}`}`;
    reportError(error, { kind: "deadlock", greenlet: g });
  }
  if (unnamed > reportedUnnamed) {
    const n = unnamed - reportedUnnamed;
    reportedUnnamed = unnamed;
    const waits = plain === "" ? "" : `, while library waits without a signal can never end (${plain})`;
    const them = n === 1 ? "it" : "them";
    const message = `${n} ${named.length === 0 ? "" : "more "}${n === 1 ? "greenlet is" : "greenlets are"} still running with nothing left that could wake ${them}${waits}, and nothing references ${them} any more, so ${n === 1 ? "it" : "they"} cannot be named here: enableRunInfo() from greenthread/observe names ${them}${hint}`;
    const error = new DeadlockError(message, { id: 0, name: "greenthread" }, undefined, undefined, undefined);
    error.stack = `${error.name}: ${message}`;
    reportError(error, { kind: "deadlock" });
  }
  if (chosen === "exit" && (process.exitCode === undefined || process.exitCode === 0)) process.exitCode = 1;
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

interface Found {
  running: Set<StuckGreenlet>;
  facts: Map<StuckGreenlet, StuckFacts>;
}

function walkHeap(): Found {
  const found: Found = { running: new Set(), facts: new Map() };
  const factsOf = (g: StuckGreenlet): StuckFacts => {
    let facts = found.facts.get(g);
    if (facts === undefined) found.facts.set(g, (facts = {}));
    return facts;
  };
  const finder: StuckFinder = {
    parked: (g, site) => {
      factsOf(g).parkedOn ??= site;
    },
    owned: (g, owner) => {
      factsOf(g).owner ??= owner;
    },
    running: (g) => {
      found.running.add(g);
    },
  };
  if (greenletPrototype !== null) for (const instance of liveInstances([greenletPrototype])) (instance as StuckVisitable)[visitStuck](finder);
  return found;
}

/**
 * Every live object whose prototype chain holds one of `prototypes`, through the inspector's
 * `Runtime.queryObjects` (synchronous on the main thread's own session).
 */
function liveInstances(prototypes: object[]): object[] {
  const require = createRequire(import.meta.url);
  const { Session } = require("node:inspector") as typeof import("node:inspector");
  const session = new Session();
  session.connect();
  const slot = Symbol.for("greenthread.heapQuery");
  const global = globalThis as Record<symbol, unknown>;
  const out: object[] = [];
  const post = <R>(method: string, params: object): R => {
    let result: R | undefined;
    let failure: Error | null = null;
    session.post(method, params, (error: Error | null, value: unknown) => {
      failure = error;
      result = value as R;
    });
    if (failure !== null) throw failure;
    if (result === undefined) throw new Error(`the inspector did not answer ${method} synchronously`);
    return result;
  };
  try {
    for (const prototype of prototypes) {
      global[slot] = prototype;
      const proto = post<{ result: { objectId: string } }>("Runtime.evaluate", { expression: "globalThis[Symbol.for('greenthread.heapQuery')]", objectGroup: "greenthread" });
      const list = post<{ objects: { objectId: string } }>("Runtime.queryObjects", { prototypeObjectId: proto.result.objectId, objectGroup: "greenthread" });
      post("Runtime.callFunctionOn", {
        objectId: list.objects.objectId,
        functionDeclaration: "function () { globalThis[Symbol.for('greenthread.heapQuery')] = this; }",
        objectGroup: "greenthread",
      });
      const instances = global[slot];
      // A subclass's prototype is itself an object on the chain: only instances are visited.
      if (Array.isArray(instances)) for (const instance of instances) if (!Object.prototype.hasOwnProperty.call(instance, "constructor")) out.push(instance as object);
    }
  } finally {
    delete global[slot];
    try {
      post("Runtime.releaseObjectGroup", { objectGroup: "greenthread" });
    } catch {
      // nothing to release
    }
    session.disconnect();
  }
  return out;
}
