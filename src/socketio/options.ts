/**
 * The options a session runs with: `mount()`'s, overridden per class by its static fields
 * (`static graceMs`, `static concurrency`, `static rateLimit`, `static rateLimits`,
 * `static handlerTimeout`, `static maxQueued`). Everything is checked once, at `mount()`.
 * @module
 */
import { hostname } from "node:os";
import { checkDuration, checkInteger, checkOptions, failArgument } from "../core/validate.js";
import { checkRateLimit, type LimitSettings, type RateLimit } from "./limits.js";
import { defaultSocketErrorHandler, type SocketErrorHandler } from "./report.js";

/** The settings a class may override with static fields of the same names. */
export interface ClassSettings {
  /** Milliseconds a session's greenlets get to finish after their kill before they are stragglers. */
  graceMs?: number;
  /** Handlers running at once per session (an integer ≥ 1, or Infinity). */
  concurrency?: number;
  /** Events admitted per session per window, over all events. */
  rateLimit?: RateLimit;
  /** Milliseconds a handler under a `concurrency` limit may hold its slot before it is timed out. */
  handlerTimeout?: number;
  /** Events a session may hold waiting (behind `initialize()`, the fairness budget, a concurrency slot, or for `recv()`). */
  maxQueued?: number;
}

/**
 * Options of `mount()`. `graceMs`, `concurrency`, `rateLimit`, `handlerTimeout` and `maxQueued`
 * can also be set per class, as static fields of the same names, which win over these.
 */
export interface MountOptions {
  /** Milliseconds a session's greenlets get to finish after their kill before they are stragglers. Default 5000. */
  graceMs?: number;
  /** Handlers running at once per session (an integer ≥ 1, or Infinity); the rest wait in arrival order. Default: no limit. */
  concurrency?: number;
  /** Events admitted per session per window; the rest are refused with `RateLimitError`. Default: no limit. */
  rateLimit?: RateLimit;
  /**
   * Milliseconds a handler running under a `concurrency` limit may hold its slot; then its ack
   * settles with `HandlerTimeoutError`, `onError` hears of it and the next event gets the slot.
   * `Infinity`: never. Default 30,000.
   */
  handlerTimeout?: number;
  /**
   * Events a session may hold that have not started (behind an async `initialize()`, over the
   * per-turn budget, waiting for a `concurrency` slot, or, in a class with `main()`, waiting for
   * `recv()`); beyond it each is refused with `BacklogFullError`. An integer ≥ 0, or Infinity.
   * Default 1,000.
   */
  maxQueued?: number;
  /**
   * Events one session may start per event-loop turn before the rest wait for a fair share
   * (round-robin with the other busy sessions, one share per turn), so one flooding client cannot
   * starve the others. An integer ≥ 1, or Infinity. Default 256.
   */
  eventsPerTurn?: number;
  /**
   * A client refused more than `intervalCap` events (any refusal: invalid name, unknown event,
   * access denied, invalid payload, rate limit, full backlog) within `interval` ms is disconnected,
   * its connection closed, with the reason `"too many refused events"`. `false`: never.
   * Default `{ intervalCap: 100, interval: 10_000 }`.
   */
  refusalLimit?: RateLimit | false;
  /** Show every handler error's name and message to the client, not only `ClientError`s. Default false. */
  exposeErrors?: boolean;
  /** Receives what the operator must see (see `SocketErrorContext`). Default: one line on stderr. */
  onError?: SocketErrorHandler;
  /**
   * This node's name in `app.clusterStats()`: unique across the nodes that share the adapter.
   * A non-empty string of at most 200 characters. Default: `<hostname>-<pid>`.
   */
  nodeId?: string;
}

/** The defaults, stated once (the reference page lists them). */
export const DEFAULTS = {
  graceMs: 5000,
  handlerTimeout: 30_000,
  maxQueued: 1000,
  eventsPerTurn: 256,
  refusalLimit: { intervalCap: 100, interval: 10_000 } as RateLimit,
} as const;

/** What a session reads. */
export interface SessionOptions {
  graceMs: number;
  exposeErrors: boolean;
  onError: SocketErrorHandler;
  /** null: the session needs no EventLimits. */
  limits: LimitSettings | null;
  /** Infinity: handlers are never timed out. */
  handlerTimeout: number;
  maxQueued: number;
  eventsPerTurn: number;
  /** null: refusals never disconnect. */
  refusalLimit: RateLimit | null;
}

