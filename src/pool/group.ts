/**
 * Groups: a set of greenlets that is joined, killed and mapped over as one (gevent's `Group`).
 *
 * A member leaves the moment it dies: the group watches each member through the waitable
 * protocol, so the removal is synchronous, before any link callback of the member runs.
 * A group is an owner only of what it surfaces: a member failure that `join({ raiseError })`,
 * `map`, `imap` or `apply` hands to the caller counts as observed; any other member failure is
 * left to the hub's end-of-turn report, exactly as for a greenlet outside any group.
 * @module
 */
import { checkSignal } from "../core/cancel.js";
import { checkFunction, checkOptions, checkTimeout, describe } from "../core/validate.js";
import { Waiter, WaitList, rejectIfAborted } from "../core/waiter.js";
import { addWatcher, removeWatcher, type Watcher } from "../core/waitable.js";
import { GreenletExit } from "../errors.js";
import { describeOwner, emitOwned, observing } from "../core/instrument.js";
import { Greenlet, type GreenletFunction, type KillOptions, type Signal, type WaitOptions } from "../greenlet.js";
import { ImapRun, MapRun, checkMaxsize, checkSource, type Host, type MapFunction, type Run, type Source } from "./map.js";
import type { RunLimits } from "./run-limits.js";
import type { SlotClaim } from "./slots.js";

/** Options of `spawnWith()` on a group or pool: they bound the wait for a slot. */
export interface SpawnOptions extends WaitOptions {
  /**
   * `false`: do not wait; reject with `PoolFullError` if no slot is free. Default `true`. A
   * group never waits, so there it changes nothing.
   */
  blocking?: boolean;
}

/** Options of `join()` on a group or pool. */
export interface GroupJoinOptions extends WaitOptions {
  /**
   * Reject with the exception of the first member that fails during the wait (it counts as
   * observed). Default `false`: failures do not reject the join.
   */
  raiseError?: boolean;
}

/**
 * Options of `map()`, and of `imap()`/`imapUnordered()` with {@link ImapOptions}: they bound the
 * whole run, not each item.
 */
export interface MapOptions {
  /**
   * Milliseconds the run may take, counted from its start (the call for `map`, the first `next()`
   * for `imap`). When they pass before it is over, it ends with a `TimeoutError` and its workers
   * are killed. `undefined` or `Infinity` for no limit.
   */
  timeout?: number;
  /**
   * Ends the run with `signal.reason`, unchanged, when it aborts: its workers are killed and its
   * source closed. Inside a greenlet, pass the greenlet: it costs no AbortSignal.
   */
  signal?: Signal;
}

/** Options of `imap()` and `imapUnordered()`. */
export interface ImapOptions extends MapOptions {
  /**
   * At most this many items in flight or waiting for the consumer: the source is not read
   * further until the loop takes a value. An integer ≥ 1; default `Infinity` (as gevent).
   */
  maxsize?: number;
}

const RAISE = 1;

/** Options of `new Group()`. */
export interface GroupOptions {
  /**
   * `true`: the first member that fails kills the others, and from then on `join()` rejects with
   * that failure once every member is dead (see {@link Group.failures}). Default `false`: gevent's
   * group, where a failure stays the member's.
   */
  failFast?: boolean;
}

function expireFalse(waiter: Waiter<boolean>): void {
  waiter.resolve(false);
}

function ignore(): void {}

/**
 * The outcome of a greenlet as a promise, as `g.get()` gives it: its value; its exception
 * (observed); or, when it was killed, a rejection with the kill's `GreenletExit`.
 */
export function resultOf<T>(g: Greenlet<T>): Promise<T> {
  g._observe(); // the promise surfaces the failure
  return g.get();
}

/**
 * What `Group` and `Pool` share: membership, join, kill and the map family. Not constructed
 * directly; `Group` adds a synchronous `spawn`/`add`, `Pool` a bounded, waiting one.
 */
