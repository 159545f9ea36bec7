/**
 * Run-info: a registry of live greenlets, what owns them, who spawned them and what each is parked
 * on, printed as a tree by `formatRunInfo()` (gevent's `print_run_info`).
 *
 * The registry is an instrument (core/instrument.ts): off until `enableRunInfo()`, and with it off
 * the kernel pays only its `observing` check. On, each greenlet costs one record from its spawn to
 * its end, and each park two field writes. A greenlet spawned before the registry was enabled is
 * recorded from its next switch point on (its age then counts from there).
 * @module
 */
import { getClock } from "../core/clock.js";
import { formatParkSite, instrument, ownerLabel, type InstrumentedGreenlet } from "../core/instrument.js";
import { setStuckEnricher } from "../core/stuck.js";
import { checkOptions } from "../core/validate.js";
import type { Greenlet } from "../greenlet.js";

/** One live greenlet, as `runInfo()` reports it. */
export interface GreenletInfo {
  readonly id: number;
  readonly name: string;
  /** `scheduled` (spawned, not started yet) or `running` (its function runs, or is parked). */
  readonly state: "scheduled" | "running";
  /** Milliseconds since it was spawned (or first seen), on the active clock. */
  readonly ageMs: number;
  /** Its owner: `Group`, `Pool(10)`, `ThreadPool`, a session as `namespace#sid`, `app`. */
  readonly owner: string | undefined;
  /** The greenlet that spawned it through its own handle, when known. */
  readonly parent: { readonly id: number; readonly name: string } | undefined;
  /** What it is parked on (`Queue.get`, `sleep(250)`, `join(worker)`, `call("confirm")`), if parked. */
  readonly parkedOn: string | undefined;
  /** For how long it has been parked there. */
  readonly parkedForMs: number | undefined;
  /** Whether it was killed and its function has not settled yet. */
  readonly killed: boolean;
  /** Where it was spawned (`enableRunInfo({ stacks: true })`). */
  readonly spawnedAt: string | undefined;
}

/** A snapshot of the registry. */
export interface RunInfo {
  /** The active clock's time of the snapshot. */
  readonly at: number;
  /** Every live greenlet, oldest first. */
  readonly greenlets: readonly GreenletInfo[];
}

/** Options of {@link enableRunInfo}. */
export interface RunInfoOptions {
  /** Capture the stack of every spawn (costly: a stack trace per greenlet). Default false. */
  stacks?: boolean;
}

interface Entry {
  g: Greenlet<any>;
  since: number;
  owner: object | undefined;
  what: string | undefined;
  detail: unknown;
  parkedAt: number;
  killed: boolean;
  stack: string | undefined;
}

let registry: Map<InstrumentedGreenlet, Entry> | null = null;
let users = 0;
let stacks = 0;
let removeInstrument: (() => void) | null = null;

function entryOf(g: InstrumentedGreenlet): Entry | undefined {
  const map = registry;
  if (map === null) return undefined;
  let entry = map.get(g);
  if (entry === undefined) {
    const greenlet = g as Greenlet<any>;
    if (greenlet.dead) return undefined;
    entry = { g: greenlet, since: getClock().now(), owner: undefined, what: undefined, detail: undefined, parkedAt: 0, killed: false, stack: undefined };
    map.set(g, entry);
  }
  return entry;
}

// Frames inside the library itself are left out of spawn stacks: they are the same for every spawn.
const LIBRARY_ROOT = new URL("..", import.meta.url).pathname;

function spawnStack(): string {
  const lines = (new Error().stack ?? "").split("\n").slice(1);
  return lines.filter((line) => !line.includes(LIBRARY_ROOT) && !line.includes("node:internal")).join("\n");
}

const hooks = {
  spawned(g: InstrumentedGreenlet): void {
    const entry = entryOf(g);
    if (entry !== undefined && stacks > 0) entry.stack = spawnStack();
  },
  started(g: InstrumentedGreenlet): void {
    entryOf(g);
  },
  parked(g: InstrumentedGreenlet, what: string, detail: unknown): void {
    const entry = entryOf(g);
    if (entry === undefined) return;
    entry.what = what;
    entry.detail = detail;
    entry.parkedAt = getClock().now();
  },
  resumed(g: InstrumentedGreenlet): void {
    const entry = registry?.get(g);
    if (entry !== undefined) entry.what = entry.detail = undefined;
  },
  ended(g: InstrumentedGreenlet): void {
    registry?.delete(g);
  },
  killed(g: InstrumentedGreenlet): void {
    const entry = entryOf(g);
    if (entry !== undefined) entry.killed = true;
  },
  owned(g: InstrumentedGreenlet, owner: object): void {
    const entry = entryOf(g);
    if (entry !== undefined) entry.owner = owner;
  },
};

/**
 * Turns the registry on (it is off by default) and returns a function that turns it off again.
 * Calls nest: the registry stays on until every enabler has turned it off.
 * @throws TypeError when `options` is not an object or `stacks` not a boolean.
 * @example
 * ```ts
 * const disable = enableRunInfo();
 * process.on("SIGUSR2", () => process.stderr.write(formatRunInfo()));
 * ```
 */
