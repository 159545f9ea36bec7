/**
 * One session: a client connected to one namespace, with its namespace instance, its greenlets,
 * its pending calls, its ACL and limits.
 *
 * Life: **open** from the connection (while `initialize()` runs, events wait in the inbox) →
 * **closing** from socket.io's `"disconnect"` (sends to the client are no-ops from here, room sends
 * still go out; calls reject; queued handlers are dropped; greenlets are killed with the reason) →
 * **closed** once they have died or `graceMs` has passed (the app stops counting the session) → the
 * `disconnected(reason)` hook → **done** (what `app.close()` waits for).
 *
 * With socket.io's connection-state recovery on, a drop socket.io can recover (a transport close or
 * error, a ping timeout) does not start closing: the session is **detached** (still open, its
 * greenlets running, sends to the client dropped) until socket.io recovers the connection within
 * the window, when `reattach()` moves it onto the new socket, or until the window ends, when it
 * closes with `"recovery expired"`.
 * @module
 */
import { describeOwner } from "../core/instrument.js";
import type { Socket } from "socket.io";
import createDebug from "debug";
import { getClock, type TimerHandle } from "../core/clock.js";
import { checkFunction, checkOptions, checkTimeout, describe } from "../core/validate.js";
import { GreenletExit } from "../errors.js";
import { Greenlet } from "../greenlet.js";
import { Acl } from "./acl.js";
import { Calls } from "./calls.js";
import type { ClassInfo } from "./classinfo.js";
import { Ring } from "../queue/ring.js";
import { droppedSends } from "./cluster.js";
import { StragglerError } from "./errors.js";
import { fail, receive, refuse, type Ack, type Pending } from "./events.js";
import { currentTurn, drainLater, type Backlogged } from "./fairness.js";
import { GreenletOwner, type Counters, type OwnerEvents } from "./greenlets.js";
import { EventLimits, Window } from "./limits.js";
import { construct, type BaseNamespace, type CallOptions, type KillAllOptions } from "./namespace.js";
import type { SessionOptions } from "./options.js";
import { Mailbox, startMain, type RecvOptions } from "./recv.js";
import { callErrorHandler, safeString } from "./report.js";
import type { EventsMap, Received } from "./types.js";

const debug = createDebug("greenthread:socketio");

/**
 * The disconnect reason of a session ended because its client was refused more than
 * `refusalLimit.intervalCap` events within `refusalLimit.interval` ms.
 */
export const TOO_MANY_REFUSALS = "too many refused events";

/**
 * The most of one event-loop turn a session's events may take before the rest wait for a later
 * turn (see fairness.ts): long enough that the per-turn overhead is lost in the work, short enough
 * that a neighbour's event waits about this long, not for a whole flood.
 */
const TURN_SLICE_MS = 1;

/** One event as it arrived: name, arguments, ack. */
type Arrival = [unknown, unknown[], Ack | undefined];

/** What a session needs from the app that mounted it. */
export interface SessionHost {
  /** The session is closed: its greenlets are reaped (the hook has not run yet). */
  sessionClosed(session: Session): void;
  /** The session is done: the hook has run. */
  sessionDone(session: Session): void;
  /** How long a dropped session waits for socket.io to recover it, in ms; null: recovery is off. */
  readonly recoveryMs: number | null;
  /** The session's connection dropped; it waits, under its socket id, for a recovery. */
  sessionDetached(session: Session): void;
  /** The session waits no more: it was reattached, or it is closing. */
  sessionDetachEnded(session: Session): void;
}

/** The reason a detached session ends with when nobody recovered its connection in time. */
const RECOVERY_EXPIRED = "recovery expired";

// The reasons for which socket.io's Socket#_onclose persists the session for recovery (its
// RECOVERABLE_DISCONNECT_REASONS, socket.io 4.8), less one: "server shutting down" is io.close(),
// after which this node takes no reconnect, so waiting would only keep greenlets alive for nothing.
// A client's or the server's disconnect() is not in the list: socket.io forgets that session at once.
const RECOVERABLE = new Set(["transport error", "transport close", "forced close", "ping timeout", "forced server close"]);

