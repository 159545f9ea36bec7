/**
 * `mount()`: puts namespace classes on a socket.io server and returns the app that counts and
 * closes their sessions, and owns the greenlets it runs itself (`app.spawn`).
 * @module
 */
import { describeOwner } from "../core/instrument.js";
import type { Namespace, Server, Socket } from "socket.io";
import createDebug from "debug";
import { getClock } from "../core/clock.js";
import { checkSignal } from "../core/cancel.js";
import { rejectIfAborted } from "../core/waiter.js";
import { checkDuration, checkFunction, checkOptions, checkTimeout, describe, failArgument } from "../core/validate.js";
import type { Greenlet, GreenletFunction } from "../greenlet.js";
import { classInfo, type ClassInfo } from "./classinfo.js";
import { ClusterLink, guardAdapter, type AdapterError, type AdapterObserver, type ClusterStats, type ClusterStatsOptions } from "./cluster.js";
import { StragglerError } from "./errors.js";
import { GreenletOwner, type Counters, type OwnerEvents } from "./greenlets.js";
import type { NamespaceClass } from "./namespace.js";
import { checkMountOptions, sessionOptions, type AppSettings, type MountOptions, type SessionOptions } from "./options.js";
import { callErrorHandler } from "./report.js";
import { Session, type SessionHost } from "./session.js";

const debug = createDebug("greenthread:socketio");

/**
 * The reason sessions end with when `app.close()` ends them, and the message of the
 * `connect_error` a client gets once the app is closing (unless it closes with `reconnect: true`,
 * which closes the connection instead): `"server shutting down"`.
 * @example
 * ```ts
 * socket.on("connect_error", (error) => { if (error.message === SHUTTING_DOWN) retryElsewhere(); });
 * ```
 */
export const SHUTTING_DOWN = "server shutting down";

export type { MountOptions, ClusterStats, ClusterStatsOptions };

/**
 * What {@link MountedApp.stats} returns: the app's counts on this node, or one mounted namespace's.
 * The app's own greenlets ({@link MountedApp.spawn}) count in the app's totals alongside its
 * sessions' greenlets (in no namespace's); {@link MountedApp.greenlets} tells them apart.
 */
export interface SocketStats {
  /** Sessions not yet closed (open, or reaping their greenlets). */
  sessions: number;
  /** Live greenlets of the sessions and of the app itself (stragglers are no longer counted). */
  greenlets: number;
  /** Running total of greenlets killed because their session ended or the app closed (stragglers included). */
  reaped: number;
  /** Running total of greenlets that outlived `graceMs` after their session ended or the app closed. */
  stragglers: number;
  /**
   * Sessions among `sessions` whose connection dropped and that wait for socket.io's
   * connection-state recovery to bring it back. Present only when the server has
   * `connectionStateRecovery` on.
   */
  detached?: number;
  /**
   * Running total of sends to other nodes that never reached the adapter's Redis (dropped while
   * the link was down, or failed in flight): their local recipients got them, the other nodes did
   * not, and nothing replays them. Present only when a mounted namespace uses a pub/sub adapter
   * such as `@socket.io/redis-adapter`.
   */
  adapterErrors?: number;
}

