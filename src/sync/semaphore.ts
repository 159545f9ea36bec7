/**
 * `Semaphore`, `BoundedSemaphore` and `Lock`: a counter of free slots with a fair queue of
 * acquirers.
 *
 * Design notes. A release with acquirers queued hands its slot straight to the oldest of them:
 * the counter never rises, so no other task (a non-blocking `acquire`, a task that runs first)
 * can take a slot that is owed to a queued acquirer. The invariant is
 * `counter > 0 ⇒ no acquirer is queued`, and every other rule follows from it: an acquire finds
 * a free slot only when nobody is ahead of it, and `wait()`, watchers and `ready()` see a slot as
 * free only when nobody was waiting for it.
 * @module
 */
import { abortReason, checkSignal, isAborted, type SignalLike } from "../core/cancel.js";
import { checkBlocking, checkFunction, checkInteger, checkOptions, checkTimeout, failArgument } from "../core/validate.js";
import { WaitList, Waiter, rejectIfAborted } from "../core/waiter.js";
import { WatcherList, addWatcher, removeWatcher, type Waitable, type Watcher } from "../core/waitable.js";
import { TimeoutError } from "../errors.js";
import type { WaitOptions } from "../greenlet.js";
import { WakeList } from "./wake-list.js";
import { checkOwnedRun, notHeldBy, ownerOf, type OwnedAcquireOptions } from "./owner.js";

/** Options of {@link Semaphore.acquire} and {@link Semaphore.run}. */
export interface AcquireOptions extends WaitOptions {
  /** `false`: take a free slot if there is one, never wait. Default `true`. */
  blocking?: boolean;
}

const TRUE: Promise<boolean> = Promise.resolve(true);
const FALSE: Promise<boolean> = Promise.resolve(false);

function expireAcquire(waiter: Waiter<boolean>): void {
  waiter.resolve(false);
}

function expireWait(waiter: Waiter<number>): void {
  waiter.resolve((waiter.item as Semaphore).counter);
}

/**
 * A counter of free slots. `acquire()` takes one, waiting in a FIFO queue while there is none;
 * `release()` gives one back, straight to the oldest queued acquirer if there is one. Fair: a
 * slot owed to a queued acquirer is never taken by a later one, blocking or not.
 *
 * A Semaphore is a waitable (for `wait()`/`iwait()`), ready while a slot is free. Unlike
 * `BoundedSemaphore`, it lets `release()` raise the counter above its initial value.
 *
 * @example
 * ```ts
 * const connections = new Semaphore(10);
 * await Promise.all(urls.map((url) => connections.run(() => fetch(url))));
 * ```
 */
export class Semaphore implements Waitable {
  private free: number;
  /** The value the semaphore was created with. */
  protected readonly initial: number;
  private readonly acquirers = new WaitList(this, "acquire");
  private waiters: WakeList<number> | null = null;
  private readonly watchers = new WatcherList();

  /**
   * @param value the number of free slots to start with. Default 1.
   * @throws {TypeError} when `value` is not a number.
   * @throws {RangeError} when `value` is not an integer ≥ 0.
   * @example
   * ```ts
   * const downloads = new Semaphore(4);
   * ```
   */
  constructor(value = 1) {
    this.free = checkInteger(`${this.kind}()`, "value", value, 0, "an integer ≥ 0");
    this.initial = value;
  }

  /** The class name used in error messages; a getter so the base constructor sees a subclass's. */
  protected get kind(): string {
    return "Semaphore";
  }

  /**
   * The number of free slots. A slot handed straight to a queued acquirer is not free.
   * @example
   * ```ts
   * metrics.gauge("db.free_connections", pool.counter);
   * ```
   */
  get counter(): number {
    return this.free;
  }

  /**
   * True when no slot is free: an `acquire()` would wait (or, with `blocking: false`, fail).
   * @example
   * ```ts
   * if (lock.locked()) log.debug("waiting for the lock");
   * ```
   */
  locked(): boolean {
    return this.free === 0;
  }

  /** True when a slot is free (the waitable protocol's "a wait would finish at once"). */
  ready(): boolean {
    return this.free > 0;
  }