function recoveryExpired(session: Session): void {
  session.expire();
}

/** A detached session: why its connection dropped, its expiry timer, room changes made meanwhile. */
interface Dropped {
  reason: string;
  timer: TimerHandle;
  rooms: Map<string, "join" | "leave"> | null;
}

const OPEN = 0;
const CLOSING = 1;
const CLOSED = 2;

/** `killAll({ except })`: an iterable of greenlets and greenlet names, as one test. */
function sparedBy(call: string, except: unknown): (g: Greenlet<unknown>) => boolean {
  if (except === null || typeof except !== "object" || typeof (except as Iterable<unknown>)[Symbol.iterator] !== "function") {
    throw new TypeError(`${call}: expected except to be an iterable of greenlets or greenlet names, got ${describe(except)}`);
  }
  const greenlets = new Set<Greenlet<unknown>>();
  const names = new Set<string>();
  let i = 0;
  for (const g of except as Iterable<unknown>) {
    if (g instanceof Greenlet) greenlets.add(g);
    else if (typeof g === "string") names.add(g);
    else throw new TypeError(`${call}: expected except[${i}] to be a Greenlet or a greenlet name, got ${describe(g)}`);
    i++;
  }
  return (g) => greenlets.has(g) || names.has(g.name);
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === "object" || typeof value === "function") && typeof (value as PromiseLike<unknown>).then === "function";
}

export class Session implements OwnerEvents, Backlogged {
  readonly namespace: string;
  /** The namespace instance; constructed by `start()` (undefined only when its constructor threw). */
  instance!: BaseNamespace;
  readonly acl: Acl;
  readonly owner: GreenletOwner;
  readonly limits: EventLimits | null;
  /** @internal Events held back behind an async validation (see events.ts); null when none are. */
  order: Ring<Pending> | null = null;
  /** Handlers holding a concurrency slot under a `handlerTimeout`: each ends its slot's timer. */
  slots: Set<() => void> | null = null;
  /** Resolves once the session is done (reaped and hook run); set when it starts closing. */
  done: Promise<void> | null = null;
  /** The events `recv()` has not taken yet, when the class has `main()`; null otherwise. */
  readonly mailbox: Mailbox | null;
  /** The greenlet running the class's `main()`, once started. */
  private main: Greenlet<unknown> | null = null;
  private state = OPEN;
  private reason: string | undefined = undefined;
  private overrideReason: string | undefined = undefined;
  private graceMs: number;
  private calls: Calls | null = null;
  /** Events that arrived while an async `initialize()` ran; null once it has settled. */
  private inbox: Arrival[] | null = null;
  private initializing: Promise<void> | null = null;
  /** Events over this turn's budget, waiting for a drain (fairness.ts); null when none wait. */
  private backlog: Ring<Arrival> | null = null;
  /** The turn `used` counts events of, and when the session's first event in it came. */
  private turn = -1;
  private used = 0;
  private turnStart = 0;
  /** Refusals in the current window, once there has been one. */
  private refusals: Window | null = null;
  /** Set while detached (the connection dropped, socket.io may recover it); null otherwise. */
  private dropped: Dropped | null = null;
  readonly onEvent: (event: unknown, ...args: unknown[]) => void;
  private readonly onDisconnect: (reason: string) => void;

  constructor(
    readonly app: SessionHost,
    readonly info: ClassInfo,
    /** The socket the session talks over: replaced by `reattach()` when socket.io recovers it. */
    public socket: Socket,
    readonly options: SessionOptions,
    readonly counters: Counters,
  ) {
    this.namespace = socket.nsp.name;
    this.graceMs = options.graceMs;
    this.acl = new Acl(info.acl);
    this.owner = new GreenletOwner(counters, this);
    this.limits = options.limits === null ? null : new EventLimits(options.limits);
    this.mailbox = info.main === null ? null : new Mailbox(this);
    this.onEvent = (event, ...args) => this.arrive(event, args);
    this.onDisconnect = (reason) => this.close(reason);
  }

