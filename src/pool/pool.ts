/**
 * Pools: a group with a bound on its members (gevent's `Pool`). A producer that finds the pool
 * full waits for a slot — that wait is the backpressure — and slots are handed out in the order
 * they were asked for, whichever call asked.
 *
 * A slot is freed when a member leaves: when it dies (its function has settled, so its cleanup
 * has run) or is discarded. Killing a member does not free its slot; its death does. So the
 * bound holds for running code, not just for bookkeeping, even while members are being killed.
 * @module
 */
import { describeOwner } from "../core/instrument.js";
import { checkSignal, type SignalLike } from "../core/cancel.js";
import { checkFunction, checkInteger, checkOptions, checkTimeout } from "../core/validate.js";
import { WaitList, rejectIfAborted, type Waiter } from "../core/waiter.js";
import { PoolFullError } from "../errors.js";
import { Greenlet, type GreenletFunction, type WaitOptions } from "../greenlet.js";
import { BaseGroup, checkGreenlet, resultOf, type SpawnOptions } from "./group.js";
import { SlotClaim } from "./slots.js";

/** Options of {@link Pool.add}. */
export interface PoolAddOptions extends WaitOptions {
  /** `false`: do not wait; reject with `PoolFullError` if no slot is free. Default `true`. */
  blocking?: boolean;
}

function expireSpawn(claim: Waiter<Greenlet<any>>): void {
  const ms = claim.item as number;
  claim.reject(new PoolFullError(`Pool.spawnWith(): no slot became free within ${ms} ms`));
}

/**
 * `Pool.spawn` waiting for a slot: spawns on the grant, so the slot cannot be stolen. The
 * greenlet exists only from the grant on, so a claim aborted or timed out before it starts nothing.
 */
class SpawnClaim extends SlotClaim<Greenlet<any>> {
  constructor(
    private readonly pool: Pool,
    private readonly fn: GreenletFunction<any[], unknown>,
    private readonly args: unknown[],
  ) {
    super(expireSpawn);
  }

  grant(): void {
    const g = new Greenlet(this.fn, ...this.args);
    this.pool._admit(g);
    this.resolve(g.start());
  }
}

function expireAdd(claim: Waiter<void>): void {
  const ms = claim.item as number;
  claim.reject(new PoolFullError(`Pool.add(): no slot became free within ${ms} ms`));
}

/** A blocking `Pool.add` waiting for a slot. */
class AddClaim extends SlotClaim<void> {
  constructor(
    private readonly pool: Pool,
    private readonly g: Greenlet<any>,
  ) {
    super(expireAdd);
  }

  grant(): void {
    this.pool._admit(this.g); // a greenlet that died meanwhile takes no slot
    this.resolve();
  }
}

function expireAvailable(claim: Waiter<number>): void {
  claim.resolve((claim as AvailableClaim).pool.freeCount());
}

/** `Pool.waitAvailable`: woken in its turn, takes no slot. */
class AvailableClaim extends SlotClaim<number> {
  constructor(readonly pool: Pool) {
    super(expireAvailable);
  }

  grant(): void {
    this.resolve(this.pool.freeCount());
  }
}

/**
 * A group of at most `capacity` members. `spawn` waits for a free slot (the producer gets
 * backpressure); `map` and `imap` run at most `capacity` workers at once and read their source
 * only as slots free up.
 *
 * `new Pool(0)` admits nothing; `new Pool(Infinity)` behaves as a {@link Group}.
 * Slot waiters are served FIFO: `spawn`/`spawnWith`, blocking `add`, `waitAvailable` and the
 * feeders of `map`/`imap` share one queue. An aborted or timed-out waiter takes no slot.
 *
 * @example
 * ```ts
 * const pool = new Pool(20);
 * for await (const job of jobs) await pool.spawn(handle, job); // waits while 20 are running
 * await pool.join();
 * ```
 */
export class Pool extends BaseGroup {
  /** @internal */
  readonly _kind: string = "Pool";
  /** The most members the pool admits at once: an integer ≥ 0, or `Infinity`. */
  readonly capacity: number;

