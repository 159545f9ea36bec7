/**
 * `mount()`: puts namespace classes on a socket.io server and returns the app that counts and
 * closes their sessions.
 * @module
 */
import type { Namespace, Server, Socket } from "socket.io";
import createDebug from "debug";
import { checkDuration, checkOptions, describe } from "../core/validate.js";
import { classInfo, type ClassInfo } from "./classinfo.js";
import type { Counters } from "./greenlets.js";
import type { RateLimit } from "./limits.js";
import type { NamespaceClass } from "./namespace.js";
import { checkMountOptions, sessionOptions, type AppSettings, type SessionOptions } from "./options.js";
import type { SocketErrorHandler } from "./report.js";
import { Session, type SessionHost } from "./session.js";

const debug = createDebug("greenthread:socketio");

/**
 * The reason sessions end with when `app.close()` ends them, and the message of the
 * `connect_error` a client gets once the app is closing: `"server shutting down"`.
 * @example
 * ```ts
 * socket.on("connect_error", (error) => { if (error.message === SHUTTING_DOWN) retryElsewhere(); });
 * ```
 */
export const SHUTTING_DOWN = "server shutting down";

/**
 * Options of {@link mount}. `graceMs`, `concurrency`, `rateLimit`, `handlerTimeout` and `maxQueued`
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
   * per-turn budget, or waiting for a `concurrency` slot); beyond it each is refused with
   * `BacklogFullError`. An integer ≥ 0, or Infinity. Default 1,000.
   */
  maxQueued?: number;
  /**
   * Events one session may start per event-loop turn before the rest wait for a fair share
   * (round-robin with the other busy sessions, one share per turn), so one flooding client cannot
   * starve the others. An integer ≥ 1, or Infinity. Default 64.
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
}

/** What {@link MountedApp.stats} returns: the app's counts on this node, or one mounted namespace's. */
export interface SocketStats {
  /** Sessions not yet closed (open, or reaping their greenlets). */
  sessions: number;
  /** Live session greenlets (stragglers are no longer counted). */
  greenlets: number;
  /** Running total of greenlets killed because their session ended (stragglers included). */
  reaped: number;
  /** Running total of greenlets that outlived `graceMs` after their session ended. */
  stragglers: number;
}

/** Options of {@link MountedApp.close}. */
export interface CloseOptions {
  /** The grace period for the sessions this close ends. Default: the app's `graceMs`. */
  graceMs?: number;
}

/** What {@link mount} returns. */
export interface MountedApp {
  /**
   * Counts on this node, synchronously: the app's totals, or with `namespace` (a path as given to
   * `mount()`) that namespace's alone.
   * @throws {TypeError} when `namespace` is not a path this app mounted.
   * @example
   * ```ts
   * setInterval(() => metrics.gauge("socketio", app.stats()), 10_000).unref();
   * ```
   */
  stats(namespace?: string | RegExp): SocketStats;
  /**
   * The counts of each mounted namespace, keyed by its path as mounted; a RegExp path by its text
   * (`String(regexp)`, e.g. `"/^\\/job-\\d+$/"`), where every child namespace it matches counts.
   * The keys are the paths given to `mount()`, so client-chosen namespace names never add keys.
   * @example
   * ```ts
   * app.namespaceStats(); // { "/cpu": { sessions: 2, … }, "/chat": { sessions: 1, … } }
   * ```
   */
  namespaceStats(): Record<string, SocketStats>;
  /**
   * Refuses new sessions (`connect_error` "server shutting down"), disconnects every session with
   * the reason "server shutting down", and resolves once every session is done (greenlets reaped,
   * `disconnected` hooks run). Never rejects; a second call returns the same promise. The socket.io
   * server and the HTTP server stay the caller's to close.
   * @throws {TypeError|RangeError} when `graceMs` is malformed.
   * @example
   * ```ts
   * process.once("SIGTERM", async () => {
   *   await app.close({ graceMs: 2000 });
   *   await io.close();
   * });
   * ```
   */
  close(options?: CloseOptions): Promise<void>;
  /** The socket.io namespaces mounted, by the path given (the parent namespace for a RegExp): add `use()` middleware here. */
  readonly namespaces: ReadonlyMap<string | RegExp, Namespace>;
}

/** The namespaces argument of {@link mount}. */
export type NamespaceSpec =
  | Readonly<Record<string, NamespaceClass>>
  | Iterable<readonly [string | RegExp, NamespaceClass]>;

// Namespaces that already have an app: mounting twice would give each client two sessions.
const mounted = new WeakSet<Namespace>();

function entriesOf(spec: unknown): [unknown, unknown][] {
  if (spec === null || typeof spec !== "object") {
    throw new TypeError(`mount(): expected namespaces to be an object, a Map or an iterable of [path, class] pairs, got ${describe(spec)}`);
  }
  if (typeof (spec as Iterable<unknown>)[Symbol.iterator] !== "function") return Object.entries(spec);
  return [...(spec as Iterable<unknown>)].map((pair, i) => {
    if (!Array.isArray(pair) || pair.length !== 2) {
      throw new TypeError(`mount(): expected namespaces[${i}] to be a [path, class] pair, got ${describe(pair)}`);
    }
    return [pair[0], pair[1]];
  });
}