export abstract class BaseGroup implements Iterable<Greenlet<any>>, Host {
  /** @internal */
  abstract readonly _kind: string;
  /** @internal */
  readonly _members = new Set<Greenlet<any>>();
  /** @internal */
  readonly _runs = new Set<Run>();
  private readonly joiners = new WaitList(this, "join");
  /** Kills in progress; a greenlet admitted meanwhile is killed with the first one's exception. */
  private readonly killers = new WaitList(this, "kill");
  // `owner` lets the deadlock report name a member's group from the greenlet's watchers.
  private readonly leaver: Watcher & { owner: object } = { owner: this, notify: (g) => this.leave(g as Greenlet<any>) };
  /** @internal Fail-fast mode (Group's option); the pool never sets it. */
  protected _failFast = false;
  /** Fail-fast only: every member failure since the first, in completion order; null until then. */
  private failed: unknown[] | null = null;
  /** The greenlet that failed first (fail-fast only). */
  private first: Greenlet<any> | null = null;
  /**
   * @internal Set by `withGroup`, which always joins (or reports): the first failure counts as
   * observed when it happens, even while no join waits yet.
   */
  _joinsLater = false;

  /** The number of members: live greenlets spawned into or added to the group, map workers included. */
  get size(): number {
    return this._members.size;
  }

  /** True when `g` is a member. */
  has(g: Greenlet<any>): boolean {
    return this._members.has(g);
  }

  /** The live members, in the order they joined. A member that dies during the loop is skipped. */
  [Symbol.iterator](): IterableIterator<Greenlet<any>> {
    return this._members.values();
  }

  /**
   * Removes `g` from the group without killing it (in a pool, its slot is freed at once).
   * @returns true if `g` was a member.
   * @throws {TypeError} when `g` is not a Greenlet.
   */
  discard(g: Greenlet<any>): boolean {
    checkGreenlet(`${this._kind}.discard()`, g);
    if (!this._members.delete(g)) return false;
    g[removeWatcher](this.leaver);
    this.afterLeave();
    return true;
  }

  /**
   * Waits until the group is empty.
   *
   * @returns true once the group is empty (at once if it is empty now); false if the own
   * `timeout` expired first. Members keep running either way.
   *
   * In a fail-fast group (`new Group({ failFast: true })`) that has failed, rejects with the first
   * member failure, unchanged, once the group is empty (at once if it is empty now): the other
   * members have been killed and their cleanup has run. `raiseError` changes nothing there.
   * @throws {TypeError|RangeError} at the call for bad options.
   * @throws with `raiseError`, rejects with the exception of the first member that fails during
   * the wait; rejects with `signal.reason` when the signal aborts.
   * @example
   * ```ts
   * const group = new Group();
   * for (const url of urls) group.spawn(fetchOne, url);
   * await group.join({ raiseError: true });
   * ```
   */
  join(options?: GroupJoinOptions): Promise<boolean> {
    const call = `${this._kind}.join()`;
    checkOptions(call, options);
    const timeout = checkTimeout(call, options?.timeout);
    const signal = checkSignal(call, options?.signal);
    const aborted = rejectIfAborted(signal);
    if (aborted !== undefined) return aborted;
    if (this._members.size === 0) return this.failed === null ? Promise.resolve(true) : Promise.reject(this.surfaceFailure());
    const waiter = new Waiter<boolean>(expireFalse);
    waiter.item = options?.raiseError === true ? RAISE : 0;
    this.joiners.push(waiter);
    return waiter.arm(timeout, signal).promise;
  }