  /** @internal How run-info and reports name the pool: `Pool(10)`. */
  override [describeOwner](): string {
    return `${this.constructor.name}(${this.capacity})`;
  }
  private readonly waiters = new WaitList(this, "spawn");
  private draining = false;

  /**
   * @param capacity an integer ≥ 0, or `Infinity`.
   * @throws {TypeError} when `capacity` is not a number; {RangeError} when it is negative, NaN
   * or a fraction.
   */
  constructor(capacity: number) {
    super();
    this.capacity = checkInteger("new Pool()", "capacity", capacity, 0, "an integer ≥ 0 or Infinity", true);
  }

  /** Slots free right now: `capacity - size` (`Infinity` for an unbounded pool). */
  freeCount(): number {
    return this.capacity - this._members.size;
  }

  /** True when no slot is free. */
  full(): boolean {
    return this._members.size >= this.capacity;
  }

  /**
   * Spawns `fn(g, ...args)` as a member once a slot is free; resolves with the greenlet (started
   * on a later microtask, like `spawn`). Resolves at once while slots are free and nobody is
   * queued before it. Its trailing arguments are `fn`'s, so it takes no options: to bound the
   * wait, use {@link spawnWith}. While a kill of the pool is in progress, the greenlet it
   * resolves with is already dead (killed before it started).
   * @throws {TypeError} at the call when `fn` is not a function.
   * @example
   * ```ts
   * const g = await pool.spawn(async (g, n: number) => n * 2, 21);
   * await g.get(); // 42
   * ```
   */
  spawn<A extends unknown[], T>(fn: GreenletFunction<A, T>, ...args: A): Promise<Greenlet<Awaited<T>>> {
    checkFunction("Pool.spawn()", "fn", fn);
    return this.spawnOrQueue(fn, args, undefined, undefined);
  }

  /**
   * {@link spawn} with options for the wait for a slot, given first because `spawn`'s trailing
   * arguments are `fn`'s. Waits in the same FIFO as every other producer. A call that is aborted
   * or times out while it waits takes no slot and starts nothing: the greenlet is created only
   * when the slot is granted.
   *
   * @throws {TypeError|RangeError} at the call when `fn` is not a function or an option is bad.
   * @throws rejects with `signal.reason` when the signal aborts (at once if aborted already, even
   * with a slot free); with `PoolFullError` when its own `timeout` expires first, or at once with
   * `blocking: false` when no slot is free.
   * @example
   * ```ts
   * const dispatcher = spawn(async (g) => {
   *   for (;;) await pool.spawnWith({ signal: g }, handle, await inbox.get({ signal: g })); // a kill stops the wait too
   * });
   * ```
   */
  spawnWith<A extends unknown[], T>(options: SpawnOptions | undefined, fn: GreenletFunction<A, T>, ...args: A): Promise<Greenlet<Awaited<T>>> {
    const call = "Pool.spawnWith()";
    checkOptions(call, options);
    const timeout = checkTimeout(call, options?.timeout);
    const signal = checkSignal(call, options?.signal);
    checkFunction(call, "fn", fn);
    const aborted = rejectIfAborted(signal);
    if (aborted !== undefined) return aborted;
    if (options?.blocking === false && !this._slotFree()) {
      return Promise.reject(new PoolFullError("Pool.spawnWith(): no free slot and blocking is false"));
    }
    return this.spawnOrQueue(fn, args, timeout, signal);
  }

  private spawnOrQueue<T>(
    fn: GreenletFunction<any[], T>,
    args: unknown[],
    timeout: number | undefined,
    signal: SignalLike | undefined,
  ): Promise<Greenlet<Awaited<T>>> {
    if (this._slotFree()) {
      const g = new Greenlet<Awaited<T>>(fn as GreenletFunction<any[], Awaited<T>>, ...args);
      this._admit(g);
      return Promise.resolve(g.start());
    }
    const claim = new SpawnClaim(this, fn as GreenletFunction<any[], unknown>, args);
    claim.item = timeout;
    this.waiters.push(claim);
    return claim.arm(timeout, signal).promise as Promise<Greenlet<Awaited<T>>>;
  }

