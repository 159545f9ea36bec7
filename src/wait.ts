/**
 * `wait` and `iwait`: wait for several waitables (greenlets, events, results, semaphores) at once.
 * @module
 */
import { checkSignal, type SignalLike } from "./core/cancel.js";
import { getClock } from "./core/clock.js";
import { checkCount, checkIterable, checkOptions, checkTimeout, describe } from "./core/validate.js";
import { Waiter, rejectIfAborted } from "./core/waiter.js";
import { addWatcher, isWaitable, removeWatcher, type Waitable, type Watcher } from "./core/waitable.js";
import type { WaitOptions } from "./greenlet.js";

/** Options of {@link wait} and {@link iwait}. */
export interface WaitManyOptions extends WaitOptions {
  /** Stop after this many objects are ready. Default: all of them. */
  count?: number;
}

/** Validates and copies the objects argument of wait/iwait/joinall. */
export function toWaitables<W>(call: string, objects: Iterable<W>, accept: (x: unknown) => boolean, what: string): W[] {
  checkIterable(call, "objects", objects);
  const list = Array.isArray(objects) ? objects.slice() : Array.from(objects);
  for (let i = 0; i < list.length; i++) {
    if (!accept(list[i])) {
      throw new TypeError(`${call}: expected objects[${i}] to be ${what}, got ${describe(list[i])}`);
    }
  }
  return list;
}

/**
 * Collects ready sources in the order they became ready, up to `count`, then settles. On its own
 * timeout it resolves with what it has; whatever settles it, it stops watching the rest.
 * `onReady` may settle it early (joinall's raiseError).
 */
export class Collector<W extends Waitable> extends Waiter<W[]> implements Watcher {
  readonly results: W[] = [];
  private sources: W[] = [];

  constructor(
    private readonly want: number,
    private readonly onReady?: (collector: Waiter<any>, source: W) => boolean,
  ) {
    super(expireWithPartial);
  }

  /** Watches `sources`, taking the ready ones at once in argument order; returns the promise. */
  start(sources: W[], timeout: number | undefined, signal: SignalLike | undefined): Promise<W[]> {
    // Ready sources first, in argument order; then watch the others.
    for (let i = 0; i < sources.length && !this.settled; i++) if (sources[i]!.ready()) this.take(sources[i]!);
    if (this.settled) return this.promise;
    this.sources = sources;
    for (let i = 0; i < sources.length && !this.settled; i++) if (!sources[i]!.ready()) sources[i]![addWatcher](this);
    if (!this.settled) this.arm(timeout, signal, "wait");
    return this.promise;
  }

  override notify(source: Waitable): void {
    if (!this.settled) this.take(source as W);
  }

  private take(source: W): void {
    if (this.onReady !== undefined && this.onReady(this, source)) return;
    this.results.push(source);
    if (this.results.length >= this.want) this.resolve(this.results);
  }

  protected override detach(): void {
    super.detach();
    // Sources that notified us dropped us already; when every source did, there is nothing to undo.
    const sources = this.sources;
    this.sources = [];
    if (this.results.length === sources.length) return;
    for (let i = 0; i < sources.length; i++) sources[i]![removeWatcher](this);
  }
}

function expireWithPartial(collector: Waiter<any>): void {
  collector.resolve((collector as unknown as Collector<Waitable>).results);
}

/**
 * Waits until `count` of `objects` (default: all) are ready.
 *
 * @returns the ready objects in the order they became ready (those ready at the call first, in
 * argument order); on its own timeout, the ones ready so far.
 * @throws {TypeError} at the call when `objects` is not an iterable of waitables.
 * @throws rejects with `signal.reason` when the signal aborts.
 * @example
 * ```ts
 * const [first] = await wait([g1, g2, stopEvent], { count: 1 });
 * ```
 */
export function wait<W extends Waitable>(objects: Iterable<W>, options?: WaitManyOptions): Promise<W[]> {
  checkOptions("wait()", options);
  const list = toWaitables<W>("wait()", objects, isWaitable, "a waitable (Greenlet, Event, AsyncResult, Semaphore, …)");
  const timeout = checkTimeout("wait()", options?.timeout);
  const count = checkCount("wait()", options?.count);
  const signal = checkSignal("wait()", options?.signal);
  const aborted = rejectIfAborted(signal);
  if (aborted !== undefined) return aborted;
  const want = Math.min(count ?? list.length, list.length);
  if (want === 0) return Promise.resolve([]);
  return new Collector<W>(want).start(list, timeout, signal);
}

function expireStep(waiter: Waiter<boolean>): void {
  waiter.resolve(false);
}

/**
 * Yields `objects` one by one as they become ready (those ready at the call first, in argument
 * order), at most `count` of them.
 *
 * Ends quietly when its own `timeout` (counted from the call) expires; rejects with `signal.reason`
 * when the signal aborts. Leaving the loop early (`break`, `return`, a throw) stops watching the
 * rest, so nothing stays registered.
 * @throws {TypeError} at the call when `objects` is not an iterable of waitables.
 * @example
 * ```ts
 * for await (const g of iwait(greenlets, { timeout: 5000 })) console.log(g.name, "done");
 * ```
 */
export function iwait<W extends Waitable>(objects: Iterable<W>, options?: WaitManyOptions): AsyncIterable<W> {
  checkOptions("iwait()", options);
  const list = toWaitables<W>("iwait()", objects, isWaitable, "a waitable (Greenlet, Event, AsyncResult, Semaphore, …)");
  const timeout = checkTimeout("iwait()", options?.timeout);
  const count = checkCount("iwait()", options?.count);
  const signal = checkSignal("iwait()", options?.signal);
  const deadline = timeout === undefined ? undefined : getClock().now() + timeout;
  return iterateReady(list, Math.min(count ?? list.length, list.length), deadline, signal);
}

async function* iterateReady<W extends Waitable>(
  list: W[],
  want: number,
  deadline: number | undefined,
  signal: SignalLike | undefined,
): AsyncGenerator<W, void, undefined> {
  const aborted = rejectIfAborted(signal);
  if (aborted !== undefined) await aborted;
  const ready: W[] = [];
  let next = 0;
  let step: Waiter<boolean> | null = null;
  const watcher: Watcher = {
    notify(source) {
      ready.push(source as W);
      step?.resolve(true);
    },
  };
  const watching: W[] = [];
  try {
    for (const source of list) {
      if (source.ready()) ready.push(source);
      else watching.push(source);
    }
    for (const source of watching) source[addWatcher](watcher);
    for (let yielded = 0; yielded < want; yielded++) {
      while (next === ready.length) {
        const remaining = deadline === undefined ? undefined : Math.max(0, deadline - getClock().now());
        step = new Waiter<boolean>(expireStep).arm(remaining, signal, "iwait");
        const more = await step.promise;
        step = null;
        if (!more) return;
      }
      yield ready[next++]!;
    }
  } finally {
    step?.resolve(false);
    // Sources that notified us dropped us already; removing from them is a no-op.
    for (const source of watching) source[removeWatcher](watcher);
  }
}