  /**
   * Takes a slot, waiting for one in FIFO order if none is free. A switch point: a kill of the
   * greenlet passed as `signal` lands here at once.
   *
   * @returns `true` once a slot is taken (then call `release()` exactly once); `false` when none
   * was taken: `blocking: false` and no slot free, or the own `timeout` expired first.
   * @throws {TypeError|RangeError} at the call for bad options.
   * @throws rejects with `signal.reason` when the signal aborts (at once if aborted already, even
   * with a slot free). An aborted or timed-out acquire takes no slot and leaves the queue.
   * @example
   * ```ts
   * if (await lock.acquire({ timeout: 500, signal: g })) {
   *   try { await update(); } finally { lock.release(); }
   * }
   * ```
   */
  acquire(options?: AcquireOptions): Promise<boolean> {
    const call = `${this.kind}.acquire()`;
    checkOptions(call, options);
    const timeout = checkTimeout(call, options?.timeout);
    const signal = checkSignal(call, options?.signal);
    const blocking = checkBlocking(call, options?.blocking);
    const aborted = rejectIfAborted(signal);
    if (aborted !== undefined) return aborted;
    return this.take(blocking, timeout, signal);
  }

  private take(blocking: boolean, timeout: number | undefined, signal: SignalLike | undefined): Promise<boolean> {
    if (this.free > 0) {
      this.free--;
      return TRUE;
    }
    if (!blocking) return FALSE;
    const waiter = new Waiter<boolean>(expireAcquire);
    this.acquirers.push(waiter);
    return waiter.arm(timeout, signal).promise;
  }

  /**
   * Gives a slot back: to the oldest queued acquirer if there is one, else to the free count,
   * waking every `wait()` and watcher. Never waits.
   * @returns the number of free slots after the release (0 when the slot went to an acquirer).
   * @throws {RangeError} from a `BoundedSemaphore` or `Lock` released more often than acquired.
   * @example
   * ```ts
   * sem.release();
   * ```
   */
  release(): number {
    const next = this.acquirers.shift();
    if (next !== null) {
      next.resolve(true);
      return this.free;
    }
    this.free++;
    const waiters = this.waiters;
    if (waiters !== null) waiters.wakeAll(this.free);
    this.watchers.notifyAll(this);
    return this.free;
  }

  /**
   * Waits until a slot is free, without taking it. A switch point like `acquire()`.
   *
   * A slot handed straight to a queued acquirer is never free, so while acquirers are queued a
   * `wait()` keeps waiting. Nothing is reserved: by the time the caller runs, another task may
   * have taken the slot.
   * @returns the free count when a slot became free (at once if one is free), or the free count
   * (usually 0) when the own `timeout` expired.
   * @throws {TypeError|RangeError} at the call for bad options.
   * @throws rejects with `signal.reason` when the signal aborts (at once if aborted already).
   * @example
   * ```ts
   * await sem.wait({ signal: g }); // a slot is free now
   * ```
   */
  wait(options?: WaitOptions): Promise<number> {
    const call = `${this.kind}.wait()`;
    checkOptions(call, options);
    const timeout = checkTimeout(call, options?.timeout);
    const signal = checkSignal(call, options?.signal);
    const aborted = rejectIfAborted(signal);
    if (aborted !== undefined) return aborted;
    if (this.free > 0) return Promise.resolve(this.free);
    const waiters = (this.waiters ??= new WakeList<number>(this, "acquire"));
    if (timeout === undefined && signal === undefined) return waiters.plain();
    return waiters.own(expireWait, this, timeout, signal);
  }

