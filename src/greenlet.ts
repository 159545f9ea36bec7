/**
 * Greenlet: an async function run as a task you can join, kill, link to and wait for.
 *
 * A greenlet is cheap: no AbortController until someone reads `g.signal`, no timer, no listener.
 * Waits that are given the greenlet as their `signal` register in the greenlet itself (it is a
 * {@link CancelScope}), and `kill()` rejects each of them with the kill's exception: those waits are
 * the switch points where a kill lands. An `await` on a foreign promise is not one; that work
 * finishes on its own.
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { CancelScope, CancelState, checkSignal, type AbortTarget, type SignalLike } from "./core/cancel.js";
import { getClock, type TimerHandle } from "./core/clock.js";
import { checkAtEndOfTurn, reportError, type Reportable } from "./core/hub.js";
import { checkDuration, checkFunction, checkOptions, checkTimeout, describe } from "./core/validate.js";
import { Waiter, rejectIfAborted } from "./core/waiter.js";
import { PARKS, lastReject, lastResolve, leanPromise, type Reject, type Resolve } from "./core/park.js";
import { addWatcher, removeWatcher, type Waitable, type Watcher } from "./core/waitable.js";
import { emitEnded, emitKilled, emitLinked, emitParked, emitResumed, emitSpawned, emitStarted, formatParkSite, observing, ownerLabel } from "./core/instrument.js";
import { holdNamed, labelOf, noteRunning, registerStuckKind, releaseNamed, visitStuck, type StuckFinder, type StuckGreenlet } from "./core/stuck.js";
import { GreenletExit, TimeoutError } from "./errors.js";
import { Family, PARENT_ENDED } from "./family.js";

/** The `signal` option every wait takes: an AbortSignal, or a greenlet (cheaper, see principle 1). */
export type Signal = AbortSignal | CancelScope;

/** Options of a wait that may time out or be aborted. */
export interface WaitOptions {
  /** Milliseconds before the wait gives up by itself; `undefined` or `Infinity` for never. */
  timeout?: number;
  /** Aborts the wait with the signal's reason, unchanged. Inside a greenlet, pass the greenlet. */
  signal?: Signal;
}

/** Options of {@link Greenlet.get}. */
export interface GetOptions extends WaitOptions {
  /** `false`: do not wait; reject with `TimeoutError` if the greenlet is not ready. Default `true`. */
  block?: boolean;
}

/** Options of {@link Greenlet.kill} and `killall`. */
export interface KillOptions {
  /** The reason the greenlet is killed with. Default: a new {@link GreenletExit}. */
  exception?: unknown;
  /** Wait until the function has settled (its `finally` blocks have run). Default `true`. */
  block?: boolean;
  /** With `block`, milliseconds to wait for the greenlet to die. */
  timeout?: number;
}

/** A function run as a greenlet: it receives the greenlet first, then the spawn arguments. */
export type GreenletFunction<A extends unknown[], T> = (g: Greenlet<Awaited<T>>, ...args: A) => T | PromiseLike<T>;

/** A link callback: receives the greenlet once it has ended. */
export type LinkCallback<T> = (g: Greenlet<T>) => unknown;

/**
 * An object that can be passed to `link()` in place of a callback: `AsyncResult` is one, and is
 * settled from the greenlet's outcome.
 */
export const linkTarget: unique symbol = Symbol.for("greenthread.linkTarget");
/** An object that `link()` accepts in place of a callback (`AsyncResult` is one). */
export interface LinkTarget {
  /** Called once with the greenlet after it has ended, as a link callback would be. */
  [linkTarget](g: Greenlet<any>): void;
}

type LinkKind = 0 | 1 | 2; // any outcome, value only, exception only
interface Link<T> {
  callback: LinkCallback<T> | LinkTarget;
  kind: LinkKind;
}

const NEW = 0;
const SCHEDULED = 1;
const RUNNING = 2;
const DEAD = 3;
type State = typeof NEW | typeof SCHEDULED | typeof RUNNING | typeof DEAD;

let lastId = 0;

// Greenlets whose start is due, started FIFO from a microtask: cheaper than a microtask each, and
// the same order, since a greenlet spawned while the queue drains is appended to it. The queue is
// drained in chunks, each from its own microtask, so the promise reactions of one chunk (most
// short greenlets end right there) run before the next chunk starts: the per-start garbage then
// dies young instead of surviving a scavenge, which halves GC time when thousands are spawned at
// once. The contract holds either way: each greenlet starts on a later microtask, in spawn order.
const START_CHUNK = 256;
let startQueue: Greenlet<any>[] = [];
let startHead = 0;
let startScheduled = false;