/** Options of {@link MountedApp.close}. */
export interface CloseOptions {
  /** The grace period for the sessions this close ends, and then for the app's own greenlets. Default: the app's `graceMs`. */
  graceMs?: number;
  /**
   * Close each client's connection as a server going away does, so that socket.io-client
   * reconnects by itself (it sees `"transport close"`) to whatever serves the URL next; and, while
   * the app is closed, turn new connections away the same way rather than with the final
   * `connect_error`. For restarts. Closing a connection ends every namespace on it, the app's or
   * not. Default false: the client hears `"io server disconnect"` and stays disconnected.
   */
  reconnect?: boolean;
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
   * Starts `fn(g, ...args)` as a greenlet owned by the app rather than by a session: a shared
   * producer, a cache refresher. A failure nobody observes goes to `onError` (kind `"greenlet"`,
   * no `namespace` or `sessionId`). `close()` kills it with `GreenletExit("server shutting down")`
   * once the sessions are done, and waits up to `graceMs` for its cleanup; one still running then
   * is a straggler, reported and counted. Once `close()` has been called, returns a greenlet that
   * is already dead (its function never runs).
   * @throws {TypeError} when `fn` is not a function.
   * @example
   * ```ts
   * app.spawn(async (g) => {
   *   for (;;) {
   *     topic.publish(await readSensor());
   *     await sleep(100, { signal: g });
   *   }
   * });
   * ```
   */
  spawn<A extends unknown[], T>(fn: GreenletFunction<A, T>, ...args: A): Greenlet<Awaited<T>>;
  /** The app's own live greenlets (from {@link spawn}; not its sessions'): a read-only live view. */
  readonly greenlets: ReadonlySet<Greenlet<unknown>>;
  /**
   * Refuses new sessions, disconnects every session with the reason "server shutting down", then
   * kills the app's own greenlets, and resolves once all is done (session greenlets reaped,
   * `disconnected` hooks run, app greenlets dead or stragglers). Never rejects; a second call
   * returns the same promise (its options are checked, then ignored). The socket.io server and
   * the HTTP server stay the caller's to close.
   *
   * By default a client hears `"io server disconnect"` and a new connection gets `connect_error`
   * "server shutting down": socket.io-client retries neither. With `reconnect: true` each client's
   * connection is closed instead (the client hears `"transport close"`), new connections are
   * closed the same way, and socket.io-client keeps reconnecting with its backoff until a server
   * answers on the URL again: the way to restart. Closing a connection ends every namespace it
   * carries, also namespaces this app did not mount.
   * @throws {TypeError|RangeError} when `graceMs` or `reconnect` is malformed.
   * @example
   * ```ts
   * process.once("SIGTERM", async () => {
   *   await app.close({ graceMs: 2000, reconnect: true });
   *   await io.close();
   * });
   * ```
   */
  close(options?: CloseOptions): Promise<void>;
  /** The socket.io namespaces mounted, by the path given (the parent namespace for a RegExp): add `use()` middleware here. */
  readonly namespaces: ReadonlyMap<string | RegExp, Namespace>;
  /** This node's id in `clusterStats()` (`mount()`'s `nodeId`, default `<hostname>-<pid>`). */
  readonly nodeId: string;
  /**
   * Every node's {@link stats}, asked through the adapter: each node that mounted this app on the
   * same namespaces answers with its own counts. Resolves once every node linked to Redis has
   * answered, or at `timeout` (default 2000 ms) with the answers that came and the silent nodes
   * listed in `missing`; it never waits longer. Rejects only with `signal.reason` on abort. A
   * node that died (its Redis connection closed) is not listed at all. Without a pub/sub adapter,
   * or while Redis is down, the answer is this node's own counts alone. The app's first string
   * path carries the exchange, so an app of RegExp paths only answers for itself.
   * @throws {TypeError|RangeError} when the options are malformed.
   * @example
   * ```ts
   * const { nodes, totals, missing } = await app.clusterStats({ timeout: 500 });
   * console.log(`${totals.sessions} sessions on ${Object.keys(nodes).length} nodes`, missing);
   * ```
   */
  clusterStats(options?: ClusterStatsOptions): Promise<ClusterStats<SocketStats>>;
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

class App implements SessionHost, MountedApp, OwnerEvents, AdapterObserver {
  /** Counts by mounted path; the app's totals are their sums plus the app's own greenlets. */
  private readonly counters = new Map<string, Counters>();
  /** The counts of the app's own greenlets (sessions is always 0). */
  private readonly own: Counters = { sessions: 0, greenlets: 0, reaped: 0, stragglers: 0 };
  readonly namespaces = new Map<string | RegExp, Namespace>();
  /** Sessions not done yet (closing ones included, until their hook has run). */
  private readonly live = new Set<Session>();
  /** The app's own greenlets; they share the counters, so stats() counts them with the sessions'. */
  private readonly owner = new GreenletOwner(this.own, this);

