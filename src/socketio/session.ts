/**
 * One session: a client connected to one namespace, with its namespace instance, its greenlets,
 * its pending calls, its ACL and limits.
 *
 * Life: **open** from the connection (while `initialize()` runs, events wait in the inbox) →
 * **closing** from socket.io's `"disconnect"` (every send is a no-op from here; calls reject; queued
 * handlers are dropped; greenlets are killed with the reason) → **closed** once they have died or
 * `graceMs` has passed (the app stops counting the session) → the `disconnected(reason)` hook →
 * **done** (what `app.close()` waits for).
 *
 * With socket.io's connection-state recovery on, a drop socket.io can recover (a transport close or
 * error, a ping timeout) does not start closing: the session is **detached** (still open, its
 * greenlets running, sends dropped) until socket.io recovers the connection within the window, when
 * `reattach()` moves it onto the new socket, or until the window ends, when it closes with
 * `"recovery expired"`.
 * @module
 */
import type { Socket } from "socket.io";
import createDebug from "debug";
import { getClock, type TimerHandle } from "../core/clock.js";
import { checkFunction, checkOptions, checkTimeout, describe } from "../core/validate.js";
import type { Greenlet } from "../greenlet.js";
import { Acl } from "./acl.js";
import { Calls } from "./calls.js";
import type { ClassInfo } from "./classinfo.js";
import { normaliseEvent } from "./dispatch.js";
import { StragglerError } from "./errors.js";
import { fail, receive, type Ack, type Pending } from "./events.js";
import { GreenletOwner, type Counters, type OwnerEvents } from "./greenlets.js";
import type { EventLimits } from "./limits.js";
import { construct, type BaseNamespace, type CallOptions, type KillAllOptions } from "./namespace.js";
import { callErrorHandler, type SocketErrorHandler } from "./report.js";

const debug = createDebug("greenthread:socketio");

/** The app's options as a session uses them. */
export interface SessionOptions {
  graceMs: number;
  exposeErrors: boolean;
  onError: SocketErrorHandler;
  newLimits: (() => EventLimits) | null;
}

/** What a session needs from the app that mounted it. */
export interface SessionHost {
  readonly options: SessionOptions;
  readonly counters: Counters;
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

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === "object" || typeof value === "function") && typeof (value as PromiseLike<unknown>).then === "function";
}

export class Session implements OwnerEvents {
  readonly namespace: string;
  /** The namespace instance; constructed by `start()` (undefined only when its constructor threw). */
  instance!: BaseNamespace;
  readonly acl: Acl;
  readonly owner: GreenletOwner;
  readonly limits: EventLimits | null;
  /** Events held back behind an async validation (see events.ts); null when none are. */
  order: Pending[] | null = null;
  /** Resolves once the session is done (reaped and hook run); set when it starts closing. */
  done: Promise<void> | null = null;
  private state = OPEN;
  private reason: string | undefined = undefined;
  private overrideReason: string | undefined = undefined;
  private graceMs: number;
  private calls: Calls | null = null;
  /** Events that arrived while an async `initialize()` ran; null once it has settled. */
  private inbox: [unknown, unknown[], Ack | undefined][] | null = null;
  private initializing: Promise<void> | null = null;
  /** Set while detached (the connection dropped, socket.io may recover it); null otherwise. */
  private dropped: Dropped | null = null;
  readonly onEvent: (event: unknown, ...args: unknown[]) => void;
  private readonly onDisconnect: (reason: string) => void;

  constructor(
    readonly app: SessionHost,
    readonly info: ClassInfo,
    /** The socket the session talks over: replaced by `reattach()` when socket.io recovers it. */
    public socket: Socket,
  ) {
    this.namespace = socket.nsp.name;
    this.graceMs = app.options.graceMs;
    this.acl = new Acl(info.acl);
    this.owner = new GreenletOwner(app.counters, this);
    this.limits = app.options.newLimits === null ? null : app.options.newLimits();
    this.onEvent = (event, ...args) => this.arrive(event, args);
    this.onDisconnect = (reason) => this.close(reason);
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
    }
  }

  private arrive(event: unknown, args: unknown[]): void {
    if (this.state !== OPEN) return;
    const last = args.length > 0 ? args[args.length - 1] : undefined;
    const ack = typeof last === "function" ? (args.pop() as Ack) : undefined;
    if (this.inbox !== null) this.inbox.push([event, args, ack]);
    else this.receive(event, args, ack);
  }

  /** Never throws: this runs inside socket.io's packet handling, where a throw would crash the process. */
  private receive(event: unknown, args: unknown[], ack: Ack | undefined): void {
    try {
      receive(this, event, args, ack);
    } catch (error) {
      fail(this, "handler", error, String(event), ack);
    }
  }

  private initialized(): void {
    const inbox = this.inbox;
    this.inbox = null;
    this.initializing = null;
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
    checkOptions("BaseNamespace.killAll()", options);
    const timeout = checkTimeout("BaseNamespace.killAll()", options?.timeout);
    return this.owner.killAll(options?.exception, timeout);
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

  /** Ends the session with `reason` in place of socket.io's (what `app.close()` does). */
  shutdown(reason: string, graceMs: number): void {
    if (this.state !== OPEN) return;
    this.overrideReason = reason;
    this.graceMs = graceMs;
    this.disconnect(false);
  }

  aclChange(change: "allow" | "deny", events: unknown[]): void {
    const call = `BaseNamespace.${change}()`;
    const keys = events.map((event, i) => normaliseEvent(call, `events[${i}]`, event));
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

  broadcast(to: "room" | "all" | "others", event: string, args: unknown[], room?: unknown): boolean {
    if (to === "room" && typeof room !== "string") {
      throw new TypeError(`BaseNamespace.emitToRoom(): expected room to be a string, got ${describe(room)}`);
    }
    if (this.state !== OPEN) return false;
    if (to === "all") return this.socket.nsp.emit(event, ...args);
    if (to === "others") return this.socket.broadcast.emit(event, ...args);
    return this.socket.to(room as string).emit(event, ...args);
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
    this.order = null;
    this.limits?.close();
    // Reap first: a session greenlet waiting in call({ signal: g }) is then ended by its kill (its
    // call rejects with the GreenletExit, a clean end) rather than failed by SessionClosedError,
    // which is left for calls made without the greenlet (from handlers).
    this.done = this.teardown(reason);
    this.calls?.close(reason);
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
        callErrorHandler(this.app.options.onError, error, { kind: "handler", namespace: this.namespace, sessionId: socket.id, event: change });
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

  private async teardown(reason: string): Promise<void> {
    const reaped = this.owner.reap(reason, this.graceMs);
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
    callErrorHandler(this.app.options.onError, error, context);
  }
}