/** The app-wide options before a class's overrides. */
export interface AppSettings extends Required<Omit<ClassSettings, "rateLimit" | "concurrency">> {
  concurrency: number | undefined;
  rateLimit: RateLimit | undefined;
  exposeErrors: boolean;
  onError: SocketErrorHandler;
  eventsPerTurn: number;
  refusalLimit: RateLimit | null;
  nodeId: string;
}

/**
 * Checks the settings a class may override; `where` names their owner (`"options"` for `mount`'s
 * own, a class name for static fields).
 * @throws {TypeError|RangeError} naming `call` and the setting.
 */
export function checkClassSettings(call: string, where: string, source: ClassSettings): ClassSettings {
  const out: ClassSettings = {};
  if (source.graceMs !== undefined) out.graceMs = checkDuration(call, `${where}.graceMs`, source.graceMs);
  if (source.concurrency !== undefined) {
    out.concurrency = checkInteger(call, `${where}.concurrency`, source.concurrency, 1, "an integer ≥ 1 or Infinity", true);
  }
  if (source.rateLimit !== undefined) out.rateLimit = checkRateLimit(call, `${where}.rateLimit`, source.rateLimit);
  if (source.handlerTimeout !== undefined) {
    const ms: unknown = source.handlerTimeout;
    if (ms !== Infinity) checkDuration(call, `${where}.handlerTimeout`, ms);
    if (ms === 0) failArgument("range", call, `${where}.handlerTimeout`, "a number of milliseconds > 0 or Infinity", ms);
    out.handlerTimeout = ms as number;
  }
  if (source.maxQueued !== undefined) {
    out.maxQueued = checkInteger(call, `${where}.maxQueued`, source.maxQueued, 0, "an integer ≥ 0 or Infinity", true);
  }
  return out;
}

/** The options of `mount()` as the app keeps them. */
export function checkMountOptions(options: MountOptions | undefined): AppSettings {
  checkOptions("mount()", options);
  const own = checkClassSettings("mount()", "options", options ?? {});
  const eventsPerTurn =
    options?.eventsPerTurn === undefined
      ? DEFAULTS.eventsPerTurn
      : checkInteger("mount()", "options.eventsPerTurn", options.eventsPerTurn, 1, "an integer ≥ 1 or Infinity", true);
  let refusalLimit: RateLimit | null = DEFAULTS.refusalLimit;
  if (options?.refusalLimit === false) refusalLimit = null;
  else if (options?.refusalLimit !== undefined) refusalLimit = checkRateLimit("mount()", "options.refusalLimit", options.refusalLimit);
  const exposeErrors = options?.exposeErrors ?? false;
  if (typeof exposeErrors !== "boolean") failArgument("type", "mount()", "options.exposeErrors", "a boolean", exposeErrors);
  const onError = options?.onError ?? defaultSocketErrorHandler;
  if (typeof onError !== "function") failArgument("type", "mount()", "options.onError", "a function", onError);
  const nodeId = options?.nodeId ?? `${hostname()}-${process.pid}`;
  if (typeof nodeId !== "string") failArgument("type", "mount()", "options.nodeId", "a non-empty string of at most 200 characters", nodeId);
  if (nodeId.length === 0 || nodeId.length > 200) failArgument("range", "mount()", "options.nodeId", "a non-empty string of at most 200 characters", nodeId);
  return {
    graceMs: own.graceMs ?? DEFAULTS.graceMs,
    concurrency: own.concurrency,
    rateLimit: own.rateLimit,
    handlerTimeout: own.handlerTimeout ?? DEFAULTS.handlerTimeout,
    maxQueued: own.maxQueued ?? DEFAULTS.maxQueued,
    eventsPerTurn,
    refusalLimit,
    exposeErrors,
    onError,
    nodeId,
  };
}

/** The options the sessions of one class run with. */
export function sessionOptions(app: AppSettings, cls: ClassSettings, rateLimits: ReadonlyMap<string, RateLimit> | null): SessionOptions {
  const concurrency = cls.concurrency ?? app.concurrency;
  const rateLimit = cls.rateLimit ?? app.rateLimit;
  const limited = rateLimit !== undefined || rateLimits !== null || (concurrency !== undefined && concurrency !== Infinity);
  return {
    graceMs: cls.graceMs ?? app.graceMs,
    exposeErrors: app.exposeErrors,
    onError: app.onError,
    limits: limited ? { concurrency, rateLimit, rateLimits } : null,
    handlerTimeout: cls.handlerTimeout ?? app.handlerTimeout,
    maxQueued: cls.maxQueued ?? app.maxQueued,
    eventsPerTurn: app.eventsPerTurn,
    refusalLimit: app.refusalLimit,
  };
}
