/**
 * Several nodes over a pub/sub adapter (`@socket.io/redis-adapter`): what keeps a Redis outage
 * from crashing a node or flooding its `onError`, and the cluster-wide view `app.clusterStats()`.
 *
 * **The guard.** The Redis adapter publishes every cross-node send with `pubClient.publish()` and
 * drops the promise. While Redis is down, node-redis rejects the publishes that were in flight
 * (an unhandled rejection: under Node's default mode the process exits) and queues the later
 * ones without bound, to replay them whenever Redis is back. `mount()` therefore hands each adapter
 * of its namespaces a view of its publisher (a Proxy over the user's client, which stays as it
 * was) whose `publish` catches the rejection and, while the client is not ready, sends nothing at
 * all. A send that did not reach Redis is lost for the other nodes (pub/sub has no replay) and is
 * counted in `stats().adapterErrors`; the local members of a room still get it, since the adapter
 * delivers locally after publishing. The same view fails a command (`PUBSUB`, which
 * `fetchSockets()` asks first) at once rather than leaving it queued for the length of the
 * outage. One listener on each client's `"error"` and `"ready"` per client pair (not per send)
 * tells when the link went down and came back: the outage reaches `onError` once per app, and
 * node-redis's own resubscription brings cross-node traffic back by itself.
 *
 * **Who is in the cluster.** Each app subscribes, on the adapter's subscriber connection, to a
 * channel named after its node id. Redis drops that subscription with the connection, so
 * `PUBSUB CHANNELS` lists exactly the nodes that are alive and linked: a node that was killed
 * disappears, one that is alive but does not answer (a blocked event loop) is listed as missing.
 * @module
 */
import type { Namespace } from "socket.io";
import createDebug from "debug";
import { checkSignal } from "../core/cancel.js";
import { checkOptions, checkTimeout } from "../core/validate.js";
import { Waiter, rejectIfAborted } from "../core/waiter.js";
import type { Signal } from "../greenlet.js";

const debug = createDebug("greenthread:socketio:cluster");

/**
 * What an app's `onError` receives (kind `"adapter"`) when the adapter's link to Redis fails:
 * once when the outage starts, not once per send. Sends to other nodes are dropped until the link
 * is back; `cause` is the client's error.
 * @example
 * ```ts
 * mount(io, namespaces, {
 *   onError: (error, context) => {
 *     if (context.kind === "adapter") alerts.page(`socket.io lost Redis: ${(error as Error).message}`);
 *   },
 * });
 * ```
 */