  /**
   * Acquires a slot, runs `fn()`, and releases the slot once `fn`'s result settles, whether it
   * returned, threw or rejected (`finally`). The scoped form of `acquire()`/`release()`:
   * Python's `with sem:`.
   *
   * `fn` does not run when no slot was taken, nor when the signal aborted by the time the slot
   * was taken (the slot is released again at once). A `fn` that never settles holds its slot forever;
   * give it a deadline of its own (`withTimeout`) if that can happen.
   * @returns what `fn` returns (awaited), or rejects with what it throws.
   * @throws {TypeError} at the call when `fn` is not a function.
   * @throws {TypeError|RangeError} at the call for bad options.
   * @throws rejects with `TimeoutError` when no slot was taken (the own `timeout` expired, or
   * `blocking: false` found none free); with `signal.reason` when the signal aborts while waiting.
   * @example
   * ```ts
   * const lock = new Lock();
   * const balance = await lock.run(async () => {
   *   const b = await read();
   *   await write(b + 1);
   *   return b + 1;
   * }, { signal: g });
   * ```
   */
  run<R>(fn: () => R | PromiseLike<R>, options?: AcquireOptions): Promise<Awaited<R>> {
    const call = `${this.kind}.run()`;
    checkFunction(call, "fn", fn);
    checkOptions(call, options);
    const timeout = checkTimeout(call, options?.timeout);
    const signal = checkSignal(call, options?.signal);
    const blocking = checkBlocking(call, options?.blocking);
    const aborted = rejectIfAborted(signal);
    if (aborted !== undefined) return aborted;
    return this.runHolding(call, fn, blocking, timeout, signal, undefined);
  }

  /**
   * @internal Separate from run() so that argument errors throw at the call instead of rejecting.
   * `owner` is the holder an owner-checked Lock records for the run.
   */
  protected async runHolding<R>(
    call: string,
    fn: () => R | PromiseLike<R>,
    blocking: boolean,
    timeout: number | undefined,
    signal: SignalLike | undefined,
    owner: object | undefined,
  ): Promise<Awaited<R>> {
    if (!(await this.take(blocking, timeout, signal))) {
      throw blocking
        ? new TimeoutError(`${call}: no slot became free within ${timeout} ms`, timeout)
        : new TimeoutError(`${call}: no slot is free and blocking is false`);
    }
    // The slot may have been handed over in the same turn the signal aborted (a greenlet killed
    // right after a release): the abort wins, and the function does not start for a dead caller.
    if (owner !== undefined) this.held(owner);
    if (signal !== undefined && isAborted(signal)) {
      this.releaseRun(owner);
      throw abortReason(signal);
    }
    try {
      return await fn();
    } finally {
      this.releaseRun(owner);
    }
  }

  /** @internal An owned run took the slot in `owner`'s name (Lock with checkOwner). */
  protected held(_owner: object): void {}

  /** @internal The end of a run: releases the slot (in `owner`'s name, for an owned Lock). */
  protected releaseRun(_owner: object | undefined): void {
    this.release();
  }

  /** Waitable protocol: notified at once while a slot is free, else when one frees up. */
  [addWatcher](watcher: Watcher): void {
    if (this.free > 0) watcher.notify(this);
    else this.watchers.add(watcher);
  }

  /** Waitable protocol. */
  [removeWatcher](watcher: Watcher): void {
    this.watchers.remove(watcher);
  }

  toString(): string {
    return `<${this.kind} counter=${this.free} queued=${this.acquirers.size}>`;
  }
}

/**
 * A Semaphore that refuses to be released more often than it was acquired: its counter never
 * exceeds the initial value. Use it where an extra `release()` is a bug you want to hear about.
 *
 * @example
 * ```ts
 * const slots = new BoundedSemaphore(2);
 * slots.release(); // RangeError: BoundedSemaphore.release(): released more often than acquired (counter is already 2 of 2)
 * ```
 */
export class BoundedSemaphore extends Semaphore {
  /**
   * @param value the number of free slots to start with, and the most there can ever be. Default 1.
   * @throws {TypeError} when `value` is not a number.
   * @throws {RangeError} when `value` is not an integer ≥ 0.
   */
  constructor(value = 1) {
    super(value);
  }

  protected override get kind(): string {
    return "BoundedSemaphore";
  }

  /**
   * Like {@link Semaphore.release}.
   * @throws {RangeError} when no slot is held (the counter is at its initial value already); the
   * counter stays unchanged.
   */
  override release(): number {
    if (this.counter >= this.initial) {
      throw new RangeError(
        `${this.kind}.release(): released more often than acquired (counter is already ${this.counter} of ${this.initial})`,
      );
    }
    return super.release();
  }
}

/** Options of `new Lock()`. */
export interface LockOptions {
  /**
   * `true`: the lock records who acquired it (the `owner` option of `acquire`/`run`, or the
   * greenlet given as `signal`), and `release(owner)` by anyone else throws a `LockOwnerError`.
   * Default `false`: any task may release it, once per acquire.
   */
  checkOwner?: boolean;
}

