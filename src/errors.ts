/**
 * Every error class greenthread throws or rejects with. Each has a stable `name`, so code can
 * test `err.name === "QueueEmptyError"` across realms and bundles as well as `instanceof`.
 * @module
 */

/**
 * The default reason a greenlet is killed with. A greenlet that ends because of a
 * `GreenletExit` counts as successful: its `value` is the exit, its `exception` undefined.
 *
 * @example
 * ```ts
 * const g = spawn(async (g) => { await sleep(1000, { signal: g }); });
 * await g.kill();
 * g.value instanceof GreenletExit; // true
 * ```
 */
export class GreenletExit extends Error {
  override name = "GreenletExit";
  /** Why the greenlet was killed, when the killer said (the socket.io layer puts the disconnect reason here). */
  readonly reason: unknown;

  constructor(reason?: unknown) {
    super(reason === undefined ? "greenlet killed" : `greenlet killed: ${String(reason)}`);
    this.reason = reason;
  }
}

/**
 * A wait ran out of its own time: `get()` with a `timeout`, `withTimeout` without `timeoutValue`,
 * `killall` with a `timeout`, or a `Timeout` that fired without a custom exception.
 */
export class TimeoutError extends Error {
  override name = "TimeoutError";
  /** The duration that elapsed, in milliseconds, when known. */
  readonly ms: number | undefined;

  constructor(message?: string, ms?: number) {
    super(message ?? (ms === undefined ? "timed out" : `timed out after ${ms} ms`));
    this.ms = ms;
  }
}

/** `Queue.get()` found nothing: `block: false` on an empty queue, or its own timeout expired. */
export class QueueEmptyError extends Error {
  override name = "QueueEmptyError";
}

/** `Queue.put()` found no room: `block: false` on a full queue, or its own timeout expired. */
export class QueueFullError extends Error {
  override name = "QueueFullError";
}

/** The queue was shut down: `put` after `shutdown()`, or `get` once it is shut down and drained. */
export class QueueShutDownError extends Error {
  override name = "QueueShutDownError";
}

/** `Pool.add()` found no free slot: `blocking: false` on a full pool, or its own timeout expired. */
export class PoolFullError extends Error {
  override name = "PoolFullError";
}

/** `ThreadPool.spawn()` or `apply()` after `close()`. */
export class ThreadPoolClosedError extends Error {
  override name = "ThreadPoolClosedError";
}

/**
 * The report of a greenlet parked for ever: the event loop ran out of work while it waited in a
 * library wait (or while such waits were pending), so nothing is left that could wake it. Never
 * thrown into the greenlet; handed to the hub's error handler with kind `deadlock` just before the
 * process would exit (see `setDeadlockMode`).
 */
export class DeadlockError extends Error {
  override name = "DeadlockError";

  constructor(
    message: string,
    /** The stuck greenlet. */
    readonly greenlet: { readonly id: number; readonly name: string },
    /** What it is parked on (`Lock.acquire`, `Event.wait`, `join(worker)`), when known. */
    readonly parkedOn: string | undefined,
    /** Its owner (`Group`, `Pool(10)`, `/chat#sid`), when known. */
    readonly owner: string | undefined,
    /** For how long it has been parked, when run-info is on. */
    readonly parkedForMs: number | undefined,
  ) {
    super(message);
  }
}

/**
 * An owned lock (`RLock`, or `Lock` with `checkOwner`) was released by someone who does not hold
 * it: another owner, or anyone while it is not held. Carries both, so the message and the fields
 * say who held it and who tried.
 *
 * @example
 * ```ts
 * const lock = new RLock();
 * await lock.acquire({ signal: writer });
 * lock.release(reader); // LockOwnerError: RLock.release(): Greenlet-7 released a lock held by Greenlet-6
 * ```
 */
export class LockOwnerError extends Error {
  override name = "LockOwnerError";
  /** The holder at the time of the call; undefined when the lock was not held. */
  readonly owner: unknown;
  /** Who called `release()`. */
  readonly caller: unknown;

  constructor(message: string, owner: unknown, caller: unknown) {
    super(message);
    this.owner = owner;
    this.caller = caller;
  }
}
