/**
 * `PriorityQueue`: lowest first, FIFO among equals.
 * @module
 */
import { failArgument } from "../core/validate.js";
import { BaseQueue, queueNames } from "./base.js";
import { Heap, naturalOrder, type Compare } from "./heap.js";
import { checkMaxsize } from "./shared.js";

const NAMES = queueNames("PriorityQueue");

/**
 * A queue that returns its lowest item first, by `compare` (gevent's and Python's
 * `PriorityQueue`), kept in a binary heap: `put` and `get` are O(log n). Items that compare equal
 * come out in the order they were put: unlike Python's heapq, that is guaranteed here.
 *
 * The default order compares numbers, bigints, strings and Dates, and arrays of them element by
 * element, like Python tuples: `queue.put([priority, payload])` works as in gevent as long as
 * equal priorities are followed by comparable payloads (or none). Anything else needs `compare`.
 * A comparator that throws, or returns a non-number, fails the put or get that called it (a
 * rejected promise, or a throw from the `Nowait` call) and leaves the queue unchanged. An item
 * handed straight to a waiting getter is never compared.
 *
 * Everything else — waiting, `maxsize`, `taskDone`/`join`, shutdown, iteration — is as in
 * {@link Queue}; blocked getters and putters are served in arrival order.
 *
 * @param maxsize the most items it holds: a positive integer, or `Infinity`/omitted for unbounded.
 * @param compare negative when `a` comes first, positive when `b` does, 0 when equal.
 * @throws {TypeError|RangeError} when `maxsize` is not a positive integer or `Infinity`, or
 * `compare` is not a function.
 * @example
 * ```ts
 * const jobs = new PriorityQueue<Job>(Infinity, (a, b) => a.deadline - b.deadline);
 * const urgent = new PriorityQueue<[number, string]>();
 * urgent.putNowait([2, "later"]);
 * urgent.putNowait([1, "now"]);
 * urgent.getNowait(); // [1, "now"]
 * ```
 */
export class PriorityQueue<T> extends BaseQueue<T> {
  constructor(maxsize?: number, compare?: (a: T, b: T) => number) {
    const max = checkMaxsize(NAMES.ctor, maxsize);
    if (compare !== undefined && typeof compare !== "function") {
      failArgument("type", NAMES.ctor, "compare", "a function or undefined", compare);
    }
    super(NAMES, max, new Heap<T>(compare ?? (naturalOrder as Compare<T>)));
  }
}