function drainStartQueue(): void {
  const queue = startQueue;
  const end = Math.min(queue.length, startHead + START_CHUNK);
  let i = startHead;
  for (; i < end; i++) {
    const g = queue[i]!;
    queue[i] = undefined as unknown as Greenlet<any>; // started greenlets are not kept alive by the queue
    try {
      g._run();
    } catch (error) {
      // _run catches the function's own errors; this is a library bug, and it must not stop
      // the queue (every later spawn would never start).
      reportError(error, { kind: "internal", greenlet: g });
    }
  }
  if (i < queue.length) {
    startHead = i;
    queueMicrotask(drainStartQueue);
  } else {
    startQueue = [];
    startHead = 0;
    startScheduled = false;
  }
}

function enqueueStart(g: Greenlet<any>): void {
  startQueue.push(g);
  if (!startScheduled) {
    startScheduled = true;
    queueMicrotask(drainStartQueue);
  }
}

function startFromTimer(g: Greenlet<any>): void {
  g._clearStartTimer();
  g._run();
}

/** The rarely used part of a greenlet's state. */
interface Extra {
  name: string | undefined;
  controller: AbortController | undefined;
  links: Link<any>[] | null;
  startTimer: TimerHandle | undefined;
  cancel: CancelState | undefined;
  /** The settlers of a lean wait that outlived the function (flag ORPHAN). */
  orphan?: [Resolve, Reject];
  /** Parent link and children (`g.spawn()`); flag CHILDREN once it has had a child. */
  family?: Family;
}

const NO_ARGS: unknown[] = [];
const STATE = 3; // the low bits of `flags`
const FAILED = 4;
const OBSERVED = 8;
const LINKS_SCHEDULED = 16;
const ONE_ARG = 32;
const EXITED = 64; // ended by a GreenletExit (a kill, or thrown by the function): no value of type T
// Parked in a lean wait (core/park.ts): while running, `args` holds the wait's resolve function
// and `slot` its reject function. Both are free while the function runs, so a killable wait adds
// no field to a greenlet and allocates nothing but its promise.
const LEAN = 128;
// The function ended while a lean wait was still parked (a race it abandoned, or another task's
// wait given this greenlet): the wait's settlers moved to `extra.orphan`, and it still settles.
const ORPHAN = 256;
// It has spawned a child through its handle (extra.family): its end waits for the children.
const CHILDREN = 512;
// The bits above hold the label number (core/stuck.ts) of the last lean wait, for the deadlock
// report: where a greenlet is parked costs no field.
const LABEL_SHIFT = 10;
const LOW_FLAGS = (1 << LABEL_SHIFT) - 1;

function expireFalse(waiter: Waiter<boolean>): void {
  waiter.resolve(false);
}

function expireGet(waiter: Waiter<unknown>): void {
  waiter.reject(new TimeoutError(`Greenlet.get(): timed out after ${waiter.item as number} ms`, waiter.item as number));
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === "object" || typeof value === "function") &&
    typeof (value as PromiseLike<unknown>).then === "function"
  );
}

/**
 * A unit of work: `fn(g, ...args)` run as a task with an identity, an outcome and a kill switch.
 *
 * Create one with {@link spawn} (scheduled at once) or `new Greenlet(fn, ...args)` followed by
 * `start()`/`startLater(ms)`. A greenlet is not thenable: `await g.get()` for its value,
 * `await g.join()` to wait for its end.
 *
 * `T` is the type of the value. `A` is the type of the arguments, checked against `fn` by the
 * constructor as `spawn` checks them; it plays no part once the greenlet exists, and any
 * `Greenlet<T, A>` is a `Greenlet<T>`.
 *
 * @example
 * ```ts
 * const g = spawn(async (g, url: string) => (await fetch(url, { signal: g.signal })).status, "https://example.com");
 * await g.join({ timeout: 5000 });
 * if (!g.ready()) await g.kill();
 * ```
 */
export class Greenlet<T = unknown, A extends unknown[] = any[]> extends CancelScope implements Waitable, Reportable {
  /** A small sequential integer, unique in this process. */
  readonly id: number;
  // The fields are few on purpose: a greenlet is allocated per task at a million tasks a second,
  // and its size shows up in GC time. Rarely used state lives in `extra`.
  /** The state (low bits) and the FAILED/OBSERVED/… flags. */
  private flags = NEW;
  /** The function until it starts; its outcome (value or exception) once it has ended. */
  private slot: unknown;
  /** The one argument (flag ONE_ARG), or the argument array: one allocation fewer per spawn. */
  private args: unknown;
  private watchers: Watcher | Watcher[] | undefined = undefined;
  private extra: Extra | undefined = undefined;

