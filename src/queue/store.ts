/**
 * What a queue keeps its items in. `Queue`, `LifoQueue` and `PriorityQueue` share every waiting,
 * cancellation and shutdown rule (see `base.ts`) and differ only here: a ring, a stack, a heap.
 * @module
 */

/**
 * @internal The storage of a queue. `push` and `take` are atomic: when they throw (a comparator
 * of a `PriorityQueue` that throws), the store is unchanged.
 */
export interface Store<T> {
  readonly length: number;
  /** Adds an item. */
  push(item: T): void;
  /** Removes and returns the next item; only called when `length > 0`. */
  take(): T;
  /** The next item, left in place; only called when `length > 0`. */
  peek(): T;
  /** Drops every item. */
  clear(): void;
}
