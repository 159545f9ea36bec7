/**
 * BaseNamespace: the class an application extends, one instance per session (client × namespace).
 * Its methods are a thin face over the session (`session.ts`), which owns the state.
 * @module
 */
import type { StandardSchemaV1 } from "@standard-schema/spec";
import type { Socket } from "socket.io";
import type { Greenlet, GreenletFunction, Signal } from "../greenlet.js";
import type { RateLimit } from "./limits.js";
import type { ClassSettings } from "./options.js";
import type { RecvOptions } from "./recv.js";
import type { Session } from "./session.js";
import { Targets, fetchSessions, type SessionInfo, type SessionsInOptions } from "./targets.js";
import type { AckArgs, CallArgs, CallEvents, DefaultEventsMap, EventArgs, EventNames, EventsMap, FirstAckArg, Received } from "./types.js";

/** Options of {@link BaseNamespace.call}. */
export interface CallOptions {
  /** Milliseconds to wait for the client's ack; then the call rejects with `TimeoutError`. */
  timeout?: number;
  /** Aborts the wait with `signal.reason`. Inside a session greenlet, pass the greenlet. */
  signal?: Signal;
  /**
   * Resolve with the array of every ack argument instead of the first one. Default: `false`.
   */
  all?: boolean;
}

/** Options of {@link BaseNamespace.killAll}. */
export interface KillAllOptions {
  /** What the greenlets are killed with. Default: a new `GreenletExit`. */
  exception?: unknown;
  /** Milliseconds to wait for them to die; the call resolves quietly when it expires. */
  timeout?: number;
  /** Kill only the greenlets for which it returns a truthy value; called once for each live one. */
  filter?: (g: Greenlet<unknown>) => boolean;
  /** Greenlets to spare, by handle or by name (`g.name`): they stay running. */
  except?: Iterable<Greenlet<unknown> | string>;
}

// `call(event)` may leave out `args` only when the event takes none.
type CallRest<A, O> = [] extends A ? [args?: Readonly<A>, options?: O] : [args: Readonly<A>, options?: O];

// The session an instance is being constructed for. Handing it over this way keeps the public
// constructor argument-free, so subclasses need no constructor boilerplate.
let constructing: Session | undefined;

/** @internal Constructs `cls` for `session`. */
export function construct<N extends BaseNamespace<any, any, any>>(cls: new () => N, session: Session): N {
  constructing = session;
  try {
    return new cls();
  } finally {
    constructing = undefined;
  }
}

/**
 * The base of every socket.io namespace class mounted with `mount()`: one instance per session,
 * so fields are per-session state.
 *
 * A client event `"user message"` (or `"user_message"`, `"user-message"`, `"userMessage"`) runs
 * the method `onUserMessage(...args)`; its return value (awaited) is the ack (`ack(a, b)` for
 * several ack arguments). Only `on[A-Z]…` methods defined by subclasses are reachable. Long work
 * goes into {@link spawn}: those greenlets belong to the session and are killed when it ends.
 *
 * A second style pulls events instead: a class that defines `main(g)` gets it run as a session
 * greenlet, and the events no `on…` handler answers wait for it to take them with
 * {@link recv} (see {@link main}).
 *
 * The type parameters are optional: `Data` types {@link data}; `ClientEvents` and `ServerEvents`
 * are event maps in socket.io's style (`{ point: (t: number, v: number) => void }`) for what the
 * client sends and what the server sends. `ServerEvents` checks {@link emit}, the room sends and
 * {@link call}; `ClientEvents` checks the handlers through `implements Handlers<ClientEvents>`.
 * The defaults are untyped: any name, any arguments.
 *
 * Instances are created by the layer: constructing one directly throws.
 *
 * @example
 * ```ts
 * class ChatNamespace extends BaseNamespace {
 *   static acl = ["login"];
 *   private user = "";
 *   async onLogin(name: string) {
 *     this.user = name;
 *     this.liftAcl();
 *     await this.join("lobby");
 *     return "welcome";
 *   }
 *   onUserMessage(text: string) {
 *     this.emitToRoom("lobby", "message", this.user, text);
 *   }
 * }
 * mount(io, { "/chat": ChatNamespace });
 * ```
 * @example Pulling events in main(g)
 * ```ts
 * class Echo extends BaseNamespace {
 *   override async main(g: Greenlet<unknown>) {
 *     for (;;) {
 *       const received = await this.recv({ signal: g }); // rejects with the GreenletExit once the session ends
 *       const [event, ...args] = received;
 *       received.ack?.(event, ...args);
 *     }
 *   }
 * }
 * ```
 * @example Typed events
 * ```ts
 * interface ClientEvents { "user message": (text: string) => void }
 * interface ServerEvents { message: (from: string, text: string) => void }
 * class Chat extends BaseNamespace<{ user: string }, ClientEvents, ServerEvents> implements Handlers<ClientEvents> {
 *   onUserMessage(text: string) {
 *     this.to("lobby").emit("message", this.data.user, text); // checked against ServerEvents
 *   }
 * }
 * ```
 */