export class AdapterError extends Error {
  override name = "AdapterError";
  constructor(
    message: string,
    /** The server the adapter's client talks to (`redis://host:port`), when the client says. */
    readonly url: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The part of a Redis client (node-redis 4, or ioredis) the guard uses. */
interface RedisLike {
  publish(channel: string, message: unknown): Promise<unknown>;
  on(event: string, listener: (...args: any[]) => void): unknown;
  off?(event: string, listener: (...args: any[]) => void): unknown;
  removeListener?(event: string, listener: (...args: any[]) => void): unknown;
  subscribe?(channel: string, listener?: (...args: any[]) => void): Promise<unknown>;
  unsubscribe?(channel: string, listener?: (...args: any[]) => void): Promise<unknown>;
  sendCommand?(args: string[], options?: unknown): Promise<unknown>;
  isReady?: boolean;
  status?: string;
  options?: { url?: string; host?: string; port?: number };
}

/** What a guard tells the apps that use its clients. */
export interface AdapterObserver {
  /** One send (or command) did not reach Redis. */
  adapterSendFailed(): void;
  /** The link went down; called once per outage. */
  adapterDown(error: AdapterError): void;
  /** The link is back: both clients are ready again. */
  adapterUp(): void;
}

// Sends dropped at once because the publisher was not ready: a room send compares this count
// before and after it hands the packet to the adapter, to return false for a send that did not
// leave this node.
let droppedAtOnce = 0;

/** @internal How many sends a guard has dropped at once so far (see above). */
export function droppedSends(): number {
  return droppedAtOnce;
}

function isReady(client: RedisLike): boolean {
  if (typeof client.isReady === "boolean") return client.isReady;
  return client.status === undefined || client.status === "ready";
}

function urlOf(client: RedisLike): string | undefined {
  const options = client.options;
  if (options === undefined || options === null) return undefined;
  if (typeof options.url === "string") return options.url;
  if (typeof options.host === "string") return `redis://${options.host}:${String(options.port ?? 6379)}`;
  return undefined;
}

function removeListener(client: RedisLike, event: string, listener: (...args: any[]) => void): void {
  if (typeof client.off === "function") client.off(event, listener);
  else client.removeListener?.(event, listener);
}

/** One publisher/subscriber pair's health, shared by every adapter and app that uses it. */
class LinkGuard {
  down = false;
  readonly observers = new Set<AdapterObserver>();
  private readonly onFailure = (error: unknown) => this.failed(error);
  private readonly onReady = () => this.maybeUp();

  constructor(
    readonly pub: RedisLike,
    readonly sub: RedisLike,
  ) {
    for (const client of new Set([pub, sub])) {
      client.on("error", this.onFailure);
      client.on("ready", this.onReady);
    }
  }

  get url(): string | undefined {
    return urlOf(this.pub);
  }

  failed(cause: unknown): void {
    if (this.down) return;
    this.down = true;
    const reason = cause instanceof Error ? cause.message : String(cause);
    const url = this.url;
    const error = new AdapterError(
      `the socket.io adapter lost its Redis connection${url === undefined ? "" : ` (${url})`}: ${reason}; sends to other nodes are dropped until it is back`,
      url,
      { cause },
    );
    debug("link down: %s", reason);
    for (const observer of this.observers) observer.adapterDown(error);
  }

  maybeUp(): void {
    if (!this.down || !isReady(this.pub) || !isReady(this.sub)) return;
    this.down = false;
    debug("link up");
    for (const observer of this.observers) observer.adapterUp();
  }

  /** Stops listening once no app uses this pair any more. */
  release(observer: AdapterObserver): void {
    this.observers.delete(observer);
    if (this.observers.size > 0) return;
    guards.delete(this.pub);
    for (const client of new Set([this.pub, this.sub])) {
      removeListener(client, "error", this.onFailure);
      removeListener(client, "ready", this.onReady);
    }
  }

  /** `pub.publish()` that never rejects, and sends nothing while the publisher is not ready. */
  publish(observer: AdapterObserver, channel: string, message: unknown): Promise<unknown> {
    if (!isReady(this.pub)) {
      droppedAtOnce++;
      observer.adapterSendFailed();
      this.failed(new Error("the publisher is not connected"));
      return Promise.resolve(0);
    }
    return this.pub.publish(channel, message).then(
      (result) => {
        if (this.down) this.maybeUp();
        return result;
      },
      (error: unknown) => {
        observer.adapterSendFailed();
        this.failed(error);
        return 0;
      },
    );
  }

  /** `pub.sendCommand()` that fails at once while the publisher is not ready (it rejects: its callers await it). */
  command(observer: AdapterObserver, args: string[], options?: unknown): Promise<unknown> {
    if (!isReady(this.pub)) {
      observer.adapterSendFailed();
      const url = this.url;
      return Promise.reject(new AdapterError(`no connection to Redis${url === undefined ? "" : ` (${url})`}: ${args.slice(0, 2).join(" ")} not sent`, url));
    }
    return this.pub.sendCommand!(args, options);
  }
}

const guards = new WeakMap<RedisLike, LinkGuard>();

/** The publisher seen through `guard`, charging `observer` for what fails; every other member is the client's own. */
function guardedView(guard: LinkGuard, observer: AdapterObserver): RedisLike {
  const pub = guard.pub;
  const bound = new Map<PropertyKey, [original: unknown, bound: unknown]>();
  const publish = (channel: string, message: unknown) => guard.publish(observer, channel, message);
  const sendCommand = (args: string[], options?: unknown) => guard.command(observer, args, options);
  return new Proxy(pub, {
    get(target, property) {
      if (property === "publish") return publish;
      if (property === "sendCommand" && typeof target.sendCommand === "function") return sendCommand;
      const value: unknown = Reflect.get(target, property, target);
      // node-redis keeps its state in private fields: its methods must run with the client as `this`.
      if (typeof value !== "function" || property === "constructor") return value;
      const cached = bound.get(property);
      if (cached !== undefined && cached[0] === value) return cached[1];
      const fn = (value as (...args: unknown[]) => unknown).bind(target);
      bound.set(property, [value, fn]);
      return fn;
    },
  });
}

/** What a pub/sub adapter such as `@socket.io/redis-adapter`'s exposes. */
interface PubSubAdapter {
  pubClient: RedisLike;
  subClient: RedisLike;
}

function isPubSubAdapter(adapter: unknown): adapter is PubSubAdapter {
  const a = adapter as Partial<PubSubAdapter> | null;
  return (
    a !== null &&
    typeof a === "object" &&
    typeof a.pubClient?.publish === "function" &&
    typeof a.pubClient.on === "function" &&
    typeof a.subClient?.on === "function"
  );
}

// Adapters whose publisher is guarded already (by any app): guarding twice would nest the views.
const guardedAdapters = new WeakMap<object, LinkGuard>();

/**
 * Guards the adapter of `nsp` when it is a pub/sub adapter (see the module notes), charging
 * `observer` for its failed sends; returns the guard of its client pair, or null for an adapter
 * of another kind (the in-memory one), which is left as it is.
 */
export function guardAdapter(nsp: Namespace, observer: AdapterObserver): LinkGuard | null {
  const adapter: unknown = nsp.adapter;
  if (!isPubSubAdapter(adapter)) return null;
  const known = guardedAdapters.get(adapter);
  if (known !== undefined) {
    known.observers.add(observer);
    return known;
  }
  const pub = adapter.pubClient;
  let guard = guards.get(pub);
  if (guard === undefined) {
    guard = new LinkGuard(pub, adapter.subClient);
    guards.set(pub, guard);
  }
  guard.observers.add(observer);
  adapter.pubClient = guardedView(guard, observer);
  guardedAdapters.set(adapter, guard);
  return guard;
}

/** What `app.clusterStats()` returns. */
export interface ClusterStats<S extends object = Record<string, number>> {
  /** The id of the node that asked. */
  self: string;
  /** Each node's `stats()` that answered in time, by node id, this node's included. */
  nodes: Record<string, S>;
  /** The sum of each count over `nodes`. */
  totals: S;
  /** Nodes linked to Redis that did not answer in time, by id, sorted. */
  missing: string[];
}

/** Options of `app.clusterStats()`. */
export interface ClusterStatsOptions {
  /** Milliseconds to wait for the other nodes' answers; then the call resolves with those that came. Default 2000. */
  timeout?: number;
  /** Aborts the wait with `signal.reason`. Inside a greenlet, pass the greenlet. */
  signal?: Signal;
}

const REQUEST = "greenthread:stats-request";
const REPLY = "greenthread:stats-reply";
const PRESENCE = "greenthread-node#";
const DEFAULT_TIMEOUT_MS = 2000;

interface Asking<S extends object> {
  id: string;
  expected: Set<string>;
  nodes: Record<string, S>;
  waiter: Waiter<ClusterStats<S>>;
}

function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, "\\$&");
}