  /**
   * Kills every member (see `Greenlet.kill`) and ends the group's `map`/`imap` runs with the
   * kill's exception. Members not yet started die without running. A greenlet that joins the
   * group while the kill is in progress is killed too.
   *
   * Never rejects. With `block` (the default) resolves once the group is empty, that is, once
   * every member's cleanup has run; on its own `timeout` it resolves all the same (silently, as
   * gevent's `Group.kill`) and the survivors keep running. With `block: false` resolves at once.
   * The group stays usable afterwards.
   * @throws {TypeError|RangeError} at the call for bad options.
   * @example
   * ```ts
   * await group.kill({ timeout: 5000 });
   * if (group.size > 0) console.warn(`${group.size} members ignored the kill`);
   * ```
   */
  kill(options?: KillOptions): Promise<void> {
    const call = `${this._kind}.kill()`;
    checkOptions(call, options);
    const timeout = checkTimeout(call, options?.timeout);
    const exception = options?.exception;
    const killer = new Waiter<boolean>(expireFalse);
    killer.item = exception;
    this.killers.push(killer);
    // Members may die synchronously here (those not started), freeing slots that are handed on
    // at once; the killer record makes those newcomers die too.
    for (const g of Array.from(this._members)) g._kill(exception);
    if (this._runs.size > 0) {
      const reason = exception === undefined ? new GreenletExit() : exception;
      for (const run of Array.from(this._runs)) run._abort(reason);
    }
    // settled: the group was empty for a moment during the loop, which is all a kill waits for.
    if (options?.block === false || killer.settled || this._members.size === 0) {
      killer.resolve(true);
      return Promise.resolve();
    }
    return killer.arm(timeout, undefined).promise.then(ignore);
  }

  /**
   * Kills one member. Does nothing when `g` is not a member (it may have just finished).
   * @returns like `Greenlet.kill`: true once `g` is dead, false if the own `timeout` expired
   * first; with `block: false`, at once with `g.dead`. Never rejects.
   * @throws {TypeError} when `g` is not a Greenlet or options are bad.
   */
  killone(g: Greenlet<any>, options?: KillOptions): Promise<boolean> {
    const call = `${this._kind}.killone()`;
    checkGreenlet(call, g);
    checkOptions(call, options);
    checkTimeout(call, options?.timeout);
    if (!this._members.has(g)) return Promise.resolve(g.dead);
    return g.kill(options);
  }

  /**
   * Runs `fn(g, item)` in a member greenlet per item of `iterable` and collects the values in
   * input order. In a pool at most `capacity` run at once and the source is read only as slots
   * free up.
   *
   * Rejects with the first failure in completion order (it counts as observed), with the
   * exception of a worker that was killed, or with the error of a source that throws; then the
   * outstanding workers are killed (without waiting for them: they leave the group as they die)
   * and the source is closed. Killing the group rejects it with the kill's exception. The options
   * end it the same way: `signal` with its reason, unchanged, its own `timeout` with a
   * `TimeoutError`; an already aborted signal rejects before the source is read.
   * @throws {TypeError|RangeError} at the call when `fn` is not a function, `iterable` is not
   * iterable, or an option is bad.
   * @example
   * ```ts
   * const pool = new Pool(10);
   * const pages = await pool.map(async (g, url: string) => (await fetch(url, { signal: g.signal })).text(), urls, { timeout: 30_000 });
   * ```
   */
  map<T, R>(fn: MapFunction<T, R>, iterable: Source<T>, options?: MapOptions): Promise<Awaited<R>[]> {
    const call = `${this._kind}.map()`;
    checkFunction(call, "fn", fn);
    checkSource(call, iterable);
    const limits = checkLimits(call, options);
    return new MapRun<Awaited<R>>(this, fn, iterable as Source<unknown>, limits).start();
  }

  /**
   * Like {@link map}, as an async iterable that yields the values in input order as they become
   * available. It starts on the first `next()`. A failure is thrown in its place, after the
   * values before it; workers of later items are killed as soon as it happens. Leaving the loop
   * early (`break`, `return`, a throw) kills the outstanding workers and closes the source; a
   * failure it held and never threw is then reported to the hub.
   *
   * `signal` and `timeout` bound the whole loop, from its first `next()` until it is over: when
   * the signal aborts, the pending (or the next) `next()` rejects with its reason, unchanged;
   * when the own timeout passes first, with a `TimeoutError`. Either way the outstanding workers
   * are killed, the source is closed and nothing is left registered on the signal.
   * @throws {TypeError|RangeError} at the call for a bad `fn`, `iterable` or option.
   * @example
   * ```ts
   * for await (const row of pool.imap(parseLine, lines, { signal: g })) out.write(row); // ends when g is killed
   * ```
   */
  imap<T, R>(fn: MapFunction<T, R>, iterable: Source<T>, options?: ImapOptions): AsyncIterableIterator<Awaited<R>, undefined> {
    return this.imapRun(`${this._kind}.imap()`, fn, iterable, options, true);
  }