  // `A` lives on the class because a constructor cannot have type parameters of its own; no
  // member uses it, which is what makes every Greenlet<T, A> a Greenlet<T>.
  /**
   * A greenlet that runs `fn(g, ...args)` once started; the arguments are checked against `fn`'s
   * parameters, as `spawn` checks them.
   * @throws {TypeError} when `fn` is not a function.
   * @example
   * ```ts
   * const g = new Greenlet(async (g, ms: number) => sleep(ms, { signal: g }), 100);
   * g.start();
   * ```
   */
  constructor(fn: GreenletFunction<A, T>, ...args: A);
  constructor(fn: (g: Greenlet<T>, ...args: any[]) => unknown) {
    super();
    checkFunction("new Greenlet()", "fn", fn);
    this.id = ++lastId;
    this.slot = fn;
    // `arguments` with constant indexes is optimised away; a rest parameter would allocate.
    /* eslint-disable prefer-rest-params */
    const n = arguments.length;
    if (n === 2) {
      this.args = arguments[1];
      this.flags = ONE_ARG;
    } else {
      this.args = n === 1 ? NO_ARGS : Array.prototype.slice.call(arguments, 1);
    }
    /* eslint-enable prefer-rest-params */
  }

  private get more(): Extra {
    return (this.extra ??= { name: undefined, controller: undefined, links: null, startTimer: undefined, cancel: undefined });
  }

  /** @internal The state: NEW, SCHEDULED, RUNNING or DEAD. */
  get _state(): State {
    return (this.flags & STATE) as State;
  }

  private setState(state: State): void {
    this.flags = (this.flags & ~STATE) | state;
  }

  /** `Greenlet-<id>` unless a name was assigned. */
  get name(): string {
    return this.extra?.name ?? `Greenlet-${this.id}`;
  }

  set name(value: string) {
    if (typeof value !== "string") {
      throw new TypeError(`Greenlet.name: expected a string, got ${describe(value)}`);
    }
    this.more.name = value;
    if (this._state === SCHEDULED || this._state === RUNNING) holdNamed(this); // else from start()
  }

  /** True from `start()`/`startLater()` until the greenlet ends. */
  get started(): boolean {
    return this._state === SCHEDULED || this._state === RUNNING;
  }

  /** True once the greenlet has ended: its function settled, or it was killed before it started. */
  get dead(): boolean {
    return this._state === DEAD;
  }

  /** Same as `dead`: the greenlet has an outcome. */
  ready(): boolean {
    return this._state === DEAD;
  }

  /**
   * True once ended without an exception. A kill with a `GreenletExit` (the default) counts: a
   * kill is not a failure, though `get()` rejects with the exit, since there is no value.
   */
  successful(): boolean {
    return this._state === DEAD && (this.flags & FAILED) === 0;
  }

  /**
   * What the function returned, or the `GreenletExit` it was killed with (a kill with the default
   * exception counts as success); undefined while running and after a failure. `get()` gives a
   * value typed `T` alone: it rejects with the `GreenletExit` instead.
   */
  get value(): T | GreenletExit | undefined {
    return this._state !== DEAD || (this.flags & FAILED) !== 0 ? undefined : (this.slot as T | GreenletExit);
  }

  /** The error the greenlet failed with, or undefined. Reading it counts as observing the failure. */
  get exception(): unknown {
    if ((this.flags & FAILED) === 0) return undefined;
    this.flags |= OBSERVED;
    return this.slot;
  }

  /**
   * A real AbortSignal for platform APIs (fetch, streams, timers/promises), created on first read
   * and aborted with the kill's exception when the greenlet is killed. Read after a kill, it is
   * already aborted. For the library's own waits pass the greenlet itself: it costs nothing.
   */
  get signal(): AbortSignal {
    const more = this.more;
    if (more.controller === undefined) {
      more.controller = new AbortController();
      if (more.cancel?.aborted === true) more.controller.abort(more.cancel.reason);
    }
    return more.controller.signal;
  }

  /**
   * The greenlet whose `spawn()` created this one; undefined for a greenlet created
   * any other way. Stays set after either ends. Never throws.
   * @example
   * ```ts
   * const child = g.spawn(work);
   * child.parent === g; // true
   * ```
   */
  get parent(): Greenlet<unknown> | undefined {
    return this.extra?.family?.parent;
  }