export class BaseNamespace<Data = any, ClientEvents extends EventsMap = DefaultEventsMap, ServerEvents extends EventsMap = DefaultEventsMap> {
  /**
   * The initial allow-list of events (normalised like dispatch). Absent: every event allowed.
   * Change it per session with {@link allow}, {@link deny}, {@link resetAcl}, {@link liftAcl}.
   */
  static acl?: readonly string[];
  /**
   * A Standard Schema per event name (normalised like dispatch), validating the array of
   * arguments; the handler receives the validated output, spread. Checked at `mount()`.
   */
  static schemas?: Readonly<Record<string, StandardSchemaV1>>;
  /**
   * Exact client event names mapped to handler methods, for names the rule does not cover or
   * should not: `{ "chat/message": "onChatMessage" }`. Each value must be an `on…` method of the
   * class (checked at `mount()`); names not in the table follow the rule.
   */
  static events?: Readonly<Record<string, string>>;
  /** Per-event rate limits of each session, by event name: `{ "chat:message": { intervalCap: 5, interval: 1000 } }`. */
  static rateLimits?: Readonly<Record<string, RateLimit>>;
  /** This class's `graceMs` (overrides `mount()`'s). */
  static graceMs?: number;
  /** This class's per-session `concurrency` (overrides `mount()`'s). */
  static concurrency?: number;
  /** This class's per-session `rateLimit` over all events (overrides `mount()`'s). */
  static rateLimit?: RateLimit;
  /** This class's `handlerTimeout` (overrides `mount()`'s). */
  static handlerTimeout?: number;
  /** This class's `maxQueued` (overrides `mount()`'s). */
  static maxQueued?: number;

  readonly #session: Session;

  /** @throws {TypeError} when called outside the layer: instances are created by `mount()`. */
  constructor() {
    const session = constructing;
    constructing = undefined;
    if (session === undefined) {
      throw new TypeError(`new ${new.target.name}(): namespace instances are created by mount(), one per session`);
    }
    this.#session = session;
  }

  /**
   * The socket.io socket of this session. When socket.io's connection-state recovery brings a
   * dropped connection back, this is the new socket (same `id`); while the session waits for that,
   * it is the dropped one.
   */
  get socket(): Socket {
    return this.#session.socket;
  }

  /** `socket.data`: per-socket data that `fetchSockets()` sees across nodes. */
  get data(): Data {
    return this.#session.socket.data as Data;
  }

  /** The namespace's name, e.g. `/job-7` for a namespace mounted by a RegExp. */
  get name(): string {
    return this.#session.namespace;
  }

  /**
   * True from the connection until the session ends (then `emit` and `call` to this client are
   * no-ops; room sends still work); also false while a dropped connection waits for socket.io's
   * connection-state recovery, true again once recovered.
   */
  get connected(): boolean {
    return this.#session.connected;
  }

  /**
   * Runs once per session, before any event handler. May be async: events that arrive meanwhile
   * wait and are dispatched in arrival order once it resolves. If it throws, the client gets an
   * error report (`event: "initialize"`) and the session is disconnected. Default: nothing.
   */
  initialize(): void | Promise<void> {}