function sum<S extends object>(nodes: Record<string, S>): S {
  const totals: Record<string, number> = {};
  for (const stats of Object.values(nodes)) {
    for (const [key, value] of Object.entries(stats as Record<string, unknown>)) if (typeof value === "number") totals[key] = (totals[key] ?? 0) + value;
  }
  return totals as unknown as S;
}

/**
 * One app's place in the cluster: its presence subscription and the stats exchange, over the
 * server-side events of one of its namespaces.
 */
export class ClusterLink<S extends object> {
  private readonly channel: string;
  private readonly pending = new Map<string, Asking<S>>();
  private seq = 0;
  private closed = false;
  private readonly onRequest = (request: unknown) => this.answer(request);
  private readonly onReply = (reply: unknown) => this.received(reply);
  private readonly presence = () => {};

  constructor(
    private readonly nsp: Namespace,
    private readonly guard: LinkGuard,
    readonly nodeId: string,
    private readonly local: () => S,
    private readonly observer: AdapterObserver,
    private readonly onFailure: (error: unknown) => void,
  ) {
    this.channel = `${PRESENCE}${nsp.name}#${nodeId}`;
    nsp.on(REQUEST, this.onRequest);
    nsp.on(REPLY, this.onReply);
    const sub = guard.sub;
    if (typeof sub.subscribe === "function") {
      sub.subscribe(this.channel, this.presence).catch((error: unknown) => this.onFailure(error));
    }
  }