  /**
   * Adds `g` as a member once a slot is free. `g` is not started. A member already, or a dead
   * greenlet, resolves at once and takes no slot.
   *
   * @throws {TypeError} at the call when `g` is not a Greenlet or options are bad.
   * @throws rejects with `PoolFullError` when `blocking` is false and no slot is free, or when the
   * own `timeout` expires first; with `signal.reason` when the signal aborts. Either way `g` was
   * not added and no slot was taken.
   */
  add(g: Greenlet<any>, options?: PoolAddOptions): Promise<void> {
    checkGreenlet("Pool.add()", g);
    checkOptions("Pool.add()", options);
    const timeout = checkTimeout("Pool.add()", options?.timeout);
    const signal = checkSignal("Pool.add()", options?.signal);
    const aborted = rejectIfAborted(signal);
    if (aborted !== undefined) return aborted;
    if (g.dead || this._members.has(g)) return Promise.resolve();
    if (this._slotFree()) {
      this._admit(g);
      return Promise.resolve();
    }
    if (options?.blocking === false) return Promise.reject(new PoolFullError("Pool.add(): no free slot and blocking is false"));
    const claim = new AddClaim(this, g);
    claim.item = timeout;
    this.waiters.push(claim);
    return claim.arm(timeout, signal).promise;
  }

  /**
   * Waits until a slot is free, without taking it, behind the producers queued before it.
   * @returns the number of free slots then (≥ 1), or on its own timeout the number free at that
   * moment (usually 0). A producer that calls `spawn` next may still wait: another can take the
   * slot in between.
   * @throws {TypeError|RangeError} at the call for bad options.
   * @throws rejects with `signal.reason` when the signal aborts.
   * @example
   * ```ts
   * if ((await pool.waitAvailable({ timeout: 1000, signal: g })) === 0) return shed(request);
   * await pool.spawn(handle, request);
   * ```
   */
  waitAvailable(options?: WaitOptions): Promise<number> {
    checkOptions("Pool.waitAvailable()", options);
    const timeout = checkTimeout("Pool.waitAvailable()", options?.timeout);
    const signal = checkSignal("Pool.waitAvailable()", options?.signal);
    const aborted = rejectIfAborted(signal);
    if (aborted !== undefined) return aborted;
    if (this._slotFree()) return Promise.resolve(this.freeCount());
    const claim = new AvailableClaim(this);
    this.waiters.push(claim);
    return claim.arm(timeout, signal).promise;
  }

  /**
   * Runs `fn(g, ...args)` in a member once a slot is free and resolves with its value; rejects
   * with its failure, or with the kill's exception if it was killed. Calling it from a member of
   * a full pool waits for another member to finish, like gevent's without its shortcut.
   * @throws {TypeError} at the call when `fn` is not a function.
   */
  apply<A extends unknown[], T>(fn: GreenletFunction<A, T>, ...args: A): Promise<Awaited<T>> {
    checkFunction("Pool.apply()", "fn", fn);
    return this.spawn(fn, ...args).then(resultOf);
  }

  /** @internal Free, and nobody queued ahead: FIFO means a newcomer never takes a slot owed to a waiter. */
  override _slotFree(): boolean {
    return this._members.size < this.capacity && this.waiters.size === 0;
  }

  /** @internal */
  override _queueClaim(claim: SlotClaim<any>): void {
    if (claim.list === null) this.waiters.push(claim);
  }

  /** @internal */
  override _dropClaim(claim: SlotClaim<any>): void {
    this.waiters.remove(claim);
  }

  /**
   * Hands free slots to the queued claims, oldest first. Re-entrant calls (a claim admits a
   * greenlet that a kill in progress kills at once, which frees the slot again) fall through to
   * this loop instead of recursing.
   */
  protected override _released(): void {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this._members.size < this.capacity) {
        const claim = this.waiters.shift() as SlotClaim<any> | null;
        if (claim === null) break;
        claim.grant();
      }
    } finally {
      this.draining = false;
    }
  }
}
