/**
 * `Queue`: the FIFO queue of gevent (and of Python's `queue`), with `JoinableQueue` as an alias.
 * @module
 */
import { BaseQueue, queueNames } from "./base.js";
import { Ring } from "./ring.js";
import { checkMaxsize } from "./shared.js";

const NAMES = queueNames("Queue");

/**
 * A first-in, first-out queue for passing items between greenlets, bounded by `maxsize` or
 * unbounded. `get` waits while it is empty, `put` while it is full; both take
 * `{ block, timeout, signal }`. Waiting getters and putters are served in arrival order, and an
 * item put while a getter waits is handed straight to it. Every queue also counts tasks
 * (`taskDone`/`join`, which is all `JoinableQueue` adds in gevent) and can be shut down.
 *
 * The items live in a ring buffer whose capacity grows by doubling (and shrinks back once a
 * large backlog has drained), so both ends are O(1).
 *
 * @param maxsize the most items it holds: a positive integer, or `Infinity`/omitted for unbounded.
 * For a rendezvous (no buffer at all), use {@link Channel}.
 * @throws {TypeError|RangeError} when `maxsize` is not a positive integer or `Infinity`, e.g.
 * `RangeError: Queue(): expected maxsize to be a positive integer or Infinity, got 0 (number)`.
 * @example
 * ```ts
 * const queue = new Queue<string>(100);
 * spawn(async (g) => { for (const url of urls) await queue.put(url, { signal: g }); queue.shutdown(); });
 * spawn(async (g) => { for await (const url of queue.iter({ signal: g })) await fetchOne(url); });
 * ```
 */
export class Queue<T> extends BaseQueue<T> {
  constructor(maxsize?: number) {
    super(NAMES, checkMaxsize(NAMES.ctor, maxsize), new Ring<T>());
  }
}

/**
 * gevent's `JoinableQueue`: the same class as {@link Queue}, since every queue here supports
 * `taskDone()` and `join()`.
 * @example
 * ```ts
 * const jobs = new JoinableQueue<Job>();
 * ```
 */
export const JoinableQueue = Queue;
/** gevent's `JoinableQueue`: the same type as {@link Queue}. */
export type JoinableQueue<T> = Queue<T>;