  /**
   * Define it to write the session as one sequential loop: `main(g)` runs as a greenlet of the
   * session (its name is `<Class>.main`) once `initialize()` has resolved, and takes the events
   * no `on…` handler answers with `await this.recv({ signal: g })`. Those events pass the usual
   * checks first (name, ACL, rate limit, schema); they wait in a FIFO bounded by `maxQueued`
   * until received (beyond it the client gets `BacklogFullError`). `on…` handlers of the same
   * class still answer their own events, concurrently with `main`; a class with `main` may not
   * also define `onAny` (`mount()` throws).
   *
   * `main` runs until the session ends: then it is killed like every session greenlet, with the
   * disconnect reason in its `GreenletExit`, and `recv()` rejects with that exit. The other way
   * round, `main` ending ends the session: returning disconnects it; throwing also tells the
   * client (an error report with `event: "main"`, masked unless the error is a `ClientError`) and
   * `onError` (kind `"greenlet"`, unless it is a `ClientError`). `killAll()` spares it.
   *
   * Only declared here: `BaseNamespace` has no `main`, and a class without one dispatches every
   * event to its handlers.
   * @example
   * ```ts
   * class Chat extends BaseNamespace {
   *   override async main(g: Greenlet<unknown>) {
   *     this.emit("history", lines);
   *     for (;;) {
   *       const [event, text] = await this.recv({ signal: g });
   *       if (event === "message") this.broadcastEvent("message", text);
   *     }
   *   }
   * }
   * ```
   */
  main?(g: Greenlet<unknown>): unknown;

  /**
   * The next event that no `on…` handler answers, in arrival order, waiting for one when none is
   * there: `[event, ...args]`, with an `ack(...values)` property when the client asked for an ack
   * (see {@link Received}). For classes that define {@link main}; any code of the session may call
   * it (several callers are served in call order).
   *
   * Rejects with `TimeoutError` on its own `timeout`, with `signal.reason` when the signal aborts
   * (at once if it is aborted already), and, once the session has ended, with the `GreenletExit`
   * its greenlets were killed with (its `reason` is the disconnect reason), signal or not. Cancel
   * safety: a `recv()` that times out or is aborted takes nothing; the event goes to the next one.
   * @throws {TypeError} when the class has no `main()` method (its events never arrive here), or
   * when the options are malformed.
   * @throws {RangeError} when `timeout` is negative or NaN.
   * @example
   * ```ts
   * const received = await this.recv({ timeout: 30_000, signal: g });
   * const [event, ...args] = received;
   * received.ack?.("got it");
   * ```
   */
  recv(options?: RecvOptions): Promise<Received<ClientEvents>> {
    return this.#session.recv<ClientEvents>(options);
  }

  /**
   * Runs once after the session ended and its greenlets were reaped (or became stragglers), with
   * socket.io's disconnect reason (`"server shutting down"` when `app.close()` ended it,
   * `"recovery expired"` when a dropped connection was not recovered within socket.io's
   * `connectionStateRecovery` window). Awaited; a throw goes to `onError`. Reaping happens whether
   * or not a subclass overrides this.
   */
  disconnected(_reason: string): void | Promise<void> {}

  /**
   * Starts `fn(g, ...args)` as a greenlet owned by this session: when the session ends it is killed
   * with a `GreenletExit` whose `reason` is the disconnect reason. On a session that has ended,
   * returns a greenlet that is already dead (its function never runs). A failure nobody observes
   * goes to the app's `onError`.
   * @throws {TypeError} when `fn` is not a function.
   * @example
   * ```ts
   * onWatch(path: string) {
   *   this.spawn(async (g) => {
   *     for await (const change of watch(path, { signal: g.signal })) this.emit("change", change);
   *   });
   * }
   * ```
   */
  spawn<A extends unknown[], T>(fn: GreenletFunction<A, T>, ...args: A): Greenlet<Awaited<T>> {
    return this.#session.spawn(fn as GreenletFunction<unknown[], unknown>, args) as Greenlet<Awaited<T>>;
  }

  /** The session's live greenlets: a read-only live view. */
  get greenlets(): ReadonlySet<Greenlet<unknown>> {
    return this.#session.owner.live;
  }