  /**
   * Like {@link imap}, but yields the values in completion order. A failure is thrown when it
   * happens (after the values that completed before it) and kills every outstanding worker.
   * `signal` and `timeout` end the loop as for `imap`.
   * @throws {TypeError|RangeError} at the call for a bad `fn`, `iterable` or option.
   * @example
   * ```ts
   * for await (const answer of group.imapUnordered(askMirror, mirrors)) { use(answer); break; } // fastest wins, others killed
   * ```
   */
  imapUnordered<T, R>(fn: MapFunction<T, R>, iterable: Source<T>, options?: ImapOptions): AsyncIterableIterator<Awaited<R>, undefined> {
    return this.imapRun(`${this._kind}.imapUnordered()`, fn, iterable, options, false);
  }

  private imapRun<T, R>(call: string, fn: MapFunction<T, R>, iterable: Source<T>, options: ImapOptions | undefined, ordered: boolean) {
    checkFunction(call, "fn", fn);
    checkSource(call, iterable);
    const limits = checkLimits(call, options);
    const maxsize = checkMaxsize(call, options?.maxsize);
    return new ImapRun<Awaited<R>>(this, fn, iterable as Source<unknown>, ordered, maxsize, limits);
  }

  /**
   * Like `spawn`, with options for the wait for a slot; always a promise of the greenlet.
   * On a `Pool` it waits as `Pool.add` does: an aborted or timed-out call takes no slot and
   * starts nothing. A `Group` has no slots, so it spawns at once, unless the signal is aborted
   * already. The options come first because `spawn`'s trailing arguments are `fn`'s.
   * @throws {TypeError|RangeError} at the call when `fn` is not a function or an option is bad.
   * @throws rejects with `signal.reason` when the signal aborts (at once if aborted already); on
   * a pool, with `PoolFullError` on its own timeout or, with `blocking: false`, when no slot is
   * free.
   * @example
   * ```ts
   * const worker = await pool.spawnWith({ signal: g, timeout: 1000 }, handle, request);
   * ```
   */
  abstract spawnWith<A extends unknown[], T>(
    options: SpawnOptions | undefined,
    fn: GreenletFunction<A, T>,
    ...args: A
  ): Promise<Greenlet<Awaited<T>>>;

  /** @internal How run-info and reports name the group: `Group`, `Pool(10)`. */
  [describeOwner](): string {
    return this.constructor.name;
  }

  /** @internal Makes `g` a member; a kill in progress (or a failed fail-fast group) kills it at once. */
  _admit(g: Greenlet<any>): void {
    if (g.dead || this._members.has(g)) return;
    this._members.add(g);
    if (observing) emitOwned(g, this);
    g[addWatcher](this.leaver);
    const killer = this.killers.first;
    if (killer !== null) g._kill(killer.item);
    else if (this.failed !== null) g._kill(undefined);
  }

  /**
   * @internal Makes a fresh map worker (not started, so neither dead nor a member) a member that
   * reports its own end by calling `_left(g)`: no watcher per item.
   */
  _admitWorker(g: Greenlet<any>): void {
    this._members.add(g);
    if (observing) emitOwned(g, this);
    const killer = this.killers.first;
    if (killer !== null) g._kill(killer.item);
    else if (this.failed !== null) g._kill(undefined);
  }

  /** @internal A member admitted by `_admitWorker` ended. */
  _left(g: Greenlet<any>): void {
    this.leave(g);
  }

  /** @internal */
  _killReason(): unknown {
    return this.killers.first?.item;
  }

  /** @internal A group has no slots: always free. */
  _slotFree(): boolean {
    return true;
  }

  /** @internal */
  _queueClaim(_claim: SlotClaim<any>): void {
    throw new Error("unreachable: a group never makes a claim wait");
  }