  /**
   * Spawns `fn(child, ...args)` as a child of this greenlet (started on a later microtask, like
   * the module's `spawn`). A child dies with its parent: once the parent's function has settled,
   * whatever its outcome (a value, a failure, a kill), every live child is killed with a
   * `GreenletExit` whose `reason` is `"parent ended"`, and the parent ends only once they are dead:
   * its `dead`, `join()`, `get()` and links wait for the children's cleanup, and so do its own
   * parent and any group it is in. A child's failure is the child's: it does not fail or kill the
   * parent, and is reported to the hub unless observed, as any greenlet's (use a fail-fast group
   * for failures that end the others). Spawned on a parent whose function has settled already,
   * the child is returned killed before it started.
   * @throws {TypeError} when `fn` is not a function.
   * @example
   * ```ts
   * spawn(async (g) => {
   *   g.spawn(async (child) => { for (;;) await heartbeat({ signal: child }); });
   *   await serve({ signal: g });
   * }); // the heartbeat ends when the server greenlet does, and is dead before it counts as dead
   * ```
   */
  spawn<B extends unknown[], R>(fn: GreenletFunction<B, R>, ...args: B): Greenlet<Awaited<R>> {
    checkFunction("Greenlet.spawn()", "fn", fn);
    const child = new Greenlet<Awaited<R>>(fn as GreenletFunction<any[], Awaited<R>>, ...args);
    const family = (this.more.family ??= new Family(this));
    (child.more.family = new Family(child)).parent = this;
    if (family.ending) {
      child._kill(new GreenletExit(PARENT_ENDED));
      return child;
    }
    this.flags |= CHILDREN;
    family.adopt(child);
    return child.start();
  }

  /**
   * Schedules the function to start on a later microtask, after greenlets spawned before it.
   * Does nothing if the greenlet was started already or is dead.
   */
  start(): this {
    if (this._state === NEW) {
      this.setState(SCHEDULED);
      enqueueStart(this);
      if (this.extra?.name !== undefined) holdNamed(this);
      if (observing) emitSpawned(this);
    }
    return this;
  }

  /**
   * Schedules the function to start once `ms` milliseconds have passed. Does nothing if the
   * greenlet was started already or is dead.
   * @throws {TypeError|RangeError} when `ms` is not a finite number ≥ 0.
   */
  startLater(ms: number): this {
    checkDuration("Greenlet.startLater()", "ms", ms);
    if (this._state === NEW) {
      this.setState(SCHEDULED);
      this.more.startTimer = getClock().setTimer(startFromTimer, ms, this);
      if (this.extra?.name !== undefined) holdNamed(this);
      if (observing) emitSpawned(this);
    }
    return this;
  }

  /** @internal */
  _clearStartTimer(): void {
    if (this.extra !== undefined) this.extra.startTimer = undefined;
  }

  /** @internal Runs the function; called once, by the start queue or the start timer. */
  _run(): void {
    if (this._state !== SCHEDULED) return; // killed before it started
    this.setState(RUNNING);
    noteRunning(1);
    if (observing) emitStarted(this);
    const fn = this.slot as (g: Greenlet<T>, ...args: unknown[]) => unknown;
    const args = this.args;
    this.slot = this.args = undefined;
    let outcome: unknown;
    try {
      if (currentStorage !== undefined) outcome = currentStorage.run(this, invoke, this, fn, args, (this.flags & ONE_ARG) !== 0);
      else if ((this.flags & ONE_ARG) !== 0) outcome = fn(this, args);
      else if (args === NO_ARGS) outcome = fn(this);
      else outcome = fn(this, ...(args as unknown[]));
    } catch (error) {
      this._finish(false, error);
      return;
    }
    // Two closures and a derived promise measure about twice as fast here as an async helper
    // that awaits the outcome (whose suspended frame is the bigger allocation).
    if (outcome instanceof Promise) {
      outcome.then(
        (value) => this._finish(true, value),
        (error: unknown) => this._finish(false, error),
      );
    } else if (isPromiseLike(outcome)) {
      // A foreign thenable may throw from `then` itself; _run must never throw (it runs inside
      // the start queue's loop).
      Promise.resolve(outcome).then(
        (value) => this._finish(true, value),
        (error: unknown) => this._finish(false, error),
      );
    } else {
      this._finish(true, outcome);
    }
  }

  /** @internal Records the outcome; the first call wins. */
  _finish(ok: boolean, result: unknown): void {
    const state = this._state;
    if (state === DEAD) return;
    if ((this.flags & CHILDREN) !== 0 && this.holdForChildren(ok, result)) return; // ends in _endHeld
    if (state === RUNNING) noteRunning(-1);
    // The function ended while a lean wait given this greenlet was still parked (a race it
    // abandoned, or another task's wait): the wait stays where it is, and settles as it would have.
    if ((this.flags & LEAN) !== 0) {
      this.more.orphan = [this.args as Resolve, this.slot as Reject];
      this.flags = (this.flags & ~LEAN) | ORPHAN;
    }
    if (!ok && this.extra?.cancel?.aborted === true) result = unwrapAbort(result, this.extra.cancel.reason);
    const exited = !ok && result instanceof GreenletExit;
    const failed = !ok && !exited;
    this.flags = (this.flags & ~STATE) | DEAD | (failed ? FAILED : exited ? EXITED : 0);
    this.args = undefined;
    this.slot = result;
    // Before the watchers: a trace then shows the end before the joiners it wakes.
    if (observing) emitEnded(this);
    const watchers = this.watchers;
    if (watchers !== undefined) {
      this.watchers = undefined;
      if (Array.isArray(watchers)) for (let i = 0; i < watchers.length; i++) watchers[i]!.notify(this);
      else watchers.notify(this);
    }
    if (this.extra !== undefined) {
      if (this.extra.links !== null) this.scheduleLinks();
      if (this.extra.name !== undefined) releaseNamed(this);
    }
    if (failed && (this.flags & OBSERVED) === 0) checkAtEndOfTurn(this);
  }