  /** @internal How run-info and reports name the session's greenlets' owner: `namespace#sid`. */
  [describeOwner](): string {
    return `${this.namespace}#${this.socket.id}`;
  }

  /** Not closing: handlers run and greenlets spawn (also while detached). */
  get open(): boolean {
    return this.state === OPEN;
  }

  /** Open and attached to a connected socket: sends reach the client. */
  get connected(): boolean {
    return this.state === OPEN && this.dropped === null;
  }

  /** Constructs the namespace instance, starts listening and runs `initialize()`. */
  start(): void {
    this.socket.on("disconnect", this.onDisconnect);
    try {
      this.instance = construct(this.info.cls, this);
    } catch (error) {
      // A constructor or field initializer threw; greenlets it spawned first are reaped with the session.
      this.initializeFailed(error);
      return;
    }
    this.socket.onAny(this.onEvent);
    let result: unknown;
    try {
      result = this.instance.initialize();
    } catch (error) {
      this.initializeFailed(error);
      return;
    }
    if (isPromiseLike(result)) {
      this.inbox = [];
      this.initializing = Promise.resolve(result).then(
        () => this.initialized(),
        (error: unknown) => this.initializeFailed(error),
      );
    } else {
      this.startMain();
    }
  }

  /** Runs the class's `main()`, if it has one, once `initialize()` has resolved. */
  private startMain(): void {
    const main = this.info.main;
    if (main !== null && this.state === OPEN) this.main = startMain(this, main);
  }

  private arrive(event: unknown, args: unknown[]): void {
    if (this.state !== OPEN) return;
    const last = args.length > 0 ? args[args.length - 1] : undefined;
    const ack = typeof last === "function" ? (args.pop() as Ack) : undefined;
    if (this.inbox === null && this.backlog === null && this.withinTurn()) return this.receive(event, args, ack);
    this.hold([event, args, ack]);
  }

  /**
   * Counts one more event against this turn's share: at most `eventsPerTurn` events, and at most
   * {@link TURN_SLICE_MS} of this turn since the session's first event in it (read every 16 events,
   * so a small burst never reads the clock). `eventsPerTurn: Infinity` turns the share off.
   */
  private withinTurn(): boolean {
    if (this.options.eventsPerTurn === Infinity) return true;
    const turn = currentTurn();
    if (turn !== this.turn) {
      this.turn = turn;
      this.used = 0;
      this.turnStart = getClock().now();
    }
    const used = ++this.used;
    if (used > this.options.eventsPerTurn) return false;
    return (used & 15) !== 0 || getClock().now() - this.turnStart < TURN_SLICE_MS;
  }

  /** Keeps an event for later (behind `initialize()`, or over this turn's budget), or refuses it when the session holds `maxQueued` already. */
  private hold(arrival: Arrival): void {
    if (this.waiting() >= this.options.maxQueued) return refuse(this, "backlog", arrival[0], arrival[2]);
    if (this.inbox !== null) return void this.inbox.push(arrival);
    if (this.backlog === null) {
      this.backlog = new Ring();
      drainLater(this);
    }
    this.backlog.push(arrival);
  }

  /** Events this session holds that have not started: what `maxQueued` bounds. */
  waiting(): number {
    return (
      (this.inbox?.length ?? 0) +
      (this.backlog?.length ?? 0) +
      (this.order?.length ?? 0) +
      (this.limits?.waiting ?? 0) +
      (this.mailbox?.size ?? 0)
    );
  }

  /** Backlogged: starts up to `eventsPerTurn` events of the backlog. */
  drainTurn(): boolean {
    const backlog = this.backlog;
    if (backlog === null) return false;
    const clock = getClock();
    const start = clock.now();
    for (let n = 1; n <= this.options.eventsPerTurn && backlog.length > 0 && this.state === OPEN; n++) {
      const [event, args, ack] = backlog.take();
      this.receive(event, args, ack);
      if ((n & 15) === 0 && clock.now() - start >= TURN_SLICE_MS) break;
    }
    if (backlog.length > 0 && this.state === OPEN) return true;
    this.backlog = null;
    return false;
  }