  /** @internal */
  _dropClaim(_claim: SlotClaim<any>): void {}

  /** @internal A member left (died or was discarded); a pool hands its slot on. */
  protected _released(): void {}

  private leave(g: Greenlet<any>): void {
    this._members.delete(g);
    if (this._failFast) {
      if (!g.successful()) this.recordFailure(g);
    } else if (this.joiners.size > 0 && !g.successful()) this.raiseToJoiners(g);
    this.afterLeave();
  }

  private afterLeave(): void {
    this._released();
    if (this._members.size === 0) {
      if (this.failed === null) settleAll(this.joiners);
      else if (this.joiners.size > 0) rejectAll(this.joiners, this.surfaceFailure());
      settleAll(this.killers);
    }
  }

  /**
   * Fail-fast: the first failure kills the other members (and ends the map runs); later ones are
   * only listed. The first counts as observed when a join is there to surface it; the later ones
   * are left to the hub's end-of-turn report unless someone observes them (docs/design/pool.md).
   */
  private recordFailure(g: Greenlet<any>): void {
    if (this.failed !== null) {
      this.failed.push(g._error());
      return;
    }
    this.failed = [this.joiners.size > 0 || this._joinsLater ? g.exception : g._error()];
    this.first = g;
    for (const member of Array.from(this._members)) member._kill(undefined);
    if (this._runs.size > 0) {
      const reason = new GreenletExit();
      for (const run of Array.from(this._runs)) run._abort(reason);
    }
  }

  /** @internal The greenlet that failed first, if the fail-fast group has failed. */
  get _firstFailed(): Greenlet<any> | null {
    return this.first;
  }

  /** The first failure, observed now that a join hands it out. */
  private surfaceFailure(): unknown {
    this.first?._observe();
    return this.failed![0];
  }

  /**
   * Fail-fast groups: every member failure since the group failed, the first (the one `join()`
   * rejects with) at index 0, then the later ones in completion order. Members that ended by a
   * `GreenletExit` (the kills the failure caused) are not failures and are not listed. Empty
   * while the group has not failed, and always empty in a group that is not fail-fast.
   * @example
   * ```ts
   * try {
   *   await group.join();
   * } catch (error) {
   *   for (const other of group.failures.slice(1)) log.warn("also failed", other);
   *   throw error;
   * }
   * ```
   */
  get failures(): readonly unknown[] {
    return this.failed === null ? [] : this.failed.slice();
  }

  private raiseToJoiners(g: Greenlet<any>): void {
    const raising: Waiter<boolean>[] = [];
    for (const waiter of this.joiners) if (waiter.item === RAISE) raising.push(waiter);
    if (raising.length === 0) return;
    const error = g.exception; // observed: the join surfaces it
    for (const waiter of raising) waiter.reject(error);
  }
}

/** Checks the options a map call shares; undefined when it has no signal and no timeout (no guard). */
function checkLimits(call: string, options: MapOptions | undefined): RunLimits | undefined {
  checkOptions(call, options);
  const timeout = checkTimeout(call, options?.timeout);
  const signal = checkSignal(call, options?.signal);
  return timeout === undefined && signal === undefined ? undefined : { call, timeout, signal };
}

function settleAll(list: WaitList): void {
  for (let waiter = list.shift(); waiter !== null; waiter = list.shift()) waiter.resolve(true);
}

function rejectAll(list: WaitList, error: unknown): void {
  for (let waiter = list.shift(); waiter !== null; waiter = list.shift()) waiter.reject(error);
}

/** @internal Throws the TypeError of a non-Greenlet argument. */
export function checkGreenlet(call: string, g: unknown): asserts g is Greenlet<any> {
  if (!(g instanceof Greenlet)) throw new TypeError(`${call}: expected g to be a Greenlet, got ${describe(g)}`);
}

