/**
 * Owners of owned locks (`RLock`, `Lock` with `checkOwner`). There is no implicit current greenlet
 * on the default path (getcurrent() costs an AsyncLocalStorage), so the owner is named at the
 * call: the `owner` option, or else the greenlet given as `signal`, which inside a greenlet is the
 * natural spelling (`lock.acquire({ signal: g })`) and costs nothing more.
 * @module
 */
import { checkSignal, type SignalLike } from "../core/cancel.js";
import { checkBlocking, checkFunction, checkOptions, checkTimeout, failArgument } from "../core/validate.js";
import { Greenlet } from "../greenlet.js";
import { LockOwnerError } from "../errors.js";
import type { AcquireOptions } from "./semaphore.js";

/** Options of the acquiring calls of an owned lock. */
export interface OwnedAcquireOptions extends AcquireOptions {
  /**
   * Who holds the lock once it is acquired: any object (a greenlet, a session, a request).
   * Default: the `signal` when it is a greenlet. One of the two is required.
   */
  owner?: object;
}

/** The owner an acquiring call names; a TypeError when it names none. */
export function ownerOf(call: string, options: OwnedAcquireOptions | undefined): object {
  const owner = options?.owner;
  if (owner !== undefined) {
    if (owner === null || (typeof owner !== "object" && typeof owner !== "function")) {
      failArgument("type", call, "owner", "an object (a Greenlet, or any token)", owner);
    }
    return owner;
  }
  const signal = options?.signal;
  if (signal instanceof Greenlet) return signal;
  return failArgument("type", call, "owner", "an object, or a Greenlet given as signal", owner);
}

/** How an owner appears in messages: a greenlet (or anything named) by its name. */
export function ownerName(owner: unknown): string {
  if (owner instanceof Greenlet) return owner.name;
  const name = (owner as { name?: unknown } | null)?.name;
  if (typeof name === "string" && name !== "") return name;
  const text = String(owner);
  return text === "[object Object]" ? "an unnamed owner" : text;
}

/** The error of a release by someone who does not hold the lock. */
export function notHeldBy(call: string, holder: object | undefined, caller: unknown): LockOwnerError {
  const who = caller === undefined ? "a caller naming no owner" : ownerName(caller);
  const message =
    holder === undefined ? `${call}: ${who} released a lock that is not held` : `${call}: ${who} released a lock held by ${ownerName(holder)}`;
  return new LockOwnerError(message, holder, caller);
}

/** The checked arguments of an owned lock's `run(fn, options)`. */
export interface OwnedRun {
  timeout: number | undefined;
  signal: SignalLike | undefined;
  blocking: boolean;
  owner: object;
}

/** Checks the arguments of an owned lock's `run(fn, options)`, naming `call` in every error. */
export function checkOwnedRun(call: string, fn: unknown, options: OwnedAcquireOptions | undefined): OwnedRun {
  checkFunction(call, "fn", fn);
  checkOptions(call, options);
  const timeout = checkTimeout(call, options?.timeout);
  const signal = checkSignal(call, options?.signal);
  const blocking = checkBlocking(call, options?.blocking);
  return { timeout, signal, blocking, owner: ownerOf(call, options) };
}