class App implements SessionHost, MountedApp {
  /** Counts by mounted path; the app's totals are their sums. */
  private readonly counters = new Map<string, Counters>();
  readonly namespaces = new Map<string | RegExp, Namespace>();
  /** Sessions not done yet (closing ones included, until their hook has run). */
  private readonly live = new Set<Session>();
  private closing: Promise<void> | null = null;

  constructor(readonly options: AppSettings) {}

  mount(io: Server, path: string | RegExp, info: ClassInfo): void {
    const nsp = io.of(path);
    if (mounted.has(nsp)) throw new Error(`mount(): namespace ${String(path)} is mounted already`);
    mounted.add(nsp);
    this.namespaces.set(path, nsp);
    const options = sessionOptions(this.options, info.settings, info.rateLimits);
    const counters: Counters = { sessions: 0, greenlets: 0, reaped: 0, stragglers: 0 };
    this.counters.set(String(path), counters);
    nsp.use((_socket, next) => {
      if (this.closing === null) next();
      else next(new Error(SHUTTING_DOWN));
    });
    nsp.on("connection", (socket: Socket) => this.connect(socket, info, options, counters));
  }

  private connect(socket: Socket, info: ClassInfo, options: SessionOptions, counters: Counters): void {
    if (this.closing !== null) {
      // Past the middleware before close(), connected after it: too late for a connect_error.
      socket.disconnect();
      return;
    }
    const session = new Session(this, info, socket, options, counters);
    this.live.add(session);
    counters.sessions++;
    debug("%s %s: session open", socket.nsp.name, socket.id);
    session.start();
  }

  sessionClosed(session: Session): void {
    session.counters.sessions--;
  }

  sessionDone(session: Session): void {
    this.live.delete(session);
  }

  stats(namespace?: string | RegExp): SocketStats {
    if (namespace !== undefined) {
      const counters = typeof namespace === "string" || namespace instanceof RegExp ? this.counters.get(String(namespace)) : undefined;
      if (counters === undefined) {
        const paths = [...this.counters.keys()].join(", ");
        throw new TypeError(`MountedApp.stats(): expected namespace to be a path this app mounted (${paths}), got ${describe(namespace)}`);
      }
      return { ...counters };
    }
    const total: SocketStats = { sessions: 0, greenlets: 0, reaped: 0, stragglers: 0 };
    for (const counters of this.counters.values()) {
      total.sessions += counters.sessions;
      total.greenlets += counters.greenlets;
      total.reaped += counters.reaped;
      total.stragglers += counters.stragglers;
    }
    return total;
  }

  namespaceStats(): Record<string, SocketStats> {
    const byPath: Record<string, SocketStats> = {};
    for (const [path, counters] of this.counters) byPath[path] = { ...counters };
    return byPath;
  }

  close(options?: CloseOptions): Promise<void> {
    checkOptions("MountedApp.close()", options);
    const graceMs = options?.graceMs === undefined ? this.options.graceMs : checkDuration("MountedApp.close()", "options.graceMs", options.graceMs);
    if (this.closing !== null) return this.closing;
    debug("closing %d sessions", this.live.size);
    let resolve!: () => void;
    this.closing = new Promise<void>((r) => (resolve = r));
    const sessions = [...this.live];
    for (const session of sessions) session.shutdown(SHUTTING_DOWN, graceMs);
    void Promise.all(sessions.map((session) => session.done)).then(() => resolve());
    return this.closing;
  }
}

/**
 * Mounts namespace classes on a socket.io server: each client connecting to a mounted namespace
 * gets a session, one instance of its class, whose greenlets are reaped when it ends.
 *
 * `namespaces` maps paths to classes: `{ "/chat": ChatNamespace }`, or `[path | RegExp, Class]`
 * pairs (or a Map) for dynamic namespaces (`/^\/job-\d+$/`: every matching child namespace gets
 * sessions alike). Namespace middleware (`nsp.use`) keeps working: a connection it rejects creates
 * no session. Each namespace can be mounted once.
 *
 * @throws {TypeError|RangeError} at the call when a path, a class (not a BaseNamespace subclass,
 * a malformed `static acl`/`schemas`) or an option is malformed; {@link Error} when a namespace is
 * mounted already.
 * @example
 * ```ts
 * const io = new Server(httpServer);
 * const app = mount(io, { "/cpu": CpuNamespace }, { graceMs: 2000, rateLimit: { intervalCap: 20, interval: 1000 } });
 * const jobs = mount(io, [[/^\/job-\d+$/, JobNamespace]]);
 * // on shutdown:
 * await Promise.all([app.close(), jobs.close()]);
 * await io.close();
 * ```
 */
export function mount(io: Server, namespaces: NamespaceSpec, options?: MountOptions): MountedApp {
  if (io === null || typeof io !== "object" || typeof (io as Partial<Server>).of !== "function") {
    throw new TypeError(`mount(): expected io to be a socket.io Server, got ${describe(io)}`);
  }
  const resolved = checkMountOptions(options);
  const entries = entriesOf(namespaces).map(([path, cls]) => {
    if (typeof path !== "string" && !(path instanceof RegExp)) {
      throw new TypeError(`mount(): expected a namespace path to be a string or a RegExp, got ${describe(path)}`);
    }
    return [path, classInfo("mount()", `namespace ${String(path)}`, cls)] as const;
  });
  if (entries.length === 0) throw new TypeError("mount(): expected at least one namespace, got none");
  const app = new App(resolved);
  for (const [path, info] of entries) app.mount(io, path, info);
  return app;
}
