/**
 * The storage of `PriorityQueue`: a binary min-heap with a sequence number per item, so that items
 * of equal priority come out in the order they went in (Python's heapq leaves that order open).
 *
 * Items and sequence numbers live in two parallel arrays: an entry object per item would be one
 * allocation per put. Both sift operations first find the final position using comparisons only,
 * then move entries, so a comparator that throws (or returns a non-number) leaves the heap as it
 * was: the put or get that called it fails and nothing is lost or duplicated.
 * @module
 */
import { describe } from "../core/validate.js";
import type { Store } from "./store.js";

/** A comparator: negative when `a` comes first, positive when `b` does, zero when equal. */
export type Compare<T> = (a: T, b: T) => number;

function isNumeric(value: unknown): boolean {
  const type = typeof value;
  return type === "number" || type === "bigint";
}

/**
 * The default order of a PriorityQueue: numbers and bigints by value, strings by UTF-16 code
 * units, Dates by time, and arrays element by element (a shorter prefix first), like Python's
 * tuples, so `[priority, item]` pairs work as in gevent. Anything else has no natural order here
 * and is a TypeError: pass a comparator.
 */
export function naturalOrder(a: unknown, b: unknown): number {
  if ((isNumeric(a) && isNumeric(b)) || (typeof a === "string" && typeof b === "string")) {
    return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const c = naturalOrder(a[i], b[i]);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  }
  if (a instanceof Date && b instanceof Date) {
    const d = a.getTime() - b.getTime();
    return d < 0 ? -1 : d > 0 ? 1 : 0;
  }
  throw new TypeError(
    `PriorityQueue: the default order compares numbers, bigints, strings, Dates and arrays of them, ` +
      `got ${describe(a)} and ${describe(b)}; pass a compare function`,
  );
}

/** @internal A binary min-heap, FIFO among equal items. */
export class Heap<T> implements Store<T> {
  private readonly items: T[] = [];
  private readonly seqs: number[] = [];
  private seq = 0;

  constructor(private readonly compare: Compare<T>) {}

  get length(): number {
    return this.items.length;
  }

  push(item: T): void {
    const items = this.items;
    const seqs = this.seqs;
    const seq = this.seq;
    let hole = items.length;
    // Pass 1, comparisons only: climb while the new item comes before the parent.
    let at = hole;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!this.before(item, seq, items[parent]!, seqs[parent]!)) break;
      at = parent;
    }
    // Pass 2, moves only: shift the ancestors on the way down by one level.
    items.push(item);
    seqs.push(seq);
    while (hole > at) {
      const parent = (hole - 1) >> 1;
      items[hole] = items[parent]!;
      seqs[hole] = seqs[parent]!;
      hole = parent;
    }
    items[at] = item;
    seqs[at] = seq;
    this.seq = seq + 1;
  }

  take(): T {
    const items = this.items;
    const seqs = this.seqs;
    const top = items[0]!;
    const size = items.length - 1;
    if (size === 0) {
      items.pop();
      seqs.pop();
      return top;
    }
    const last = items[size]!;
    const lastSeq = seqs[size]!;
    // Pass 1, comparisons only: find where `last` settles when sifted down from the root in
    // the heap without its final slot.
    let at = 0;
    for (;;) {
      const left = 2 * at + 1;
      if (left >= size) break;
      const right = left + 1;
      const child = right < size && this.before(items[right]!, seqs[right]!, items[left]!, seqs[left]!) ? right : left;
      if (!this.before(items[child]!, seqs[child]!, last, lastSeq)) break;
      at = child;
    }
    // Pass 2, moves only: every node on the path from the root to `at` moves up one level. The
    // path is read off `at` itself: the ancestor at depth d of node i is ((i + 1) >> (D - d)) - 1.
    items.pop();
    seqs.pop();
    const depth = 31 - Math.clz32(at + 1);
    let hole = 0;
    for (let d = 1; d <= depth; d++) {
      const node = ((at + 1) >> (depth - d)) - 1;
      items[hole] = items[node]!;
      seqs[hole] = seqs[node]!;
      hole = node;
    }
    items[at] = last;
    seqs[at] = lastSeq;
    return top;
  }

  peek(): T {
    return this.items[0]!;
  }

  clear(): void {
    this.items.length = 0;
    this.seqs.length = 0;
  }

  /** True when (a, seqA) comes before (b, seqB): by the comparator, then by insertion order. */
  private before(a: T, seqA: number, b: T, seqB: number): boolean {
    const c = this.compare(a, b);
    if (typeof c !== "number") {
      throw new TypeError(`PriorityQueue: expected compare(a, b) to return a number, got ${describe(c)}`);
    }
    // NaN compares as "equal", so insertion order decides.
    return c < 0 || (!(c > 0) && seqA < seqB);
  }
}
