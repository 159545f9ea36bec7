/**
 * One session: a client connected to one namespace, with its namespace instance, its greenlets,
 * its pending calls, its ACL and limits.
 *
 * Life: **open** from the connection (while `initialize()` runs, events wait in the inbox) →
 * **closing** from socket.io's `"disconnect"` (sends to the client are no-ops from here, room sends
 * still go out; calls reject; queued handlers are dropped; greenlets are killed with the reason) →
 * **closed** once they have died or `graceMs` has passed (the app stops counting the session) → the
 * `disconnected(reason)` hook → **done** (what `app.close()` waits for).
 * @module
 */
import type { Socket } from "socket.io";
import createDebug from "debug";
import { getClock } from "../core/clock.js";
import { checkFunction, checkOptions, checkTimeout, describe } from "../core/validate.js";
import { Greenlet } from "../greenlet.js";
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
}

const OPEN = 0;
const CLOSING = 1;
const CLOSED = 2;

/** `killAll({ except })`: an iterable of greenlets, as a set. */
function greenletSet(call: string, except: unknown): Set<Greenlet<unknown>> {
  if (except === null || typeof except !== "object" || typeof (except as Iterable<unknown>)[Symbol.iterator] !== "function") {
    throw new TypeError(`${call}: expected except to be an iterable of greenlets, got ${describe(except)}`);
  }
  const spared = new Set<Greenlet<unknown>>();
  let i = 0;
  for (const g of except as Iterable<unknown>) {
    if (!(g instanceof Greenlet)) throw new TypeError(`${call}: expected except[${i}] to be a Greenlet, got ${describe(g)}`);
    spared.add(g);
    i++;
  }
  return spared;
}

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
  readonly onEvent: (event: unknown, ...args: unknown[]) => void;
  private readonly onDisconnect: (reason: string) => void;

  constructor(
    readonly app: SessionHost,
    readonly info: ClassInfo,
    readonly socket: Socket,
  ) {
    this.namespace = socket.nsp.name;
    this.graceMs = app.options.graceMs;
    this.acl = new Acl(info.acl);
    this.owner = new GreenletOwner(app.counters, this);
    this.limits = app.options.newLimits === null ? null : app.options.newLimits();
    this.onEvent = (event, ...args) => this.arrive(event, args);
    this.onDisconnect = (reason) => this.close(reason);
  }

  get open(): boolean {
    return this.state === OPEN;
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
    const call = "BaseNamespace.killAll()";
    checkOptions(call, options);
    const timeout = checkTimeout(call, options?.timeout);
    const filter = options?.filter;
    if (filter !== undefined) checkFunction(call, "filter", filter);
    const spared = options?.except === undefined ? undefined : greenletSet(call, options.except);
    let select: ((g: Greenlet<unknown>) => boolean) | undefined;
    if (spared !== undefined) select = filter === undefined ? (g) => !spared.has(g) : (g) => !spared.has(g) && Boolean(filter(g));
    else if (filter !== undefined) select = (g) => Boolean(filter(g));
    return this.owner.killAll(options?.exception, timeout, select);
  }

  emit(event: string, args: unknown[]): boolean {
    if (this.state !== OPEN) return false;
    return this.socket.emit(event, ...args);
  }

  call(event: string, args: readonly unknown[], options: CallOptions | undefined): Promise<unknown> {
    const closed = this.state === OPEN ? undefined : this.reason!;
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
    if (to === "all") return this.socket.nsp.emit(event, ...args);
    if (to === "others") return this.socket.broadcast.emit(event, ...args);
    return this.socket.to(room as string).emit(event, ...args);
  }

  /** socket.io's "disconnect": from here on the session is closing. */
  close(socketReason: string): void {
    if (this.state !== OPEN) return;
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
