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
  private readonly items: T[] = [];
  private readonly getters: ((item: T) => void)[] = [];
  private readonly putters: (() => void)[] = [];

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

async function producer(g: Greenlet<void>, queue: Queue<number>, n: number, withSignal: boolean): Promise<void> {
  const options = withSignal ? { signal: g } : undefined;
  for (let i = 0; i < n; i++) await queue.put(i, options);
}

async function consumer(g: Greenlet<number>, queue: Queue<number>, n: number, withSignal: boolean): Promise<number> {
  const options = withSignal ? { signal: g } : undefined;
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
  if (consumerFirst) {
    c = spawn(consumer, queue, n, withSignal);
    p = spawn(producer, queue, n, withSignal);
  } else {
    p = spawn(producer, queue, n, withSignal);
    c = spawn(consumer, queue, n, withSignal);
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