  /** @internal Reports the failure to the hub unless someone observed it by now. */
  reportIfUnobserved(): void {
    if ((this.flags & OBSERVED) !== 0) return;
    this.flags |= OBSERVED;
    reportError(this.slot, { kind: "greenlet", greenlet: this });
  }

  /** @internal An owner (group, pool, session) takes responsibility for reporting the failure. */
  _observe(): void {
    this.flags |= OBSERVED;
  }

  /** Live children: kills them, keeps the outcome; the last one to die calls `_endHeld`. */
  private holdForChildren(ok: boolean, result: unknown): boolean {
    const family = this.extra!.family!;
    if (!family.hasChildren()) return false;
    if (!family.hold(ok, result)) {
      this.flags &= ~CHILDREN; // none had started: they died at once
      return false;
    }
    if (this._state !== RUNNING) {
      // Killed before it started: it must not start while its children die, and it counts as
      // running (started, not ended) until _endHeld.
      this.setState(RUNNING);
      noteRunning(1);
    }
    return true;
  }

  /** @internal The last child died: ends with the outcome held since the function settled. */
  _endHeld(ok: boolean, result: unknown): void {
    this.flags &= ~CHILDREN;
    this._finish(ok, result);
  }

  /** @internal The exception of a failed greenlet, read without observing it. */
  _error(): unknown {
    return (this.flags & FAILED) !== 0 ? this.slot : undefined;
  }

  /** @internal Whether it ended by a `GreenletExit`: successful, yet with no value of type `T`. */
  _exited(): boolean {
    return (this.flags & EXITED) !== 0;
  }

  /**
   * Waits until the greenlet is dead.
   * @returns true once it is dead (whether it succeeded or failed); false if the own `timeout`
   * expired first. Never rejects because the greenlet failed.
   * @throws rejects with `signal.reason` when the signal aborts (at once if it is aborted already).
   */
  join(options?: WaitOptions): Promise<boolean> {
    checkOptions("Greenlet.join()", options);
    const timeout = checkTimeout("Greenlet.join()", options?.timeout);
    const signal = checkSignal("Greenlet.join()", options?.signal);
    const aborted = rejectIfAborted(signal);
    if (aborted !== undefined) return aborted;
    if (this._state === DEAD) return Promise.resolve(true);
    return new Waiter<boolean>(expireFalse, true).watch(this).arm(timeout, signal).promise;
  }

  /**
   * The greenlet's value, waiting for it to end if needed. Counts as observing a failure.
   *
   * A greenlet that ended by a `GreenletExit` (killed, or the function threw one) has no value:
   * `get()` rejects with that exit, unchanged, as asyncio's `result()` raises `CancelledError`.
   * The greenlet still counts as successful (`successful()` is true, `value` is the exit), and the
   * kill is never reported as a failure. A function that catches the kill and returns `x` ends
   * with `x`, and `get()` resolves with it.
   * @returns the value; rejects with the greenlet's exception, or with the `GreenletExit` it was
   * killed with.
   * @throws rejects with `TimeoutError` on its own timeout or when `block` is false and the greenlet
   * is not ready; with `signal.reason` when the signal aborts.
   * @example
   * ```ts
   * try {
   *   const n: number = await g.get({ timeout: 1000 });
   * } catch (error) {
   *   if (error instanceof GreenletExit) console.log("killed:", error.reason);
   *   else throw error;
   * }
   * ```
   */
  get(options?: GetOptions): Promise<T> {
    checkOptions("Greenlet.get()", options);
    const timeout = checkTimeout("Greenlet.get()", options?.timeout);
    const signal = checkSignal("Greenlet.get()", options?.signal);
    const aborted = rejectIfAborted(signal);
    if (aborted !== undefined) return aborted;
    this.flags |= OBSERVED;
    if (this._state === DEAD) return this.outcome();
    if (options?.block === false) {
      return Promise.reject(new TimeoutError("Greenlet.get(): the greenlet is not ready and block is false"));
    }
    const waiter = new Waiter<unknown>(expireGet, undefined);
    waiter.item = timeout;
    return waiter
      .watch(this)
      .arm(timeout, signal, "get", this)
      .promise.then(() => this.outcome());
  }