  /** A refusal was sent to the client; past `refusalLimit` within its window, the session ends. */
  refused(): void {
    const limit = this.options.refusalLimit;
    if (limit === null || this.state !== OPEN) return;
    const window = (this.refusals ??= new Window(limit));
    if (window.fits(getClock().now())) return window.take();
    debug("%s %s: refused more than %d events in %d ms, disconnecting", this.namespace, this.socket.id, limit.intervalCap, limit.interval);
    this.overrideReason = TOO_MANY_REFUSALS;
    this.disconnect(true);
  }

  /** Never throws: this runs inside socket.io's packet handling, where a throw would crash the process. */
  private receive(event: unknown, args: unknown[], ack: Ack | undefined): void {
    try {
      receive(this, event, args, ack);
    } catch (error) {
      fail(this, "handler", error, typeof event === "string" ? event : safeString(event), ack);
    }
  }

  private initialized(): void {
    const inbox = this.inbox;
    this.inbox = null;
    this.initializing = null;
    this.startMain();
    if (inbox === null) return;
    for (const [event, args, ack] of inbox) {
      if (this.state !== OPEN) return;
      this.receive(event, args, ack);
    }
  }

  private initializeFailed(error: unknown): void {
    this.inbox = null;
    this.initializing = null;
    debug("%s %s: initialize() failed", this.namespace, this.socket.id);
    fail(this, "initialize", error, "initialize", undefined);
    this.disconnect(false);
  }

  spawn(fn: (g: Greenlet<any>, ...args: any[]) => unknown, args: unknown[]): Greenlet<unknown> {
    checkFunction("BaseNamespace.spawn()", "fn", fn);
    if (this.state !== OPEN) return this.owner.spawnDead(fn, args, this.reason!);
    return this.owner.spawn(fn, args);
  }

  killAll(options: KillAllOptions | undefined): Promise<void> {
    const call = "BaseNamespace.killAll()";
    checkOptions(call, options);
    const timeout = checkTimeout(call, options?.timeout);
    const filter = options?.filter;
    if (filter !== undefined) checkFunction(call, "filter", filter);
    const spared = options?.except === undefined ? undefined : sparedBy(call, options.except);
    let select: ((g: Greenlet<unknown>) => boolean) | undefined;
    if (spared !== undefined) select = filter === undefined ? (g) => !spared(g) : (g) => !spared(g) && Boolean(filter(g));
    else if (filter !== undefined) select = (g) => Boolean(filter(g));
    // main() is the session's body, not one of its workers: killing it would end the session.
    const main = this.main;
    if (main !== null) {
      const chosen = select;
      select = chosen === undefined ? (g) => g !== main : (g) => g !== main && chosen(g);
    }
    return this.owner.killAll(options?.exception, timeout, select);
  }

  recv<C extends EventsMap>(options: RecvOptions | undefined): Promise<Received<C>> {
    if (this.mailbox === null) {
      throw new TypeError(
        `BaseNamespace.recv(): ${this.info.cls.name} has no main() method, so its events go to its on… handlers and none would ever arrive here`,
      );
    }
    return this.mailbox.recv<C>(options);
  }

  emit(event: string, args: unknown[]): boolean {
    if (!this.connected) return false;
    return this.socket.emit(event, ...args);
  }

  call(event: string, args: readonly unknown[], options: CallOptions | undefined): Promise<unknown> {
    // A detached session has no socket an ack could come back on: the call fails as it would have at the drop.
    const closed = this.state !== OPEN ? this.reason! : this.dropped?.reason;
    return (this.calls ??= new Calls()).start((e, a) => this.socket.emit(e, ...a), event, args, options, closed);
  }

  disconnect(close: boolean): void {
    if (this.state !== OPEN) return;
    this.socket.disconnect(close);
    // socket.io reports every disconnect through "disconnect"; this only guards a socket that was
    // already disconnected without telling us.
    if (this.state === OPEN) this.close("server namespace disconnect");
  }