export function enableRunInfo(options?: RunInfoOptions): () => void {
  checkOptions("enableRunInfo()", options);
  const wantStacks = options?.stacks ?? false;
  if (typeof wantStacks !== "boolean") throw new TypeError(`enableRunInfo(): expected stacks to be a boolean, got ${typeof wantStacks}`);
  if (users++ === 0) {
    registry = new Map();
    removeInstrument = instrument(hooks);
    setStuckEnricher(enrich);
  }
  if (wantStacks) stacks++;
  let enabled = true;
  return () => {
    if (!enabled) return;
    enabled = false;
    if (wantStacks) stacks--;
    if (--users === 0) {
      removeInstrument?.();
      removeInstrument = null;
      registry = null;
      setStuckEnricher(null);
    }
  };
}

/** Whether the registry is on. */
export function runInfoEnabled(): boolean {
  return registry !== null;
}

function parentOf(g: Greenlet<any>): { id: number; name: string } | undefined {
  const parent = (g as { parent?: Greenlet<any> }).parent;
  return parent === undefined ? undefined : { id: parent.id, name: parent.name };
}

function infoOf(entry: Entry, now: number): GreenletInfo {
  const g = entry.g;
  const parked = entry.what !== undefined;
  return {
    id: g.id,
    name: g.name,
    state: g._state === 1 ? "scheduled" : "running",
    ageMs: now - entry.since,
    owner: entry.owner === undefined ? undefined : ownerLabel(entry.owner),
    parent: parentOf(g),
    parkedOn: parked ? formatParkSite(entry.what!, entry.detail) : undefined,
    parkedForMs: parked ? now - entry.parkedAt : undefined,
    killed: entry.killed,
    spawnedAt: entry.stack,
  };
}

function enrich(g: { id: number; name: string }): { parkedForMs?: number; spawnedAt?: string; owner?: string; parkedOn?: string; parent?: string } | undefined {
  const entry = registry?.get(g as InstrumentedGreenlet);
  if (entry === undefined) return undefined;
  const info = infoOf(entry, getClock().now());
  return {
    ...(info.parkedForMs === undefined ? {} : { parkedForMs: info.parkedForMs }),
    ...(info.spawnedAt === undefined ? {} : { spawnedAt: info.spawnedAt }),
    ...(info.owner === undefined ? {} : { owner: info.owner }),
    ...(info.parkedOn === undefined ? {} : { parkedOn: info.parkedOn }),
    ...(info.parent === undefined ? {} : { parent: info.parent.name }),
  };
}

/**
 * A snapshot of every live greenlet the registry knows: id, name, state, age, owner, parent and
 * what it is parked on. Empty while the registry is off.
 * @example
 * ```ts
 * const stuck = runInfo().greenlets.filter((g) => (g.parkedForMs ?? 0) > 10_000);
 * ```
 */
export function runInfo(): RunInfo {
  const now = getClock().now();
  const greenlets: GreenletInfo[] = [];
  if (registry !== null) for (const entry of registry.values()) if (!entry.g.dead) greenlets.push(infoOf(entry, now));
  greenlets.sort((a, b) => a.id - b.id);
  return { at: now, greenlets };
}

function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

function line(info: GreenletInfo): string {
  const who = info.name === `Greenlet-${info.id}` ? info.name : `${info.name} (#${info.id})`;
  const parts = [who, info.state, `age ${formatDuration(info.ageMs)}`];
  if (info.killed) parts.push("killed, still ending");
  if (info.parkedOn !== undefined) parts.push(`parked on ${info.parkedOn} for ${formatDuration(info.parkedForMs!)}`);
  else if (info.state === "running") parts.push("not in a library wait");
  return parts.join(", ");
}

/**
 * Renders a snapshot as a tree, one line per greenlet: owners first (in the order their first
 * greenlet was spawned), then the greenlets nobody owns; a greenlet spawned through its parent's
 * handle is indented under its parent. With the registry off, says so.
 * @example
 * ```ts
 * console.log(formatRunInfo());
 * // 3 greenlets
 * // Pool(2)
 * //   fetch-1 (#2), running, age 120 ms, parked on Queue.get for 100 ms
 * // (no owner)
 * //   main (#1), running, age 130 ms, parked on join(fetch-1) for 118 ms
 * ```
 */
export function formatRunInfo(info: RunInfo = runInfo()): string {
  if (registry === null && info.greenlets.length === 0) return "run-info is off: call enableRunInfo() from greenthread/observe first\n";
  const count = info.greenlets.length;
  const out = [`${count} ${count === 1 ? "greenlet" : "greenlets"}`];
  const groups = new Map<string, GreenletInfo[]>();
  for (const g of info.greenlets) {
    const key = g.owner ?? "";
    const list = groups.get(key);
    if (list === undefined) groups.set(key, [g]);
    else list.push(g);
  }
  const ownerless = groups.get("");
  groups.delete("");
  if (ownerless !== undefined) groups.set("", ownerless);
  for (const [owner, members] of groups) {
    out.push(owner === "" ? "(no owner)" : owner);
    const ids = new Set(members.map((g) => g.id));
    const children = new Map<number, GreenletInfo[]>();
    for (const g of members) {
      if (g.parent === undefined || !ids.has(g.parent.id)) continue;
      const list = children.get(g.parent.id);
      if (list === undefined) children.set(g.parent.id, [g]);
      else list.push(g);
    }
    const print = (g: GreenletInfo, depth: number): void => {
      const parentNote = depth === 1 && g.parent !== undefined ? `, child of ${g.parent.name}` : "";
      out.push(`${"  ".repeat(depth)}${line(g)}${parentNote}`);
      for (const child of children.get(g.id) ?? []) print(child, depth + 1);
    };
    for (const g of members) if (g.parent === undefined || !ids.has(g.parent.id)) print(g, 1);
  }
  return `${out.join("\n")}\n`;
}