  private outcome(): Promise<T> {
    return (this.flags & (FAILED | EXITED)) !== 0 ? Promise.reject(this.slot) : Promise.resolve(this.slot as T);
  }

  /**
   * Kills the greenlet: every library wait given the greenlet (or its signal) rejects at once with
   * `exception`, and `g.signal` aborts with it. A greenlet that has not started yet is marked dead
   * at once and its function never runs. Idempotent: the first kill's exception wins, and killing a
   * dead greenlet does nothing.
   *
   * Never rejects. With `block` (the default), resolves true once the function has settled, or
   * false if the own `timeout` expired first (the greenlet keeps running); with `block: false`,
   * resolves at once with `dead`. Do not block on a kill of the greenlet you are running in: it
   * cannot end while it waits for itself.
   */
  kill(options?: KillOptions): Promise<boolean> {
    checkOptions("Greenlet.kill()", options);
    const timeout = checkTimeout("Greenlet.kill()", options?.timeout);
    this._kill(options?.exception);
    if (options?.block === false || this._state === DEAD) return Promise.resolve(this._state === DEAD);
    return new Waiter<boolean>(expireFalse, true).watch(this).arm(timeout, undefined).promise;
  }

  /**
   * @internal The non-waiting part of kill, shared with killall and the owners.
   * An undefined `exception` means a fresh GreenletExit.
   */
  _kill(exception: unknown): void {
    if (this._state === DEAD || this._isAborted()) return; // the first kill's exception wins
    const reason = exception === undefined ? new GreenletExit() : exception;
    if (observing) emitKilled(this, reason);
    const extra = this.more;
    (extra.cancel ??= new CancelState()).abort(reason);
    if ((this.flags & LEAN) !== 0) {
      // Rejected now; the primitive it waits on skips the entry when it reaches it.
      const reject = this.slot as Reject;
      this.flags &= ~LEAN;
      this.slot = this.args = undefined;
      reject(reason);
      if (observing) emitResumed(this);
    }
    extra.controller?.abort(reason);
    if (this._state === NEW || this._state === SCHEDULED) {
      if (extra.startTimer !== undefined) {
        getClock().clearTimer(extra.startTimer);
        extra.startTimer = undefined;
      }
      this._finish(false, reason);
    }
  }

  /**
   * Calls `callback(g)` once the greenlet has ended, whatever the outcome. Callbacks run
   * asynchronously (also when linked after the end), in the order they were linked; one that
   * throws or rejects is reported to the hub and the others still run. Counts as observing a
   * failure. `callback` may also be a link target such as an `AsyncResult`.
   */
  link(callback: LinkCallback<T> | LinkTarget): void {
    this.addLink("Greenlet.link()", callback, 0);
  }

  /** Like {@link link}, but the callback runs only if the greenlet succeeded. */
  linkValue(callback: LinkCallback<T> | LinkTarget): void {
    this.addLink("Greenlet.linkValue()", callback, 1);
  }

  /** Like {@link link}, but the callback runs only if the greenlet failed. Counts as observing. */
  linkException(callback: LinkCallback<T> | LinkTarget): void {
    this.addLink("Greenlet.linkException()", callback, 2);
  }

  /** Removes every link to `callback` that has not run yet. */
  unlink(callback: LinkCallback<T> | LinkTarget): void {
    const extra = this.extra;
    if (extra === undefined || extra.links === null) return;
    extra.links = extra.links.filter((link) => link.callback !== callback);
  }

  private addLink(call: string, callback: LinkCallback<T> | LinkTarget, kind: LinkKind): void {
    if (typeof callback !== "function" && !isLinkTarget(callback)) {
      throw new TypeError(`${call}: expected callback to be a function or a link target, got ${describe(callback)}`);
    }
    if (kind !== 1) this.flags |= OBSERVED;
    (this.more.links ??= []).push({ callback, kind });
    if (observing) emitLinked(this, callback);
    if (this._state === DEAD) this.scheduleLinks();
  }

  private scheduleLinks(): void {
    if ((this.flags & LINKS_SCHEDULED) !== 0) return;
    this.flags |= LINKS_SCHEDULED;
    queueMicrotask(() => this.runLinks());
  }

