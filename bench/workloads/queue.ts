// Producer/consumer batches: n items through a bounded queue, one producer putting and one
// consumer getting and summing; each batch checks the sum. The floor is the thinnest bounded
// queue there is: an array of items plus arrays of resolvers, `shift()` at the head, no
// validation, no cancellation, no task accounting.
import { joinall, spawn, type Greenlet } from "../../src/index.js";
import { Queue } from "../../src/queue/index.js";
import { check } from "../lib.js";

const RESOLVED: Promise<void> = Promise.resolve();

/** The floor: a bounded queue of an item array and resolver arrays, and nothing else. */
export class ArrayQueue<T> {
  protected readonly items: T[] = [];
  private readonly getters: ((item: T) => void)[] = [];
  protected readonly putters: (() => void)[] = [];

  constructor(private readonly maxsize: number) {}

  put(item: T): Promise<void> {
    const getter = this.getters.shift();
    if (getter !== undefined) {
      getter(item);
      return RESOLVED;
    }
    if (this.items.length < this.maxsize) {
      this.items.push(item);
      return RESOLVED;
    }
    return new Promise<void>((resolve) =>
      this.putters.push(() => {
        this.items.push(item);
        resolve();
      }),
    );
  }

  get(): Promise<T> {
    if (this.items.length > 0) {
      const item = this.items.shift()!;
      const putter = this.putters.shift();
      if (putter !== undefined) putter();
      return Promise.resolve(item);
    }
    return new Promise<T>((resolve) => this.getters.push(resolve));
  }
}

/** What the consumer of n items 0 … n − 1 must sum to. */
export const sumBelow = (n: number): number => (n * (n - 1)) / 2;

async function floorProducer(queue: ArrayQueue<number>, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await queue.put(i);
}

async function floorConsumer(queue: ArrayQueue<number>, n: number): Promise<number> {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += await queue.get();
  return sum;
}

// One pair of loops per path, as in user code, where a call site either passes `{ signal: g }` or
// does not: shared loops would make every call site see both and measure that instead.
async function producer(_g: Greenlet<void>, queue: Queue<number>, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await queue.put(i);
}

async function consumer(_g: Greenlet<number>, queue: Queue<number>, n: number): Promise<number> {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += await queue.get();
  return sum;
}

async function killableProducer(g: Greenlet<void>, queue: Queue<number>, n: number): Promise<void> {
  const options = { signal: g };
  for (let i = 0; i < n; i++) await queue.put(i, options);
}

async function killableConsumer(g: Greenlet<number>, queue: Queue<number>, n: number): Promise<number> {
  const options = { signal: g };
  let sum = 0;
  for (let i = 0; i < n; i++) sum += await queue.get(options);
  return sum;
}

// Which side starts first decides the path every item takes: with the producer first, each put
// finds room and each get finds an item (the stored path); with the consumer first, each get finds
// the queue empty and parks, and each put hands its item straight to it (the hand-off path).

/** n items through greenthread's Queue(maxsize), waits plain or given `{ signal: g }`. */
export async function throughQueue(n: number, maxsize: number, consumerFirst: boolean, withSignal: boolean): Promise<void> {
  const queue = new Queue<number>(maxsize);
  let p: Greenlet<void>;
  let c: Greenlet<number>;
  const put = withSignal ? killableProducer : producer;
  const get = withSignal ? killableConsumer : consumer;
  if (consumerFirst) {
    c = spawn(get, queue, n);
    p = spawn(put, queue, n);
  } else {
    p = spawn(put, queue, n);
    c = spawn(get, queue, n);
  }
  await joinall([p, c], { raiseError: true });
  check(c.value === sumBelow(n), `the consumer summed ${c.value}, expected ${sumBelow(n)}`);
  check(queue.empty() && queue.unfinishedTasks === n, `the queue ended with ${queue.qsize()} items, ${queue.unfinishedTasks} unfinished`);
}

/** n items through the floor's ArrayQueue(maxsize). */
export async function throughFloor(n: number, maxsize: number, consumerFirst: boolean): Promise<void> {
  const queue = new ArrayQueue<number>(maxsize);
  let sum: number;
  if (consumerFirst) [sum] = await Promise.all([floorConsumer(queue, n), floorProducer(queue, n)]);
  else [, sum] = await Promise.all([floorProducer(queue, n), floorConsumer(queue, n)]);
  check(sum === sumBelow(n), `the floor consumer summed ${sum}, expected ${sumBelow(n)}`);
}

/**
 * The physical limit of any queue whose `get` returns a promise: the floor's queue, but a get that
 * finds an item returns it synchronously, and the consumer awaits only when it must park.
 */
class SyncQueue<T> extends ArrayQueue<T> {
  tryGet(): T | typeof NOTHING {
    if (this.items.length === 0) return NOTHING;
    const item = this.items.shift()!;
    const putter = this.putters.shift();
    if (putter !== undefined) putter();
    return item;
  }
}
const NOTHING: unique symbol = Symbol("nothing");

async function syncConsumer(queue: SyncQueue<number>, n: number): Promise<number> {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const item = queue.tryGet();
    sum += item === NOTHING ? await queue.get() : item;
  }
  return sum;
}

/** n items through a queue whose stored items are taken synchronously (the limit, no target). */
export async function throughSyncQueue(n: number, maxsize: number, consumerFirst: boolean): Promise<void> {
  const queue = new SyncQueue<number>(maxsize);
  let sum: number;
  if (consumerFirst) [sum] = await Promise.all([syncConsumer(queue, n), floorProducer(queue, n)]);
  else [, sum] = await Promise.all([floorProducer(queue, n), syncConsumer(queue, n)]);
  check(sum === sumBelow(n), `the sync consumer summed ${sum}, expected ${sumBelow(n)}`);
}