  /**
   * Kills the session's live greenlets without disconnecting, and resolves once they are dead
   * (quietly on its own `timeout`). Never rejects. Not counted in `stats().reaped`.
   *
   * `filter` and `except` spare greenlets: only the live greenlets for which `filter` returns a
   * truthy value and that are not in `except` are killed (both together: both must agree); the
   * others stay running. `filter` runs for each live greenlet, in spawn order, before anything is
   * killed; if it throws, nothing is killed and the error is thrown from the call.
   * @throws {TypeError|RangeError} when the options are malformed: `filter` not a function,
   * `except` not an iterable of greenlets.
   * @example
   * ```ts
   * onStopWorkers() {
   *   return this.killAll({ except: [this.heartbeat] }); // the heartbeat keeps running
   * }
   * ```
   */
  killAll(options?: KillAllOptions): Promise<void> {
    return this.#session.killAll(options);
  }

  /**
   * Sends `event` to this client. A no-op returning false once the session has ended (also in
   * `disconnected()`); room sends still work there.
   * @throws {Error} (socket.io's) for a reserved event name such as `"connect"`.
   */
  emit<E extends EventNames<ServerEvents>>(event: E, ...args: EventArgs<ServerEvents, E>): boolean {
    return this.#session.emit(event, args);
  }

  /**
   * Sends `event` with `args` and asks for an ack; resolves with the client's first ack argument,
   * or with `{ all: true }` with the array of every ack argument (empty when the client acked with
   * none). Rejects with `TimeoutError` on its own `timeout`, with `signal.reason` on abort (at once,
   * without sending, if the signal is already aborted), and with `SessionClosedError` when the
   * session ends first (at once if it has ended already).
   *
   * Typed by `ServerEvents`: only events that declare an ack (a trailing function parameter), with
   * their arguments; the result is the ack's first parameter (all of them with `all`).
   * @throws {TypeError|RangeError} when the arguments are malformed.
   * @example
   * ```ts
   * const answer = await this.call("confirm", ["delete 3 files?"], { timeout: 10_000, signal: g });
   * const [ok, reason] = await this.call("confirm", ["really?"], { all: true });
   * ```
   */
  call<E extends CallEvents<ServerEvents>>(
    event: E,
    ...rest: CallRest<CallArgs<ServerEvents, E>, CallOptions & { all?: false }>
  ): Promise<FirstAckArg<AckArgs<ServerEvents, E>>>;
  call<E extends CallEvents<ServerEvents>>(
    event: E,
    args: Readonly<CallArgs<ServerEvents, E>>,
    options: CallOptions & { all: true },
  ): Promise<AckArgs<ServerEvents, E>>;
  call<E extends CallEvents<ServerEvents>>(
    event: E,
    args: Readonly<CallArgs<ServerEvents, E>>,
    options?: CallOptions,
  ): Promise<FirstAckArg<AckArgs<ServerEvents, E>> | AckArgs<ServerEvents, E>>;
  call(event: string, args: readonly unknown[] = [], options?: CallOptions): Promise<unknown> {
    return this.#session.call(event, args, options);
  }

  /**
   * Ends the session from a handler or from one of its greenlets; `close` also closes the
   * underlying connection (every namespace of that client), as socket.io's. Returns at once;
   * reaping (which kills the calling greenlet too) goes on in the background, so never wait for it
   * inside a session greenlet.
   */
  disconnect(close = false): void {
    this.#session.disconnect(close);
  }

  /**
   * Allows `events` for this session (normalised like dispatch). With typed `ClientEvents`, the
   * names are checked against it.
   * @throws {TypeError} when an entry is not an event name.
   */
  allow(...events: EventNames<ClientEvents>[]): void {
    this.#session.aclChange("allow", events);
  }

  /**
   * Denies `events` for this session; on an unrestricted session, everything but those stays
   * allowed. With typed `ClientEvents`, the names are checked against it.
   * @throws {TypeError} when an entry is not an event name.
   */
  deny(...events: EventNames<ClientEvents>[]): void {
    this.#session.aclChange("deny", events);
  }

  /** Back to the class's `static acl` (unrestricted when it has none). */
  resetAcl(): void {
    this.#session.acl.reset();
  }

  /** Every event allowed. */
  liftAcl(): void {
    this.#session.acl.lift();
  }

  /**
   * Joins `room` (through the adapter, so rooms work across nodes). Returns the adapter's promise
   * when it is asynchronous. A no-op once the session has ended.
   * @throws {TypeError} when `room` is not a string.
   */
  join(room: string): void | Promise<void> {
    return this.#session.rooms("join", room);
  }

