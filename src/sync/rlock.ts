/**
 * `RLock`: a lock its owner may acquire again (gevent's `lock.RLock`).
 *
 * gevent's RLock knows its owner through `getcurrent()`. Here the owner is named at the call (the
 * `owner` option, or the greenlet given as `signal`; see ./owner.ts), so the default path stays
 * free of the implicit current greenlet. Acquires by the holder nest and never wait; the lock is
 * free again once the holder has released as many times as it acquired.
 * @module
 */
import { abortReason, checkSignal, isAborted, type SignalLike } from "../core/cancel.js";
import { checkBlocking, checkOptions, checkTimeout } from "../core/validate.js";
import { rejectIfAborted } from "../core/waiter.js";
import { TimeoutError } from "../errors.js";
import { checkOwnedRun, notHeldBy, ownerName, ownerOf, type OwnedAcquireOptions } from "./owner.js";
import { Lock } from "./semaphore.js";

const TRUE: Promise<boolean> = Promise.resolve(true);

/**
 * A re-entrant lock: the owner that holds it may acquire it again without waiting, and must
 * release it once per acquire; any other owner waits (FIFO, as for `Lock`) until the count is
 * back to zero. Releasing it as anyone but the holder throws a `LockOwnerError` naming both.
 *
 * The owner is whatever the call names: the `owner` option, or else the greenlet given as
 * `signal` (inside a greenlet, `{ signal: g }` does both jobs).
 *
 * @example
 * ```ts
 * const lock = new RLock();
 * async function transfer(g: Greenlet, from: Account, to: Account, amount: number) {
 *   await lock.run(async () => {
 *     await withdraw(g, from, amount); // withdraw() takes the same lock with { signal: g }: no deadlock
 *     await deposit(g, to, amount);
 *   }, { signal: g });
 * }
 * ```
 */
export class RLock {
  private readonly lock = new Lock();
  private holder: object | undefined = undefined;
  private depth = 0;

  /** The owner holding the lock, or undefined while it is free. */
  get owner(): object | undefined {
    return this.holder;
  }

  /** How many times the holder has acquired it without releasing; 0 while it is free. */
  get count(): number {
    return this.depth;
  }

  /** True while some owner holds it. */
  locked(): boolean {
    return this.holder !== undefined || this.lock.locked();
  }

  /**
   * Acquires the lock for the owner the call names. By the holder: counts one more level and
   * resolves true at once. By anyone else: waits in FIFO order, as `Lock.acquire` does (a switch
   * point: a kill of the greenlet given as `signal` lands here).
   * @returns true once held (release once per true); false when not acquired: `blocking: false`
   * and held by another owner, or the own `timeout` expired first.
   * @throws {TypeError} at the call when it names no owner (neither `owner` nor a greenlet as
   * `signal`), or for bad options ({RangeError} for a bad `timeout`).
   * @throws rejects with `signal.reason` when the signal aborts (at once if aborted already, even
   * for the holder).
   * @example
   * ```ts
   * if (await lock.acquire({ signal: g, timeout: 500 })) {
   *   try { await update(); } finally { lock.release(g); }
   * }
   * ```
   */
  acquire(options?: OwnedAcquireOptions): Promise<boolean> {
    const call = "RLock.acquire()";
    checkOptions(call, options);
    checkTimeout(call, options?.timeout);
    const signal = checkSignal(call, options?.signal);
    checkBlocking(call, options?.blocking);
    const owner = ownerOf(call, options);
    const aborted = rejectIfAborted(signal);
    if (aborted !== undefined) return aborted;
    return this.take(owner, options);
  }

  private take(owner: object, options: OwnedAcquireOptions | undefined): Promise<boolean> {
    if (this.holder === owner) {
      this.depth++;
      return TRUE;
    }
    return this.lock.acquire(options).then((taken) => {
      if (taken) {
        this.holder = owner;
        this.depth = 1;
      }
      return taken;
    });
  }

  /**
   * Releases one level for `owner`; the last one frees the lock for the next waiting owner.
   * Never waits.
   * @throws {LockOwnerError} when `owner` does not hold the lock (another owner does, or nobody);
   * its message names both, and the lock stays as it was.
   * @example
   * ```ts
   * lock.release(g);
   * ```
   */
  release(owner: object): void {
    if (this.holder === undefined || owner !== this.holder) throw notHeldBy("RLock.release()", this.holder, owner);
    if (--this.depth === 0) {
      this.holder = undefined;
      this.lock.release();
    }
  }

  /**
   * Acquires for the owner the call names, runs `fn()`, and releases once its result settles,
   * whatever the outcome. Nested runs by the same owner do not wait.
   * @returns what `fn` returns (awaited), or rejects with what it throws.
   * @throws {TypeError} at the call when `fn` is not a function or no owner is named; for bad
   * options as `acquire`.
   * @throws rejects with `TimeoutError` when the lock was not taken (own `timeout`, or
   * `blocking: false`); with `signal.reason` when the signal aborts while waiting (`fn` then
   * does not run).
   * @example
   * ```ts
   * await lock.run(() => save(record), { signal: g });
   * ```
   */
  run<R>(fn: () => R | PromiseLike<R>, options?: OwnedAcquireOptions): Promise<Awaited<R>> {
    const call = "RLock.run()";
    const { timeout, signal, blocking, owner } = checkOwnedRun(call, fn, options);
    const aborted = rejectIfAborted(signal);
    if (aborted !== undefined) return aborted;
    return this.runHolding(call, fn, owner, options, blocking, timeout, signal);
  }

  private async runHolding<R>(
    call: string,
    fn: () => R | PromiseLike<R>,
    owner: object,
    options: OwnedAcquireOptions | undefined,
    blocking: boolean,
    timeout: number | undefined,
    signal: SignalLike | undefined,
  ): Promise<Awaited<R>> {
    if (!(await this.take(owner, options))) {
      throw blocking
        ? new TimeoutError(`${call}: the lock was not released within ${timeout} ms`, timeout)
        : new TimeoutError(`${call}: the lock is held by another owner and blocking is false`);
    }
    try {
      // Handed over in the same turn the signal aborted: the abort wins, and fn does not start.
      if (signal !== undefined && isAborted(signal)) throw abortReason(signal);
      return await fn();
    } finally {
      this.release(owner);
    }
  }

  /** `<RLock held by NAME count=N>` or `<RLock free>`, for logs and errors. */
  toString(): string {
    return this.holder === undefined ? "<RLock free>" : `<RLock held by ${ownerName(this.holder)} count=${this.depth}>`;
  }
}
