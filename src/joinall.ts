/**
 * `joinall` and `killall`: join or kill many greenlets at once.
 * @module
 */
import { checkSignal } from "./core/cancel.js";
import { checkCount, checkOptions, checkTimeout } from "./core/validate.js";
import { Waiter, rejectIfAborted } from "./core/waiter.js";
import { TimeoutError } from "./errors.js";
import { Greenlet, type KillOptions, type WaitOptions } from "./greenlet.js";
import { Collector, toWaitables } from "./wait.js";

/** Options of {@link joinall}. */
export interface JoinAllOptions extends WaitOptions {
  /** Reject with the first failure, in completion order. Counts as observing it. Default `false`. */
  raiseError?: boolean;
  /** Stop after this many greenlets have finished. Default: all of them. */
  count?: number;
}

const isGreenlet = (value: unknown): boolean => value instanceof Greenlet;

function failFast(collector: Waiter<any>, g: Greenlet<any>): boolean {
  if (g.successful()) return false;
  collector.reject(g.exception); // reading `exception` marks the failure observed
  return true;
}

/**
 * Waits for `greenlets` to finish.
 *
 * @returns the finished greenlets in completion order (those finished at the call first, in
 * argument order), at most `count` of them; on its own timeout, the ones finished so far.
 * Failures do not reject unless `raiseError` is set, in which case the first failure in completion
 * order rejects the call (the others keep running).
 * @throws {TypeError} at the call when `greenlets` is not an iterable of greenlets.
 * @throws rejects with `signal.reason` when the signal aborts.
 * @example
 * ```ts
 * const jobs = [spawn(fetchUser, id), spawn(fetchOrders, id), spawn(fetchAds)];
 * const done = await joinall(jobs, { timeout: 2000 });
 * await killall(jobs.filter((g) => !done.includes(g)));
 * ```
 */
export function joinall<G extends Greenlet<any>>(greenlets: Iterable<G>, options?: JoinAllOptions): Promise<G[]> {
  checkOptions("joinall()", options);
  const list = toWaitables<G>("joinall()", greenlets, isGreenlet, "a Greenlet");
  const timeout = checkTimeout("joinall()", options?.timeout);
  const count = checkCount("joinall()", options?.count);
  const signal = checkSignal("joinall()", options?.signal);
  const aborted = rejectIfAborted(signal);
  if (aborted !== undefined) return aborted;
  const want = Math.min(count ?? list.length, list.length);
  if (want === 0) return Promise.resolve([]);
  const collector = new Collector<G>(want, options?.raiseError === true ? failFast : undefined);
  return collector.start(list, timeout, signal);
}

/**
 * Kills every greenlet in `greenlets` (see {@link Greenlet.kill}). Greenlets not yet started are
 * marked dead at once and never run.
 *
 * With `block` (the default) resolves once all are dead; rejects with `TimeoutError` if its own
 * `timeout` expires first (the survivors keep running). With `block: false` resolves at once.
 * @throws {TypeError} at the call when `greenlets` is not an iterable of greenlets.
 */
export function killall(greenlets: Iterable<Greenlet<any>>, options?: KillOptions): Promise<void> {
  checkOptions("killall()", options);
  const list = toWaitables<Greenlet<any>>("killall()", greenlets, isGreenlet, "a Greenlet");
  const timeout = checkTimeout("killall()", options?.timeout);
  for (const g of list) g._kill(options?.exception);
  if (options?.block === false) return Promise.resolve();
  const alive = list.filter((g) => !g.dead);
  if (alive.length === 0) return Promise.resolve();
  return new Collector<Greenlet<any>>(alive.length).start(alive, timeout, undefined).then((dead) => {
    if (dead.length < alive.length) {
      throw new TimeoutError(
        `killall(): ${alive.length - dead.length} of ${list.length} greenlets still alive after ${timeout} ms`,
        timeout,
      );
    }
  });
}
