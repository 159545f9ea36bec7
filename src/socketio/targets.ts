/**
 * Room targets in socket.io's builder style, and listing the sessions of rooms.
 *
 * A {@link Targets} is immutable: `to()` and `except()` return a new one, so a target kept in a
 * field can be narrowed per send without changing it. Sends go through the namespace's adapter,
 * never through this session's connection, which is why they keep working while the session is
 * closing and in its `disconnected()` hook.
 * @module
 */
import type { Namespace } from "socket.io";
import { checkSignal } from "../core/cancel.js";
import { checkOptions, checkTimeout, describe } from "../core/validate.js";
import { Waiter, rejectIfAborted } from "../core/waiter.js";
import { TimeoutError } from "../errors.js";
import type { Signal } from "../greenlet.js";
import { droppedSends } from "./cluster.js";
import type { DefaultEventsMap, EventArgs, EventNames, EventsMap } from "./types.js";

/** Rooms given as one name or an iterable of names, as an array; a TypeError naming `call` otherwise. */
function roomList(call: string, room: unknown): string[] {
  if (typeof room === "string") return [room];
  if (room === null || typeof room !== "object" || typeof (room as Iterable<unknown>)[Symbol.iterator] !== "function") {
    throw new TypeError(`${call}: expected room to be a string or an iterable of strings, got ${describe(room)}`);
  }
  const rooms: string[] = [];
  let i = 0;
  for (const name of room as Iterable<unknown>) {
    if (typeof name !== "string") throw new TypeError(`${call}: expected room[${i}] to be a string, got ${describe(name)}`);
    rooms.push(name);
    i++;
  }
  return rooms;
}

/**
 * Where a room send goes: the sessions in some rooms (or the whole namespace), minus the sessions
 * in other rooms, minus the session that made it. Made by `BaseNamespace.to()` and `.except()`.
 * @example
 * ```ts
 * const lobby = this.to("lobby");
 * lobby.emit("message", text);                  // every member but this session
 * lobby.except("muted").emit("ping");           // and not those in "muted"; `lobby` is unchanged
 * ```
 */
export class Targets<S extends EventsMap = DefaultEventsMap> {
  private constructor(
    private readonly nsp: Namespace,
    // null: the whole namespace; a set (possibly empty: no one): the sessions in any of these rooms.
    private readonly rooms: ReadonlySet<string> | null,
    // Always holds the sender's own room (its socket id), so the sender never hears its send.
    private readonly excluded: ReadonlySet<string>,
  ) {}

  /**
   * @internal What `BaseNamespace.to(room)` (`excluding` false) or `.except(room)` (true) starts
   * with, for the session whose socket id is `self`; `call` names the method in errors.
   */
  static start<S extends EventsMap>(nsp: Namespace, self: string, call: string, room: unknown, excluding: boolean): Targets<S> {
    const rooms = roomList(call, room);
    return excluding ? new Targets<S>(nsp, null, new Set([self, ...rooms])) : new Targets<S>(nsp, new Set(rooms), new Set([self]));
  }

  /**
   * Narrows to the sessions in `room` (or any of `rooms`); on a target that names rooms already,
   * adds to them (a session in any of them is targeted, once). Returns a new target.
   * @throws {TypeError} when `room` is neither a string nor an iterable of strings.
   */
  to(room: string | Iterable<string>): Targets<S> {
    const added = roomList("Targets.to()", room);
    return new Targets<S>(this.nsp, new Set([...(this.rooms ?? []), ...added]), this.excluded);
  }

  /**
   * Leaves out the sessions in `room` (or any of `rooms`), even when they are in a targeted room.
   * Returns a new target.
   * @throws {TypeError} when `room` is neither a string nor an iterable of strings.
   */
  except(room: string | Iterable<string>): Targets<S> {
    const removed = roomList("Targets.except()", room);
    return new Targets<S>(this.nsp, this.rooms, new Set([...this.excluded, ...removed]));
  }

  /**
   * Sends `event` to the targeted sessions on every node, through the adapter. Returns true once
   * handed to the adapter; false when the target names no rooms at all (`to([])`), which sends
   * nothing (socket.io would send to everyone), and false when a pub/sub adapter's Redis is down,
   * so that only this node's targets got it (counted in `stats().adapterErrors`). Checked
   * against the namespace's `ServerEvents`.
   * @throws {Error} (socket.io's) for a reserved event name such as `"connect"`.
   */
  emit<E extends EventNames<S>>(event: E, ...args: EventArgs<S, E>): boolean {
    if (this.rooms !== null && this.rooms.size === 0) return false;
    const operator = this.rooms === null ? this.nsp.except([...this.excluded]) : this.nsp.to([...this.rooms]).except([...this.excluded]);
    const dropped = droppedSends();
    return operator.emit(event, ...(args as unknown[])) && droppedSends() === dropped;
  }
}

/** Options of `BaseNamespace.sessionsIn()`. */
export interface SessionsInOptions {
  /** Milliseconds to wait for every node's answer; then the call rejects with `TimeoutError`. */
  timeout?: number;
  /** Aborts the wait with `signal.reason`. Inside a session greenlet, pass the greenlet. */
  signal?: Signal;
}

/**
 * One session as `sessionsIn()` reports it: data, not a namespace instance (the session may live
 * on another node).
 */
export interface SessionInfo<Data = any> {
  /** The socket id (also the session's own room). */
  readonly id: string;
  /** Its `socket.data`: a copy for a session on another node, the live object for a local one. */
  readonly data: Data;
  /** The rooms it was in when fetched (its own id included, as socket.io reports them). */
  readonly rooms: ReadonlySet<string>;
}

function expireFetch(waiter: Waiter<unknown>): void {
  const ms = waiter.item as number;
  waiter.reject(new TimeoutError(`BaseNamespace.sessionsIn(): no answer from every node within ${ms} ms`, ms));
}

/** `BaseNamespace.sessionsIn()`: the sessions in any of the rooms, on every node. */
export function fetchSessions<Data>(nsp: Namespace, room: unknown, options: SessionsInOptions | undefined): Promise<SessionInfo<Data>[]> {
  const call = "BaseNamespace.sessionsIn()";
  const rooms = roomList(call, room);
  checkOptions(call, options);
  const timeout = checkTimeout(call, options?.timeout);
  const signal = checkSignal(call, options?.signal);
  const aborted = rejectIfAborted(signal);
  if (aborted !== undefined) return aborted;
  if (rooms.length === 0) return Promise.resolve([]);
  const operator = timeout === undefined ? nsp.in(rooms) : nsp.in(rooms).timeout(timeout);
  const fetched = operator.fetchSockets().then((sockets) =>
    sockets.map((s): SessionInfo<Data> => ({ id: s.id, data: s.data as Data, rooms: new Set(s.rooms) })),
  );
  if (timeout === undefined && signal === undefined) return fetched;
  const waiter = new Waiter<SessionInfo<Data>[]>(expireFetch as (w: Waiter<SessionInfo<Data>[]>) => void, timeout);
  // A late answer (or failure) after the timeout or the abort finds the waiter settled: ignored.
  fetched.then(
    (sessions) => waiter.resolve(sessions),
    (error: unknown) => waiter.reject(error),
  );
  return waiter.arm(timeout, signal, "fetchSessions").promise;
}