  /** @internal How run-info and reports name the app's own greenlets' owner. */
  [describeOwner](): string {
    return "app";
  }
  private closing: Promise<void> | null = null;
  /** Set by close({ reconnect: true }): turn connections away by closing their transport. */
  private reconnect = false;
  /** Set by mount() from the server's connectionStateRecovery option. */
  recoveryMs: number | null = null;
  /** Detached sessions by socket id (socket.io keeps the id across a recovery). */
  private readonly detached = new Map<string, Session>();
  /** The guards of the pub/sub adapters of the mounted namespaces (none with the in-memory adapter). */
  private readonly guards = new Set<NonNullable<ReturnType<typeof guardAdapter>>>();
  private adapterErrors = 0;
  /** The stats exchange with the other nodes; null without a pub/sub adapter on a string path. */
  private cluster: ClusterLink<SocketStats> | null = null;

  constructor(readonly options: AppSettings) {}

  get nodeId(): string {
    return this.options.nodeId;
  }

  /** Guards the adapter of `nsp` (see cluster.ts); the first string path's also carries the stats exchange. */
  private watch(nsp: Namespace, path: string | RegExp): void {
    const guard = guardAdapter(nsp, this);
    if (guard === null) return;
    this.guards.add(guard);
    if (this.cluster !== null || typeof path !== "string") return;
    this.cluster = new ClusterLink<SocketStats>(nsp, guard, this.options.nodeId, () => this.stats(), this, (error) =>
      callErrorHandler(this.options.onError, error, { kind: "adapter", namespace: nsp.name }),
    );
  }

  /** AdapterObserver: a send to the other nodes did not reach Redis. */
  adapterSendFailed(): void {
    this.adapterErrors++;
  }

  /** AdapterObserver: the link to Redis went down (once per outage). */
  adapterDown(error: AdapterError): void {
    callErrorHandler(this.options.onError, error, { kind: "adapter" });
  }

  /** AdapterObserver: the link is back. */
  adapterUp(): void {
    debug("adapter link back after %d failed sends in all", this.adapterErrors);
  }

  mount(io: Server, path: string | RegExp, info: ClassInfo): void {
    const nsp = io.of(path);
    if (mounted.has(nsp)) throw new Error(`mount(): namespace ${String(path)} is mounted already`);
    mounted.add(nsp);
    this.namespaces.set(path, nsp);
    const options = sessionOptions(this.options, info.settings, info.rateLimits);
    const counters: Counters = { sessions: 0, greenlets: 0, reaped: 0, stragglers: 0 };
    this.counters.set(String(path), counters);
    this.watch(nsp, path);
    nsp.use((socket, next) => {
      if (this.closing === null) return next();
      if (!this.reconnect) return next(new Error(SHUTTING_DOWN));
      // A connect_error is final for socket.io-client; a closed transport makes it try again. With
      // the connection closed, socket.io drops the refused socket without sending the error. Not
      // when the connection carries namespaces still served (another app on this server): closing
      // it would cut those off and loop the client through reconnects for good. The check waits a
      // turn, since a namespace connecting in the same packet batch is added a tick later.
      getClock().yieldTurn(() => {
        if (!carriesOtherNamespaces(socket)) socket.conn.close();
        next(new Error(SHUTTING_DOWN));
      });
    });
    // A RegExp's child namespaces are created, each with its own adapter, as clients reach them.
    const dynamic = path instanceof RegExp;
    nsp.on("connection", (socket: Socket) => {
      if (dynamic) this.watch(socket.nsp, path);
      this.connect(socket, info, options, counters);
    });
  }