  private runLinks(): void {
    this.flags &= ~LINKS_SCHEDULED;
    const links = this.more.links;
    this.more.links = null;
    if (links === null) return;
    const failed = (this.flags & FAILED) !== 0;
    for (const { callback, kind } of links) {
      if ((kind === 1 && failed) || (kind === 2 && !failed)) continue;
      try {
        const returned = typeof callback === "function" ? callback(this) : callback[linkTarget](this);
        if (isPromiseLike(returned)) {
          returned.then(undefined, (error: unknown) => reportError(error, { kind: "link", greenlet: this }));
        }
      } catch (error) {
        reportError(error, { kind: "link", greenlet: this });
      }
    }
  }

  /** @internal */
  _isAborted(): boolean {
    return this.extra?.cancel?.aborted === true;
  }

  /** @internal */
  _abortReason(): unknown {
    return this.extra?.cancel?.reason;
  }

  /**
   * @internal Whether a wait given this greenlet as its signal, with no timeout, may park lean
   * (core/park.ts): running, not aborted, and not parked lean already.
   */
  _canPark(): boolean {
    return (this.flags & (STATE | LEAN)) === RUNNING && this.extra?.cancel?.aborted !== true;
  }

  /**
   * @internal Parks a lean wait (core/park.ts); the caller keeps the greenlet as the entry. Call
   * only when `_canPark()`.
   */
  _park<V>(label: number, detail?: unknown): Promise<V> {
    const promise = leanPromise<V>();
    this.args = lastResolve;
    this.slot = lastReject;
    this.flags = (this.flags & LOW_FLAGS) | LEAN | (label << LABEL_SHIFT);
    if (observing) emitParked(this, labelOf(label) ?? "wait", detail);
    return promise;
  }

  /** @internal ParkEntry: its lean wait still waits (a greenlet is parked lean in one place at most). */
  _parkedIn(): boolean {
    return (this.flags & (LEAN | ORPHAN)) !== 0;
  }

  /** @internal ParkEntry: as `_parkedIn`; `_wake`/`_fail` then settle it. */
  _take(): boolean {
    return (this.flags & (LEAN | ORPHAN)) !== 0;
  }

  /** @internal ParkEntry: settles the lean wait with `value`. */
  _wake(value: unknown): void {
    if ((this.flags & LEAN) !== 0) {
      const resolve = this.args as Resolve;
      this.flags &= ~LEAN;
      this.slot = this.args = undefined;
      resolve(value);
      if (observing) emitResumed(this);
    } else this.settleOrphan(0, value);
  }

  /** @internal ParkEntry: rejects the lean wait with `reason`. */
  _fail(reason: unknown): void {
    if ((this.flags & LEAN) !== 0) {
      const reject = this.slot as Reject;
      this.flags &= ~LEAN;
      this.slot = this.args = undefined;
      reject(reason);
      if (observing) emitResumed(this);
    } else this.settleOrphan(1, reason);
  }

  private settleOrphan(which: 0 | 1, outcome: unknown): void {
    const orphan = this.extra?.orphan;
    if ((this.flags & ORPHAN) === 0 || orphan === undefined) return;
    this.flags &= ~ORPHAN;
    this.extra!.orphan = undefined;
    orphan[which](outcome);
  }

  /** @internal */
  _subscribe(target: AbortTarget): void {
    (this.more.cancel ??= new CancelState()).subscribe(target);
  }

  /** @internal */
  _unsubscribe(target: AbortTarget): void {
    this.extra?.cancel?.unsubscribe(target);
    if (observing) emitResumed(this);
  }


  /** Waitable protocol. */
  [addWatcher](watcher: Watcher): void {
    if (this._state === DEAD) {
      watcher.notify(this);
      return;
    }
    const watchers = this.watchers;
    if (watchers === undefined) this.watchers = watcher;
    else if (Array.isArray(watchers)) watchers.push(watcher);
    else this.watchers = [watchers, watcher];
  }

  /** Waitable protocol. */
  [removeWatcher](watcher: Watcher): void {
    const watchers = this.watchers;
    if (watchers === watcher) this.watchers = undefined;
    else if (Array.isArray(watchers)) {
      const i = watchers.indexOf(watcher);
      if (i >= 0) watchers.splice(i, 1);
    }
  }