/**
 * A mutual-exclusion lock: a {@link BoundedSemaphore} of 1. Not reentrant (see `RLock`). By
 * default not owned, so any task may release it, once per acquire; with `checkOwner: true` it
 * remembers who acquired it and refuses a release by anyone else.
 *
 * @example
 * ```ts
 * const lock = new Lock();
 * await lock.run(() => appendToFile(line));
 *
 * const owned = new Lock({ checkOwner: true });
 * if (await owned.acquire({ signal: g })) {
 *   try { await write(); } finally { owned.release(g); }
 * }
 * ```
 */
export class Lock extends BoundedSemaphore {
  private readonly checkOwner: boolean;
  private holder: object | undefined = undefined;

  /**
   * A free lock; with `checkOwner: true`, an owner-checked one.
   * @throws {TypeError} when `options` is not an object or `checkOwner` not a boolean.
   * @example
   * ```ts
   * const plain = new Lock();
   * const owned = new Lock({ checkOwner: true });
   * ```
   */
  constructor(options?: LockOptions) {
    super(1);
    checkOptions("Lock()", options);
    const checkOwner = options?.checkOwner;
    if (checkOwner !== undefined && typeof checkOwner !== "boolean") {
      failArgument("type", "Lock()", "checkOwner", "a boolean or undefined", checkOwner);
    }
    this.checkOwner = checkOwner === true;
  }

  protected override get kind(): string {
    return "Lock";
  }

  /**
   * Who holds an owner-checked lock: the owner its last successful acquire named; undefined
   * while it is free, and always for a lock without `checkOwner`.
   * @example
   * ```ts
   * if (lock.owner === g) log.debug("g holds the lock");
   * ```
   */
  get owner(): object | undefined {
    return this.holder;
  }

  /**
   * Like {@link Semaphore.acquire}. With `checkOwner`, the acquire names its owner (the `owner`
   * option, else the greenlet given as `signal`), recorded once the lock is taken.
   * @throws {TypeError} at the call, with `checkOwner`, when it names no owner.
   * @example
   * ```ts
   * await owned.acquire({ signal: g }); // g is the owner
   * await owned.acquire({ owner: request, timeout: 100 });
   * ```
   */
  override acquire(options?: OwnedAcquireOptions): Promise<boolean> {
    if (!this.checkOwner) return super.acquire(options);
    const owner = ownerOf("Lock.acquire()", options);
    return super.acquire(options).then((taken) => {
      if (taken) this.holder = owner;
      return taken;
    });
  }

  /**
   * Like {@link Semaphore.release}. With `checkOwner`, `owner` must be the holder.
   * @throws {LockOwnerError} with `checkOwner`, when `owner` does not hold the lock (another
   * owner does, or nobody); the lock stays as it was.
   * @throws {RangeError} without `checkOwner`, when the lock is not held.
   * @example
   * ```ts
   * owned.release(g); // LockOwnerError unless g holds it
   * ```
   */
  override release(owner?: object): number {
    if (this.checkOwner) {
      if (this.holder === undefined || owner !== this.holder) throw notHeldBy("Lock.release()", this.holder, owner);
      this.holder = undefined;
    }
    return super.release();
  }

  /**
   * Like {@link Semaphore.run}; with `checkOwner`, the run names its owner as `acquire` does, and
   * releases in its name.
   * @throws {TypeError} at the call, with `checkOwner`, when it names no owner.
   * @example
   * ```ts
   * await owned.run(() => save(record), { signal: g });
   * ```
   */
  override run<R>(fn: () => R | PromiseLike<R>, options?: OwnedAcquireOptions): Promise<Awaited<R>> {
    if (!this.checkOwner) return super.run(fn, options);
    const call = "Lock.run()";
    const { timeout, signal, blocking, owner } = checkOwnedRun(call, fn, options);
    const aborted = rejectIfAborted(signal);
    if (aborted !== undefined) return aborted;
    return this.runHolding(call, fn, blocking, timeout, signal, owner);
  }

  /** @internal */
  protected override held(owner: object): void {
    this.holder = owner;
  }

  /** @internal */
  protected override releaseRun(owner: object | undefined): void {
    this.release(owner);
  }
}
