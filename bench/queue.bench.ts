// Producer/consumer throughput: 1,000,000 items per batch through a queue bounded at 1024, one
// producer putting and one consumer getting, each checking its own result (the consumer sums the
// items; the sum is checked after every batch). The floor is the thinnest bounded queue there is:
// an array of items plus arrays of resolvers, `shift()` at the head, no validation, no
// cancellation, no task accounting. Target: greenthread's Queue keeps at least 0.8× of the floor's
// throughput with plain waits, on both paths an item can take (stored, or handed straight to a
// parked getter); the variant where every wait is given the greenlet as its signal (what code
// inside a greenlet should do) is reported too.
import { joinall, spawn, type Greenlet } from "../src/index.js";
import { Queue } from "../src/queue/index.js";
import { check, finish, measure, target } from "./lib.js";

const N = 1_000_000;
const MAXSIZE = 1024;
const SUM = (N * (N - 1)) / 2;
const RESOLVED: Promise<void> = Promise.resolve();

/** The floor: a bounded queue of an item array and resolver arrays, and nothing else. */
class ArrayQueue<T> {
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

async function floorProducer(queue: ArrayQueue<number>): Promise<void> {
  for (let i = 0; i < N; i++) await queue.put(i);
}

async function floorConsumer(queue: ArrayQueue<number>): Promise<number> {
  let sum = 0;
  for (let i = 0; i < N; i++) sum += await queue.get();
  return sum;
}

async function producer(g: Greenlet<void>, queue: Queue<number>, withSignal: boolean): Promise<void> {
  const options = withSignal ? { signal: g } : undefined;
  for (let i = 0; i < N; i++) await queue.put(i, options);
}

async function consumer(g: Greenlet<number>, queue: Queue<number>, withSignal: boolean): Promise<number> {
  const options = withSignal ? { signal: g } : undefined;
  let sum = 0;
  for (let i = 0; i < N; i++) sum += await queue.get(options);
  return sum;
}

// Which side starts first decides the path every item takes: with the producer first, each put
// finds room and each get finds an item (the stored path); with the consumer first, each get finds
// the queue empty and parks, and each put hands its item straight to it (the hand-off path).
async function throughQueue(consumerFirst: boolean, withSignal: boolean): Promise<void> {
  const queue = new Queue<number>(MAXSIZE);
  let p: Greenlet<void>;
  let c: Greenlet<number>;
  if (consumerFirst) {
    c = spawn(consumer, queue, withSignal);
    p = spawn(producer, queue, withSignal);
  } else {
    p = spawn(producer, queue, withSignal);
    c = spawn(consumer, queue, withSignal);
  }
  await joinall([p, c], { raiseError: true });
  check(c.value === SUM, `the consumer summed ${c.value}, expected ${SUM}`);
  check(queue.empty() && queue.unfinishedTasks === N, `the queue ended with ${queue.qsize()} items, ${queue.unfinishedTasks} unfinished`);
}

async function throughFloor(consumerFirst: boolean): Promise<void> {
  const queue = new ArrayQueue<number>(MAXSIZE);
  let sum: number;
  if (consumerFirst) [sum] = await Promise.all([floorConsumer(queue), floorProducer(queue)]);
  else [, sum] = await Promise.all([floorProducer(queue), floorConsumer(queue)]);
  check(sum === SUM, `the floor consumer summed ${sum}, expected ${SUM}`);
}

// The variants with `{ signal: g }` run last, in their own suite: run between the two targets,
// they make the queue's call sites polymorphic (options or none, a CancelScope or none) while the
// floor's stay monomorphic, and the second target would measure that rather than the queue.
const title = `${N.toLocaleString("en-US")} items through a queue of ${MAXSIZE}`;
const stored = await measure(`${title}, producer first: every item stored, then taken`, N, {
  "array + resolvers (floor)": () => throughFloor(false),
  "greenthread Queue": () => throughQueue(false, false),
});
target(stored, "greenthread Queue", "array + resolvers (floor)", 0.8);

const handedOff = await measure(`${title}, consumer first: every get parks, every put hands off`, N, {
  "array + resolvers (floor)": () => throughFloor(true),
  "greenthread Queue": () => throughQueue(true, false),
});
target(handedOff, "greenthread Queue", "array + resolvers (floor)", 0.8);

await measure(`${title}, every wait given { signal: g } (no target: the floor has no cancellation)`, N, {
  "greenthread Queue, producer first": () => throughQueue(false, true),
  "greenthread Queue, consumer first": () => throughQueue(true, true),
});
finish();