  /** From now on, whatever ends the session, it ends with `reason` and `graceMs` (see `app.close()`). */
  endWith(reason: string, graceMs: number): void {
    if (this.state !== OPEN) return;
    this.overrideReason = reason;
    this.graceMs = graceMs;
  }

  /**
   * Ends the session with `reason` in place of socket.io's (what `app.close()` does): by a
   * namespace disconnect, or with `closeTransport` by closing the client's connection (every
   * namespace on it), which socket.io-client takes as a dropped connection and reconnects.
   */
  shutdown(reason: string, graceMs: number, closeTransport = false): void {
    if (this.state !== OPEN) return;
    this.endWith(reason, graceMs);
    if (!closeTransport) {
      this.disconnect(false);
      return;
    }
    this.socket.conn.close();
    // engine.io closes at once unless packets are still buffered (then after they drain, or a
    // polling client's next request); the session ends now either way.
    if (this.state === OPEN) this.close(reason);
  }

  aclChange(change: "allow" | "deny", events: unknown[]): void {
    const call = `BaseNamespace.${change}()`;
    const keys = events.map((event, i) => this.info.table.keyOf(call, `events[${i}]`, event));
    if (change === "allow") this.acl.allow(keys);
    else this.acl.deny(keys);
  }

  rooms(change: "join" | "leave", room: unknown): void | Promise<void> {
    if (typeof room !== "string") throw new TypeError(`BaseNamespace.${change}(): expected room to be a string, got ${describe(room)}`);
    if (this.state !== OPEN) return;
    if (this.dropped !== null) {
      // The dropped socket can join nothing; socket.io restores the rooms it had, these follow.
      (this.dropped.rooms ??= new Map()).set(room, change);
      return;
    }
    return change === "join" ? this.socket.join(room) : this.socket.leave(room);
  }

  /**
   * Room and namespace sends. They go through the adapter, not this session's connection, so they
   * work in every state: a `disconnected()` hook can tell the room its member left (socket.io
   * has taken the socket out of its rooms by then, so the room's other members hear it).
   */
  broadcast(to: "room" | "all" | "others", event: string, args: unknown[], room?: unknown): boolean {
    if (to === "room" && typeof room !== "string") {
      throw new TypeError(`BaseNamespace.emitToRoom(): expected room to be a string, got ${describe(room)}`);
    }
    // A guarded pub/sub adapter drops the cross-node part of a send while Redis is down (cluster.ts).
    const dropped = droppedSends();
    let sent: boolean;
    if (to === "all") sent = this.socket.nsp.emit(event, ...args);
    else if (to === "others") sent = this.socket.broadcast.emit(event, ...args);
    else sent = this.socket.to(room as string).emit(event, ...args);
    return sent && droppedSends() === dropped;
  }

  /** socket.io's "disconnect": from here on the session is closing. */
  close(socketReason: string): void {
    if (this.state !== OPEN) return;
    const recoveryMs = this.app.recoveryMs;
    if (this.dropped === null && this.overrideReason === undefined && recoveryMs !== null && RECOVERABLE.has(socketReason)) {
      this.detach(socketReason, recoveryMs);
      return;
    }
    this.endDetach();
    this.state = CLOSING;
    const reason = (this.reason = this.overrideReason ?? socketReason);
    debug("%s %s: closing (%s)", this.namespace, this.socket.id, reason);
    this.socket.offAny(this.onEvent);
    this.socket.off("disconnect", this.onDisconnect);
    this.inbox = null;
    this.backlog = null;
    this.order = null;
    this.limits?.close();
    if (this.slots !== null) for (const release of [...this.slots]) release();
    // Reap first: a session greenlet waiting in call({ signal: g }) is then ended by its kill (its
    // call rejects with the GreenletExit, a clean end) rather than failed by SessionClosedError,
    // which is left for calls made without the greenlet (from handlers). recv() calls reject with
    // the very exit main was killed with, whether or not they were given a signal.
    const exit = new GreenletExit(reason);
    this.done = this.teardown(reason, exit);
    this.calls?.close(reason);
    this.mailbox?.close(exit);
  }