  private connect(socket: Socket, info: ClassInfo, options: SessionOptions, counters: Counters): void {
    if (this.closing !== null) {
      // Past the middleware before close(), connected after it: too late for a connect_error.
      if (this.reconnect) socket.conn.close();
      else socket.disconnect();
      return;
    }
    // socket.io sets `recovered` only for a client that presented the dropped socket's private
    // session id, so the public socket id is a safe key here.
    const dropped = socket.recovered ? this.detached.get(socket.id) : undefined;
    if (dropped !== undefined && dropped.socket.nsp === socket.nsp) {
      dropped.reattach(socket);
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

  sessionDetached(session: Session): void {
    this.detached.set(session.socket.id, session);
  }

  sessionDetachEnded(session: Session): void {
    if (this.detached.get(session.socket.id) === session) this.detached.delete(session.socket.id);
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
    for (const counters of [this.own, ...this.counters.values()]) {
      total.sessions += counters.sessions;
      total.greenlets += counters.greenlets;
      total.reaped += counters.reaped;
      total.stragglers += counters.stragglers;
    }
    if (this.guards.size > 0) total.adapterErrors = this.adapterErrors;
    if (this.recoveryMs !== null) total.detached = this.detached.size;
    return total;
  }

  clusterStats(options?: ClusterStatsOptions): Promise<ClusterStats<SocketStats>> {
    if (this.cluster !== null) return this.cluster.stats(options);
    const call = "MountedApp.clusterStats()";
    checkOptions(call, options);
    checkTimeout(call, options?.timeout);
    const aborted = rejectIfAborted(checkSignal(call, options?.signal));
    if (aborted !== undefined) return aborted;
    const stats = this.stats();
    return Promise.resolve({ self: this.nodeId, nodes: { [this.nodeId]: stats }, totals: { ...stats }, missing: [] });
  }

  namespaceStats(): Record<string, SocketStats> {
    const byPath: Record<string, SocketStats> = {};
    for (const [path, counters] of this.counters) byPath[path] = { ...counters };
    return byPath;
  }

  get greenlets(): ReadonlySet<Greenlet<unknown>> {
    return this.owner.live;
  }

  spawn<A extends unknown[], T>(fn: GreenletFunction<A, T>, ...args: A): Greenlet<Awaited<T>> {
    checkFunction("MountedApp.spawn()", "fn", fn);
    const g = this.closing === null ? this.owner.spawn(fn, args) : this.owner.spawnDead(fn, args, SHUTTING_DOWN);
    return g as Greenlet<Awaited<T>>;
  }

  /** OwnerEvents: an app greenlet failed and nobody else observed it. */
  failed(g: Greenlet<unknown>, error: unknown): void {
    callErrorHandler(this.options.onError, error, { kind: "greenlet", greenlet: g });
  }

  /** OwnerEvents: an app greenlet outlived the grace period after close(). */
  straggled(g: Greenlet<unknown>, graceMs: number, reason: string): void {
    const error = new StragglerError(g.name, graceMs, reason);
    // StragglerError words it for a session's greenlet; V8 builds the stack text from the message
    // on first read, so the stack shows this wording too.
    error.message = `greenlet ${g.name} still running ${graceMs} ms after the app closed (${reason}); it ignores its signal`;
    callErrorHandler(this.options.onError, error, { kind: "straggler", greenlet: g });
  }

  close(options?: CloseOptions): Promise<void> {
    checkOptions("MountedApp.close()", options);
    const graceMs = options?.graceMs === undefined ? this.options.graceMs : checkDuration("MountedApp.close()", "options.graceMs", options.graceMs);
    const reconnect = options?.reconnect ?? false;
    if (typeof reconnect !== "boolean") failArgument("type", "MountedApp.close()", "options.reconnect", "a boolean", reconnect);
    if (this.closing !== null) return this.closing;
    debug("closing %d sessions%s", this.live.size, reconnect ? ", clients to reconnect" : "");
    this.reconnect = reconnect;
    let resolve!: () => void;
    this.closing = new Promise<void>((r) => (resolve = r));
    const sessions = [...this.live];
    // Closing one connection ends every session on it at once, so each session learns its reason
    // before the first connection closes.
    if (reconnect) for (const session of sessions) session.endWith(SHUTTING_DOWN, graceMs);
    for (const session of sessions) session.shutdown(SHUTTING_DOWN, graceMs, reconnect);
    // Sessions first: their disconnected() hooks may still use what the app's greenlets provide.
    void Promise.all(sessions.map((session) => session.done))
      .then(() => this.owner.reap(SHUTTING_DOWN, graceMs))
      .then(() => {
        this.cluster?.close();
        for (const guard of this.guards) guard.release(this);
        resolve();
      });
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

/** True when the client connection of `socket` has sockets connected to other namespaces. */
function carriesOtherNamespaces(socket: Socket): boolean {
  // socket.io's Client keeps its connected namespaces in `nsps`, not typed as public.
  const nsps = (socket.client as unknown as { nsps?: Map<string, unknown> }).nsps;
  return nsps !== undefined && [...nsps.keys()].some((name) => name !== socket.nsp.name);
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
  const resolved = checkMountOptions(options);
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
