/**
 * The FIFO storage of `Queue`: a ring buffer with a power-of-two capacity, so that a slot index is
 * a mask instead of a division and neither end of the queue ever moves the other elements (an
 * array's `shift()` is O(n) once the array leaves V8's fast left-trim path).
 * @module
 */
import type { Store } from "./store.js";

const MIN_CAPACITY = 16;
// Below this capacity the ring never shrinks: a few KB per queue are cheaper to keep than to
// reallocate every time a backlog comes and goes.
const SHRINK_ABOVE = 1024;

/** @internal A growable FIFO ring buffer. */
export class Ring<T> implements Store<T> {
  private slots: (T | undefined)[];
  private mask: number;
  private head = 0;
  length = 0;

  constructor() {
    this.slots = new Array<T | undefined>(MIN_CAPACITY).fill(undefined);
    this.mask = MIN_CAPACITY - 1;
  }

  /** The number of slots, a power of two. */
  get capacity(): number {
    return this.slots.length;
  }

  push(item: T): void {
    if (this.length === this.slots.length) this.resize(this.slots.length * 2);
    this.slots[(this.head + this.length) & this.mask] = item;
    this.length++;
  }

  take(): T {
    const slots = this.slots;
    const head = this.head;
    const item = slots[head] as T;
    // Clear the slot so the ring does not keep a taken item alive.
    slots[head] = undefined;
    this.head = (head + 1) & this.mask;
    this.length--;
    // Halving at a quarter full keeps both growth and shrinking amortised O(1).
    if (slots.length > SHRINK_ABOVE && this.length < slots.length >>> 2) this.resize(slots.length >>> 1);
    return item;
  }

  peek(): T {
    return this.slots[this.head] as T;
  }

  clear(): void {
    if (this.slots.length > SHRINK_ABOVE) {
      this.slots = new Array<T | undefined>(MIN_CAPACITY).fill(undefined);
      this.mask = MIN_CAPACITY - 1;
    } else {
      this.slots.fill(undefined);
    }
    this.head = 0;
    this.length = 0;
  }

  /** Copies the items, oldest first, into a new array of `capacity` slots. */
  private resize(capacity: number): void {
    const old = this.slots;
    const slots = new Array<T | undefined>(capacity).fill(undefined);
    const mask = this.mask;
    for (let i = 0; i < this.length; i++) slots[i] = old[(this.head + i) & mask];
    this.slots = slots;
    this.mask = capacity - 1;
    this.head = 0;
  }
}
