/**
 * `withGroup`: a nursery. The body spawns into a fail-fast group, and the call does not settle
 * until every member is dead, cleanup included: no greenlet outlives the block that made it.
 * @module
 */
import { abortReason, checkSignal, isAborted, subscribe, unsubscribe, type AbortTarget, type SignalLike } from "../core/cancel.js";
import { reportError } from "../core/hub.js";
import { checkFunction, checkOptions } from "../core/validate.js";
import { rejectIfAborted } from "../core/waiter.js";
import type { Signal } from "../greenlet.js";
import { Group } from "./group.js";

/** Options of {@link withGroup}. */
export interface WithGroupOptions {
  /**
   * An outer cancellation: when it aborts, the members are killed (with a `GreenletExit`) and,
   * once they are dead and the body has settled, `withGroup` rejects with `signal.reason`,
   * unchanged. Inside a greenlet, pass the greenlet.
   */
  signal?: Signal;
}

/** Kills the members when the outer signal aborts; the call itself settles later, in order. */
class KillOnAbort implements AbortTarget {
  constructor(private readonly group: Group) {}

  abort(): void {
    void this.group.kill({ block: false });
  }
}

/**
 * Runs `body(group)` with a fresh fail-fast group (`new Group({ failFast: true })`) and settles
 * only once every member is dead (their `finally` blocks have run), whatever happened.
 *
 * - The body returns `x` and every member ends well (a value, or a `GreenletExit`): resolves `x`
 *   once the last member is dead.
 * - A member fails: the others are killed (the group's fail-fast rule), and once all are dead and
 *   the body has settled, rejects with that first failure, unchanged. Later failures are listed in
 *   `group.failures` and reported to the hub unless observed (docs/design/pool.md).
 * - The body throws: the members are killed, and once they are dead the body's error wins; member
 *   failures, if any, go to the hub.
 * - The `signal` aborts: the members are killed, and once they are dead and the body has settled,
 *   rejects with `signal.reason`; a member failure is then reported to the hub.
 *
 * The body itself is not interrupted by a member failure (it is a plain function, not a member):
 * it learns of it at its next `await group.join()`, which rejects with the failure once the
 * members are dead. Members may spawn further members while the group has not failed.
 * @throws {TypeError} at the call when `body` is not a function or `options` are bad.
 * @throws rejects as described above; at once with `signal.reason` when it is aborted already
 * (the body does not run).
 * @example
 * ```ts
 * const [user, orders] = await withGroup(async (group) => {
 *   const a = group.spawn(fetchUser, id);
 *   const b = group.spawn(fetchOrders, id); // killed if fetchUser fails, and the other way round
 *   await group.join();
 *   return [await a.get(), await b.get()] as const;
 * }, { signal: g });
 * ```
 */
export function withGroup<T>(body: (group: Group) => T | PromiseLike<T>, options?: WithGroupOptions): Promise<Awaited<T>> {
  checkFunction("withGroup()", "body", body);
  checkOptions("withGroup()", options);
  const signal = checkSignal("withGroup()", options?.signal);
  const aborted = rejectIfAborted(signal);
  if (aborted !== undefined) return aborted;
  return runGroup(body, signal);
}

async function runGroup<T>(body: (group: Group) => T | PromiseLike<T>, signal: SignalLike | undefined): Promise<Awaited<T>> {
  const group = new Group({ failFast: true });
  group._joinsLater = true; // the first failure is surfaced below, or reported
  const target = signal === undefined ? undefined : new KillOnAbort(group);
  if (signal !== undefined) subscribe(signal, target!);
  try {
    let value: Awaited<T>;
    try {
      value = await body(group);
    } catch (error) {
      await group.kill();
      reportFirstFailure(group); // the body's error wins
      throw error;
    }
    // Aborted while the body ran: members it spawned after the abort's kill are killed now.
    if (signal !== undefined && isAborted(signal)) return await abandon(group, signal);
    let failed = false;
    let failure: unknown;
    try {
      await group.join();
    } catch (error) {
      failed = true;
      failure = error;
    }
    if (signal !== undefined && isAborted(signal)) return await abandon(group, signal);
    if (failed) throw failure;
    return value;
  } finally {
    if (signal !== undefined) unsubscribe(signal, target!);
  }
}

/** The signal wins: kills what is left, waits for it, reports a member failure, rejects with the reason. */
async function abandon(group: Group, signal: SignalLike): Promise<never> {
  await group.kill();
  reportFirstFailure(group);
  throw abortReason(signal);
}

/** A first failure withGroup does not hand out goes to the hub (it was marked observed early). */
function reportFirstFailure(group: Group): void {
  const g = group._firstFailed;
  if (g !== null) reportError(group.failures[0], { kind: "greenlet", greenlet: g });
}
