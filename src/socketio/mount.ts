/**
 * `mount()`: puts namespace classes on a socket.io server and returns the app that counts and
 * closes their sessions.
 * @module
 */
import type { Namespace, Server, Socket } from "socket.io";
import createDebug from "debug";
import { checkDuration, checkInteger, checkOptions, describe, failArgument } from "../core/validate.js";
import { classInfo, type ClassInfo } from "./classinfo.js";
import type { Counters } from "./greenlets.js";
import { EventLimits, type RateLimit } from "./limits.js";
import type { NamespaceClass } from "./namespace.js";
import { defaultSocketErrorHandler, type SocketErrorHandler } from "./report.js";
import { Session, type SessionHost, type SessionOptions } from "./session.js";

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

/** Options of {@link mount}. */
export interface MountOptions {
  /** Milliseconds a session's greenlets get to finish after their kill before they are stragglers. Default 5000. */
  graceMs?: number;
  /** Handlers running at once per session (an integer ≥ 1, or Infinity); the rest wait in arrival order. Default: no limit. */
  concurrency?: number;
  /** Events admitted per session per window; the rest are refused with `RateLimitError`. Default: no limit. */
  rateLimit?: RateLimit;
  /** Show every handler error's name and message to the client, not only `ClientError`s. Default false. */
  exposeErrors?: boolean;
  /** Receives what the operator must see (see `SocketErrorContext`). Default: one line on stderr. */
  onError?: SocketErrorHandler;
}

/** What {@link MountedApp.stats} returns. */
export interface SocketStats {
  /** Sessions not yet closed (open, or reaping their greenlets). */
  sessions: number;
  /** Live session greenlets (stragglers are no longer counted). */
  greenlets: number;
  /** Running total of greenlets killed because their session ended (stragglers included). */
  reaped: number;
  /** Running total of greenlets that outlived `graceMs` after their session ended. */
  stragglers: number;
  /**
   * Sessions among `sessions` whose connection dropped and that wait for socket.io's
   * connection-state recovery to bring it back. Present only when the server has
   * `connectionStateRecovery` on.
   */
  detached?: number;
}

/** Options of {@link MountedApp.close}. */
export interface CloseOptions {
  /** The grace period for the sessions this close ends. Default: the app's `graceMs`. */
  graceMs?: number;
}

/** What {@link mount} returns. */
export interface MountedApp {
  /**
   * Counts on this node, synchronously.
   * @example
   * ```ts
   * setInterval(() => metrics.gauge("socketio", app.stats()), 10_000).unref();
   * ```
   */
  stats(): SocketStats;
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

function resolveOptions(options: MountOptions | undefined): SessionOptions {
  checkOptions("mount()", options);
  const graceMs = options?.graceMs === undefined ? 5000 : checkDuration("mount()", "options.graceMs", options.graceMs);
  const concurrency =
    options?.concurrency === undefined
      ? undefined
      : checkInteger("mount()", "options.concurrency", options.concurrency, 1, "an integer ≥ 1 or Infinity", true);
  let rateLimit: RateLimit | undefined;
  if (options?.rateLimit !== undefined) {
    const limit: unknown = options.rateLimit;
    if (limit === null || typeof limit !== "object") failArgument("type", "mount()", "options.rateLimit", "an object { intervalCap, interval }", limit);
    const { intervalCap, interval } = limit as RateLimit;
    checkInteger("mount()", "options.rateLimit.intervalCap", intervalCap, 1, "an integer ≥ 1");
    checkDuration("mount()", "options.rateLimit.interval", interval);
    if (interval === 0) failArgument("range", "mount()", "options.rateLimit.interval", "a finite number of milliseconds > 0", interval);
    rateLimit = { intervalCap, interval };
  }
  const exposeErrors = options?.exposeErrors ?? false;
  if (typeof exposeErrors !== "boolean") failArgument("type", "mount()", "options.exposeErrors", "a boolean", exposeErrors);
  const onError = options?.onError ?? defaultSocketErrorHandler;
  if (typeof onError !== "function") failArgument("type", "mount()", "options.onError", "a function", onError);
  const limited = rateLimit !== undefined || (concurrency !== undefined && concurrency !== Infinity);
  return {
    graceMs,
    exposeErrors,
    onError,
    newLimits: limited ? () => new EventLimits(concurrency, rateLimit) : null,
  };
}

class App implements SessionHost, MountedApp {
  readonly counters: Counters = { sessions: 0, greenlets: 0, reaped: 0, stragglers: 0 };
  readonly namespaces = new Map<string | RegExp, Namespace>();
  /** Sessions not done yet (closing ones included, until their hook has run). */
  private readonly live = new Set<Session>();
  private closing: Promise<void> | null = null;
  /** Set by mount() from the server's connectionStateRecovery option. */
  recoveryMs: number | null = null;
  /** Detached sessions by socket id (socket.io keeps the id across a recovery). */
  private readonly detached = new Map<string, Session>();