  /** The ids of the nodes whose presence Redis holds, this one included. */
  private async members(): Promise<string[]> {
    const prefix = `${PRESENCE}${this.nsp.name}#`;
    const reply = await this.guard.command(this.observer, ["PUBSUB", "CHANNELS", `${globEscape(prefix)}*`]);
    return (reply as string[]).map((channel) => String(channel).slice(prefix.length));
  }

  stats(options: ClusterStatsOptions | undefined): Promise<ClusterStats<S>> {
    const call = "MountedApp.clusterStats()";
    checkOptions(call, options);
    const timeout = checkTimeout(call, options?.timeout) ?? (options?.timeout === Infinity ? undefined : DEFAULT_TIMEOUT_MS);
    const signal = checkSignal(call, options?.signal);
    const aborted = rejectIfAborted(signal);
    if (aborted !== undefined) return aborted;
    const asking: Asking<S> = {
      id: `${this.nodeId}#${++this.seq}`,
      expected: new Set(),
      nodes: { [this.nodeId]: this.local() },
      waiter: new Waiter<ClusterStats<S>>((waiter) => waiter.resolve(this.result(waiter.item as Asking<S>))),
    };
    asking.waiter.item = asking;
    asking.waiter.arm(timeout, signal);
    if (this.closed) {
      asking.waiter.resolve(this.result(asking));
      return asking.waiter.promise;
    }
    this.pending.set(asking.id, asking);
    const settled = () => this.pending.delete(asking.id);
    asking.waiter.promise.then(settled, settled);
    this.members().then(
      (members) => {
        for (const id of members) if (id !== this.nodeId && !(id in asking.nodes)) asking.expected.add(id);
        if (asking.expected.size === 0) return void asking.waiter.resolve(this.result(asking));
        this.nsp.serverSideEmit(REQUEST, { id: asking.id, from: this.nodeId });
      },
      // Without Redis nobody else can be asked: this node's own stats are the answer.
      () => asking.waiter.resolve(this.result(asking)),
    );
    return asking.waiter.promise;
  }

  private result(asking: Asking<S>): ClusterStats<S> {
    const missing = [...asking.expected].filter((id) => !(id in asking.nodes)).sort();
    return { self: this.nodeId, nodes: { ...asking.nodes }, totals: sum(asking.nodes), missing };
  }

  private answer(request: unknown): void {
    if (this.closed) return;
    const { id, from } = (request ?? {}) as { id?: unknown; from?: unknown };
    if (typeof id !== "string" || typeof from !== "string") return;
    this.nsp.serverSideEmit(REPLY, { id, to: from, node: this.nodeId, stats: this.local() });
  }

  private received(reply: unknown): void {
    const { id, to, node, stats } = (reply ?? {}) as { id?: unknown; to?: unknown; node?: unknown; stats?: unknown };
    if (to !== this.nodeId || typeof id !== "string" || typeof node !== "string" || stats === null || typeof stats !== "object") return;
    const asking = this.pending.get(id);
    if (asking === undefined) return;
    asking.nodes[node] = stats as S;
    asking.expected.add(node);
    for (const expected of asking.expected) if (!(expected in asking.nodes)) return;
    asking.waiter.resolve(this.result(asking));
  }

  /** Leaves the cluster: no more answers, the presence subscription dropped, pending asks resolved with what came. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.nsp.off(REQUEST, this.onRequest);
    this.nsp.off(REPLY, this.onReply);
    for (const asking of [...this.pending.values()]) asking.waiter.resolve(this.result(asking));
    const sub = this.guard.sub;
    if (typeof sub.unsubscribe === "function" && isReady(sub)) {
      sub.unsubscribe(this.channel, this.presence).catch((error: unknown) => this.onFailure(error));
    }
  }
}