  /** socket.io kept the dropped connection's state: the session waits `ms` for it to be recovered. */
  private detach(reason: string, ms: number): void {
    debug("%s %s: detached (%s), recoverable for %d ms", this.namespace, this.socket.id, reason, ms);
    this.socket.offAny(this.onEvent);
    this.socket.off("disconnect", this.onDisconnect);
    this.dropped = { reason, timer: getClock().setTimer(recoveryExpired, ms, this), rooms: null };
    this.app.sessionDetached(this);
    // An ack can only come back on the socket its call went out on, and that socket is gone.
    this.calls?.close(reason);
  }

  /** socket.io recovered the connection as `socket` (same id): the session goes on over it. */
  reattach(socket: Socket): void {
    const rooms = this.dropped?.rooms ?? null;
    this.endDetach();
    this.socket = socket;
    socket.on("disconnect", this.onDisconnect);
    socket.onAny(this.onEvent);
    debug("%s %s: reattached", this.namespace, socket.id);
    if (rooms !== null) for (const [room, change] of rooms) this.applyRoomChange(socket, room, change);
  }

  private applyRoomChange(socket: Socket, room: string, change: "join" | "leave"): void {
    const result = change === "join" ? socket.join(room) : socket.leave(room);
    // Nobody awaits a change made while detached; an adapter's failure still must not go unheard.
    if (isPromiseLike(result)) {
      Promise.resolve(result).catch((error: unknown) => {
        callErrorHandler(this.options.onError, error, { kind: "handler", namespace: this.namespace, sessionId: socket.id, event: change });
      });
    }
  }

  /** @internal The recovery window ended without a reconnect. */
  expire(): void {
    if (this.dropped === null) return;
    this.close(RECOVERY_EXPIRED);
  }

  private endDetach(): void {
    const dropped = this.dropped;
    if (dropped === null) return;
    this.dropped = null;
    getClock().clearTimer(dropped.timer);
    this.app.sessionDetachEnded(this);
  }

  private async teardown(reason: string, exit: GreenletExit): Promise<void> {
    const reaped = this.owner.reap(reason, this.graceMs, exit);
    if (this.initializing !== null) await Promise.all([reaped, this.awaitInitialize(reason)]);
    else await reaped;
    this.state = CLOSED;
    this.app.sessionClosed(this);
    try {
      if (this.instance !== undefined) await this.instance.disconnected(reason);
    } catch (error) {
      this.report("disconnected", error);
    }
    debug("%s %s: done", this.namespace, this.socket.id);
    this.app.sessionDone(this);
  }

  /** Waits for a still-running `initialize()`, for at most the grace period. */
  private awaitInitialize(reason: string): Promise<void> {
    const initializing = this.initializing!;
    const graceMs = this.graceMs;
    return new Promise<void>((resolve) => {
      const clock = getClock();
      const timer = clock.setTimer(
        () => {
          this.report("initialize", new StragglerError("initialize()", graceMs, reason));
          resolve();
        },
        graceMs,
        undefined,
      );
      void initializing.then(() => {
        clock.clearTimer(timer);
        resolve();
      });
    });
  }

  /** OwnerEvents: a session greenlet failed and nobody else observed it. */
  failed(g: Greenlet<unknown>, error: unknown): void {
    this.report("greenlet", error, g);
  }

  /** OwnerEvents: a session greenlet outlived the grace period. */
  straggled(g: Greenlet<unknown>, graceMs: number, reason: string): void {
    this.report("straggler", new StragglerError(g.name, graceMs, reason), g);
  }

  private report(kind: "disconnected" | "initialize" | "greenlet" | "straggler", error: unknown, greenlet?: Greenlet<unknown>): void {
    const context = { kind, namespace: this.namespace, sessionId: this.socket.id, ...(greenlet === undefined ? {} : { greenlet }) };
    callErrorHandler(this.options.onError, error, context);
  }
}