  /** Leaves `room`. A no-op once the session has ended. */
  leave(room: string): void | Promise<void> {
    return this.#session.rooms("leave", room);
  }

  /**
   * Sends `event` to every session in `room` except this one, on every node. Works while the
   * session is closing and in `disconnected()` (by then this session has left its rooms; the
   * other members still get it). Returns true once handed to the adapter; false when a pub/sub
   * adapter's Redis is down, so that only this node's members got it (counted in
   * `stats().adapterErrors`; pub/sub replays nothing). Never throws for an adapter failure.
   * @throws {TypeError} when `room` is not a string.
   */
  emitToRoom<E extends EventNames<ServerEvents>>(room: string, event: E, ...args: EventArgs<ServerEvents, E>): boolean {
    return this.#session.broadcast("room", event, args, room);
  }

  /** Sends `event` to every session of this namespace, this one included while it is open, on every node. Returns as {@link emitToRoom} does. */
  broadcastEvent<E extends EventNames<ServerEvents>>(event: E, ...args: EventArgs<ServerEvents, E>): boolean {
    return this.#session.broadcast("all", event, args);
  }

  /** Sends `event` to every session of this namespace but this one, on every node. Returns as {@link emitToRoom} does. */
  broadcastEventNotMe<E extends EventNames<ServerEvents>>(event: E, ...args: EventArgs<ServerEvents, E>): boolean {
    return this.#session.broadcast("others", event, args);
  }

  /**
   * The sessions in `room` (or in any of `rooms`), this session excluded: an immutable target for
   * `.emit(event, ...args)`, narrowed further with `.to()` and `.except()` (each returns a new
   * target). Goes through the adapter, so it reaches every node; works while the session is
   * closing and in `disconnected()`. An empty `rooms` targets no one.
   * @throws {TypeError} when `room` is neither a string nor an iterable of strings.
   * @example
   * ```ts
   * this.to("lobby").except("muted").emit("message", this.data.user, text);
   * this.to(["eu", "us"]).emit("maintenance", "in 5 minutes");
   * ```
   */
  to(room: string | Iterable<string>): Targets<ServerEvents> {
    const socket = this.#session.socket;
    return Targets.start<ServerEvents>(socket.nsp, socket.id, "BaseNamespace.to()", room, false);
  }

  /**
   * Every session of this namespace except this one and those in `room` (or any of `rooms`): a
   * target like {@link to}'s.
   * @throws {TypeError} when `room` is neither a string nor an iterable of strings.
   * @example
   * ```ts
   * this.except("muted").emit("announcement", "server restarts at noon");
   * ```
   */
  except(room: string | Iterable<string>): Targets<ServerEvents> {
    const socket = this.#session.socket;
    return Targets.start<ServerEvents>(socket.nsp, socket.id, "BaseNamespace.except()", room, true);
  }

  /**
   * The sessions in `room` (or in any of `rooms`) on every node, this one included while it is in
   * the room, through socket.io's `fetchSockets()`. Each entry is data, not an instance: `id`, the
   * socket's `data` (for a session on another node, a copy as of the fetch; for a local one, the
   * live object) and a snapshot of its `rooms`. Rejects with `TimeoutError` on its own `timeout`
   * (also handed to the adapter, as its request timeout), with `signal.reason` on abort, and
   * with the adapter's error when it fails (the Redis adapter's own `requestsTimeout`, say).
   * @throws {TypeError|RangeError} when the arguments are malformed.
   * @example
   * ```ts
   * const members = await this.sessionsIn("lobby", { timeout: 2000 });
   * return members.map((s) => s.data.user);
   * ```
   */
  sessionsIn(room: string | Iterable<string>, options?: SessionsInOptions): Promise<SessionInfo<Data>[]> {
    return fetchSessions<Data>(this.#session.socket.nsp, room, options);
  }
}

/** A class that `mount()` accepts: a subclass of BaseNamespace with an argument-free constructor. */
export type NamespaceClass = (new () => BaseNamespace<any, any, any>) &
  ClassSettings & {
    acl?: readonly string[];
    schemas?: Readonly<Record<string, StandardSchemaV1>>;
    events?: Readonly<Record<string, string>>;
    rateLimits?: Readonly<Record<string, RateLimit>>;
  };
