/**
 * `LifoQueue`: last in, first out.
 * @module
 */
import { BaseQueue, queueNames } from "./base.js";
import { checkMaxsize } from "./shared.js";
import type { Store } from "./store.js";

const NAMES = queueNames("LifoQueue");

/** A stack: `take` pops the newest item. */
class Stack<T> implements Store<T> {
  private items: T[] = [];

  get length(): number {
    return this.items.length;
  }

  push(item: T): void {
    this.items.push(item);
  }

  take(): T {
    return this.items.pop() as T;
  }

  peek(): T {
    return this.items[this.items.length - 1] as T;
  }

  clear(): void {
    this.items = [];
  }
}

/**
 * A queue that returns the most recently added item first (gevent's and Python's `LifoQueue`).
 * Everything else — waiting, `maxsize`, `taskDone`/`join`, shutdown, iteration — is as in
 * {@link Queue}; blocked getters and putters are still served in arrival order.
 *
 * @param maxsize the most items it holds: a positive integer, or `Infinity`/omitted for unbounded.
 * @throws {TypeError|RangeError} when `maxsize` is not a positive integer or `Infinity`.
 * @example
 * ```ts
 * const stack = new LifoQueue<number>();
 * stack.putNowait(1);
 * stack.putNowait(2);
 * stack.getNowait(); // 2
 * ```
 */
export class LifoQueue<T> extends BaseQueue<T> {
  constructor(maxsize?: number) {
    super(NAMES, checkMaxsize(NAMES.ctor, maxsize), new Stack<T>());
  }
}