  /**
   * @internal The deadlock report's heap walk (core/stuck.ts): whether it runs, where it is
   * parked (a lean wait's label from the flags, or a Waiter registered with it), who owns it and
   * who joins it.
   */
  [visitStuck](finder: StuckFinder): void {
    if (this._state !== RUNNING) return;
    finder.running(this);
    if (this.extra?.family?.held != null) finder.parked(this, "its children (g.spawn)");
    if ((this.flags & LEAN) !== 0) {
      const label = labelOf(this.flags >>> LABEL_SHIFT);
      if (label !== undefined) finder.parked(this, label);
    }
    this.extra?.cancel?.forEach((target) => {
      if (!(target instanceof Waiter)) return;
      const [what, detail] = target.whereParked();
      const site = formatParkSite(what, detail);
      if (what !== "wait" && site !== "join") finder.parked(this, site); // a join names its greenlet
    });
    const watchers = this.watchers;
    if (watchers === undefined) return;
    for (const watcher of Array.isArray(watchers) ? watchers : [watchers]) {
      const { parker, owner } = watcher as { parker?: unknown; owner?: unknown };
      if (parker !== undefined) finder.parked(parker as StuckGreenlet, `join(${this.name})`);
      if (owner !== null && typeof owner === "object") finder.owned(this, ownerLabel(owner));
    }
  }

  override toString(): string {
    const state = ["new", "scheduled", "running", "dead"][this._state];
    return `<${this.name} ${state}>`;
  }

  /** @internal */
  declare readonly [PARKS]: true;
}
Object.defineProperty(Greenlet.prototype, PARKS, { value: true });
registerStuckKind(Greenlet.prototype);

/**
 * A platform API given `g.signal` (Node's `timers/promises`, `events.once`, streams) rejects with an
 * `AbortError` of its own whose `cause` is the signal's reason, where the library's waits reject
 * with the reason itself. A killed greenlet that ends with such an error ends with the kill's
 * reason, so a kill through `g.signal` counts the same as one through the library's waits.
 */
function unwrapAbort(error: unknown, reason: unknown): unknown {
  if (error !== reason && error instanceof Error && error.name === "AbortError" && (error as { cause?: unknown }).cause === reason) {
    return reason;
  }
  return error;
}

/** Calls a greenlet's function with its arguments (the path taken when the current greenlet is tracked). */
function invoke(g: Greenlet<any>, fn: (g: Greenlet<any>, ...args: unknown[]) => unknown, args: unknown, oneArg: boolean): unknown {
  if (oneArg) return fn(g, args);
  if (args === NO_ARGS) return fn(g);
  return fn(g, ...(args as unknown[]));
}

// The running greenlet, tracked only once someone asks for it (getcurrent(), Local): principle 4,
// no AsyncLocalStorage on the default path. Greenlets started before that are not tracked.
let currentStorage: AsyncLocalStorage<Greenlet<any>> | undefined;

/**
 * @internal Turns tracking of the running greenlet on (once) and returns the running greenlet.
 * (Its type stays out of the declarations, so that users' types need no Node typings for it.)
 */
export function _trackCurrent(): Greenlet<unknown> | undefined {
  return (currentStorage ??= new AsyncLocalStorage<Greenlet<any>>()).getStore();
}

/** @internal Whether tracking of the running greenlet is on. */
export function _isTrackingCurrent(): boolean {
  return currentStorage !== undefined;
}

function isLinkTarget(value: unknown): value is LinkTarget {
  return value !== null && typeof value === "object" && typeof (value as LinkTarget)[linkTarget] === "function";
}

/**
 * Creates a greenlet running `fn(g, ...args)` and schedules it to start on a later microtask, in
 * spawn order; the caller keeps running until it awaits.
 * @throws {TypeError} when `fn` is not a function.
 * @example
 * ```ts
 * const g = spawn(async (g, a: number, b: number) => a + b, 1, 2);
 * await g.get(); // 3
 * ```
 */
export function spawn<A extends unknown[], T>(fn: GreenletFunction<A, T>, ...args: A): Greenlet<Awaited<T>>;
export function spawn(fn: GreenletFunction<any[], unknown>): Greenlet<any> {
  checkFunction("spawn()", "fn", fn);
  // As in the constructor: no rest array for the common one-argument spawn.
  /* eslint-disable prefer-rest-params */
  const n = arguments.length;
  let g: Greenlet<any>;
  if (n === 1) g = new Greenlet(fn);
  else if (n === 2) g = new Greenlet(fn, arguments[1]);
  else g = new Greenlet(fn, ...(Array.prototype.slice.call(arguments, 1) as unknown[]));
  /* eslint-enable prefer-rest-params */
  return g.start();
}

/**
 * Creates a greenlet running `fn(g, ...args)` that starts once `ms` milliseconds have passed.
 * @throws {TypeError|RangeError} when `ms` is not a finite number ≥ 0 or `fn` is not a function.
 */
export function spawnLater<A extends unknown[], T>(ms: number, fn: GreenletFunction<A, T>, ...args: A): Greenlet<Awaited<T>> {
  checkDuration("spawnLater()", "ms", ms);
  checkFunction("spawnLater()", "fn", fn);
  return new Greenlet<Awaited<T>>(fn as GreenletFunction<any[], Awaited<T>>, ...args).startLater(ms);
}

export type { SignalLike };