  constructor(readonly options: SessionOptions) {}

  mount(io: Server, path: string | RegExp, info: ClassInfo): void {
    const nsp = io.of(path);
    if (mounted.has(nsp)) throw new Error(`mount(): namespace ${String(path)} is mounted already`);
    mounted.add(nsp);
    this.namespaces.set(path, nsp);
    nsp.use((_socket, next) => {
      if (this.closing === null) next();
      else next(new Error(SHUTTING_DOWN));
    });
    nsp.on("connection", (socket: Socket) => this.connect(socket, info));
  }

  private connect(socket: Socket, info: ClassInfo): void {
    if (this.closing !== null) {
      // Past the middleware before close(), connected after it: too late for a connect_error.
      socket.disconnect();
      return;
    }
    // socket.io sets `recovered` only for a client that presented the dropped socket's private
    // session id, so the public socket id is a safe key here.
    const dropped = socket.recovered ? this.detached.get(socket.id) : undefined;
    if (dropped !== undefined && dropped.socket.nsp === socket.nsp) {
      dropped.reattach(socket);
      return;
    }
    const session = new Session(this, info, socket);
    this.live.add(session);
    this.counters.sessions++;
    debug("%s %s: session open", socket.nsp.name, socket.id);
    session.start();
  }

  sessionClosed(_session: Session): void {
    this.counters.sessions--;
  }

  sessionDone(session: Session): void {
    this.live.delete(session);
  }

  sessionDetached(session: Session): void {
    this.detached.set(session.socket.id, session);
  }

  sessionDetachEnded(session: Session): void {
    if (this.detached.get(session.socket.id) === session) this.detached.delete(session.socket.id);
  }

  stats(): SocketStats {
    const { sessions, greenlets, reaped, stragglers } = this.counters;
    if (this.recoveryMs === null) return { sessions, greenlets, reaped, stragglers };
    return { sessions, greenlets, reaped, stragglers, detached: this.detached.size };
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

// setTimeout's limit: a longer delay would fire after 1 ms.
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The window of the server's connection-state recovery, in ms; null when it is off. */
function recoveryWindow(io: Server): number | null {
  const recovery = (io as Partial<Server>)._opts?.connectionStateRecovery;
  if (!recovery) return null;
  const argument = "io's connectionStateRecovery.maxDisconnectionDuration";
  const ms = checkDuration("mount()", argument, recovery.maxDisconnectionDuration);
  if (ms > MAX_TIMER_MS) failArgument("range", "mount()", argument, `a number of milliseconds ≤ ${MAX_TIMER_MS}`, ms);
  return ms;
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
 * When the server has `connectionStateRecovery` on, a session whose connection drops in a way
 * socket.io can recover (a transport close or error, a ping timeout) is kept, detached, for the
 * server's `maxDisconnectionDuration`: recovered within it, the same instance goes on over the new
 * socket, its greenlets never stopped; otherwise it ends with the reason `"recovery expired"`.
 *
 * @throws {TypeError|RangeError} at the call when a path, a class (not a BaseNamespace subclass,
 * a malformed `static acl`/`schemas`) or an option is malformed, or when the server's
 * `connectionStateRecovery.maxDisconnectionDuration` is not a number of milliseconds from 0 to
 * 2³¹−1; {@link Error} when a namespace is mounted already.
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
  const resolved = resolveOptions(options);
  const entries = entriesOf(namespaces).map(([path, cls]) => {
    if (typeof path !== "string" && !(path instanceof RegExp)) {
      throw new TypeError(`mount(): expected a namespace path to be a string or a RegExp, got ${describe(path)}`);
    }
    return [path, classInfo("mount()", `namespace ${String(path)}`, cls)] as const;
  });
  if (entries.length === 0) throw new TypeError("mount(): expected at least one namespace, got none");
  const app = new App(resolved);
  app.recoveryMs = recoveryWindow(io);
  for (const [path, info] of entries) app.mount(io, path, info);
  return app;
}