/**
 * A group of greenlets with no bound: `spawn` starts a member at once. Members leave the group
 * when they die. See {@link BaseGroup} for join, kill and the map family.
 *
 * @example
 * ```ts
 * const group = new Group();
 * group.spawn(async (g) => { for (;;) await heartbeat({ signal: g }); });
 * const sizes = await group.map(async (g, file: string) => (await stat(file)).size, files);
 * await group.kill();
 * ```
 */
export class Group extends BaseGroup {
  /** @internal */
  readonly _kind: string = "Group";

  /**
   * An empty group. With `failFast: true` it is a fail-fast group: the first member that fails
   * (ends with an exception other than a `GreenletExit`) kills the others, the group admits no
   * new member from then on (a spawn returns a greenlet killed before it started), and `join()`
   * rejects with that failure once every member is dead. The failed state is final: a fail-fast
   * group is for one job (see `withGroup`).
   * @throws {TypeError} when `options` is not an object or `failFast` not a boolean.
   * @example
   * ```ts
   * const group = new Group({ failFast: true });
   * group.spawn(download, "a");
   * group.spawn(download, "b"); // killed if "a" fails
   * await group.join(); // rejects with the first failure, after both are dead
   * ```
   */
  constructor(options?: GroupOptions) {
    super();
    checkOptions("new Group()", options);
    const failFast = options?.failFast;
    if (failFast !== undefined && typeof failFast !== "boolean") {
      throw new TypeError(`new Group(): expected failFast to be a boolean or undefined, got ${describe(failFast)}`);
    }
    this._failFast = failFast === true;
  }

  /** True for a fail-fast group (`new Group({ failFast: true })`). */
  get failFast(): boolean {
    return this._failFast;
  }

  /**
   * Spawns `fn(g, ...args)` as a member (started on a later microtask, like `spawn`).
   * While a kill of the group is in progress the greenlet is returned already dead.
   * @throws {TypeError} when `fn` is not a function.
   */
  spawn<A extends unknown[], T>(fn: GreenletFunction<A, T>, ...args: A): Greenlet<Awaited<T>> {
    checkFunction("Group.spawn()", "fn", fn);
    const g = new Greenlet<Awaited<T>>(fn as GreenletFunction<any[], Awaited<T>>, ...args);
    this._admit(g);
    return g.start();
  }

  /**
   * `spawn` with the options of a waiting spawn, for code written against both groups and pools:
   * a group never waits, so `timeout` and `blocking` change nothing; a signal aborted already
   * rejects with its reason and spawns nothing.
   * @throws {TypeError|RangeError} at the call when `fn` is not a function or an option is bad.
   * @example
   * ```ts
   * const worker = await group.spawnWith({ signal: g }, handle, job); // g: the spawning greenlet
   * ```
   */
  spawnWith<A extends unknown[], T>(options: SpawnOptions | undefined, fn: GreenletFunction<A, T>, ...args: A): Promise<Greenlet<Awaited<T>>> {
    const call = "Group.spawnWith()";
    checkOptions(call, options);
    checkTimeout(call, options?.timeout);
    const signal = checkSignal(call, options?.signal);
    checkFunction(call, "fn", fn);
    const aborted = rejectIfAborted(signal);
    if (aborted !== undefined) return aborted;
    const g = new Greenlet<Awaited<T>>(fn as GreenletFunction<any[], Awaited<T>>, ...args);
    this._admit(g);
    return Promise.resolve(g.start());
  }

  /**
   * Adds `g` as a member. It is not started; a dead greenlet or a member already is ignored.
   * @throws {TypeError} when `g` is not a Greenlet.
   */
  add(g: Greenlet<any>): void {
    checkGreenlet("Group.add()", g);
    this._admit(g);
  }

  /**
   * Runs `fn(g, ...args)` in a member and resolves with its value; rejects with its failure, or
   * with the kill's exception if it was killed.
   * @throws {TypeError} when `fn` is not a function.
   */
  apply<A extends unknown[], T>(fn: GreenletFunction<A, T>, ...args: A): Promise<Awaited<T>> {
    checkFunction("Group.apply()", "fn", fn);
    return resultOf(this.spawn(fn, ...args));
  }
}
