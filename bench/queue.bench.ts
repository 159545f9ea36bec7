// Producer/consumer throughput: 1,000,000 items per batch through a queue bounded at 1024, one
// producer putting and one consumer getting, each checking its own result (the consumer sums the
// items; the sum is checked after every batch). The floor is the thinnest bounded queue there is:
// an array of items plus arrays of resolvers, `shift()` at the head, no validation, no
// cancellation, no task accounting. Targets, on the median of alternating rounds: greenthread's
// Queue keeps at least 0.8× of the floor's throughput on both paths an item can take (stored, or
// handed straight to a parked getter), with plain waits and with every wait given the greenlet as
// its signal (what code inside a greenlet should do); and the same with `{ signal: g }` through a
// Queue(1). Reported without a target: the ratio to a queue whose `get` returns a stored item
// synchronously, the limit for any queue whose `get` returns a promise.
import { joinall, spawn, type Greenlet } from "../src/index.js";
import { Queue } from "../src/queue/index.js";
import { alternate, check, finish, ratioTarget } from "./lib.js";

const N = 1_000_000;
const MAXSIZE = 1024;
const SUM = (N * (N - 1)) / 2;
const RESOLVED: Promise<void> = Promise.resolve();

/** The floor: a bounded queue of an item array and resolver arrays, and nothing else. */
class ArrayQueue<T> {
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

/**
 * The physical limit: the same queue, but a `get` that finds an item returns it synchronously
 * (no promise at all), and the consumer awaits only when it must park.
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

async function syncConsumer(queue: SyncQueue<number>): Promise<number> {
  let sum = 0;
  for (let i = 0; i < N; i++) {
    const item = queue.tryGet();
    sum += item === NOTHING ? await queue.get() : item;
  }
  return sum;
}

async function floorProducer(queue: ArrayQueue<number>): Promise<void> {
  for (let i = 0; i < N; i++) await queue.put(i);
}

async function floorConsumer(queue: ArrayQueue<number>): Promise<number> {
  let sum = 0;
  for (let i = 0; i < N; i++) sum += await queue.get();
  return sum;
}

// One pair of loops per path, as in user code, where a call site either passes `{ signal: g }` or
// does not: shared loops would make every call site see both and measure that instead.
async function producer(_g: Greenlet<void>, queue: Queue<number>): Promise<void> {
  for (let i = 0; i < N; i++) await queue.put(i);
}

async function consumer(_g: Greenlet<number>, queue: Queue<number>): Promise<number> {
  let sum = 0;
  for (let i = 0; i < N; i++) sum += await queue.get();
  return sum;
}

async function killableProducer(g: Greenlet<void>, queue: Queue<number>): Promise<void> {
  const options = { signal: g };
  for (let i = 0; i < N; i++) await queue.put(i, options);
}

async function killableConsumer(g: Greenlet<number>, queue: Queue<number>): Promise<number> {
  const options = { signal: g };
  let sum = 0;
  for (let i = 0; i < N; i++) sum += await queue.get(options);
  return sum;
}

// Which side starts first decides the path every item takes: with the producer first, each put
// finds room and each get finds an item (the stored path); with the consumer first, each get finds
// the queue empty and parks, and each put hands its item straight to it (the hand-off path).
async function throughQueue(consumerFirst: boolean, withSignal: boolean, maxsize = MAXSIZE): Promise<void> {
  const queue = new Queue<number>(maxsize);
  let p: Greenlet<void>;
  let c: Greenlet<number>;
  if (consumerFirst) {
    c = spawn(withSignal ? killableConsumer : consumer, queue);
    p = spawn(withSignal ? killableProducer : producer, queue);
  } else {
    p = spawn(withSignal ? killableProducer : producer, queue);
    c = spawn(withSignal ? killableConsumer : consumer, queue);
  }
  await joinall([p, c], { raiseError: true });
  check(c.value === SUM, `the consumer summed ${c.value}, expected ${SUM}`);
  check(queue.empty() && queue.unfinishedTasks === N, `the queue ended with ${queue.qsize()} items, ${queue.unfinishedTasks} unfinished`);
}

async function throughSync(consumerFirst: boolean): Promise<void> {
  const queue = new SyncQueue<number>(MAXSIZE);
  let sum: number;
  if (consumerFirst) [sum] = await Promise.all([syncConsumer(queue), floorProducer(queue)]);
  else [, sum] = await Promise.all([floorProducer(queue), syncConsumer(queue)]);
  check(sum === SUM, `the sync consumer summed ${sum}, expected ${SUM}`);
}

async function throughFloor(consumerFirst: boolean, maxsize = MAXSIZE): Promise<void> {
  const queue = new ArrayQueue<number>(maxsize);
  let sum: number;
  if (consumerFirst) [sum] = await Promise.all([floorConsumer(queue), floorProducer(queue)]);
  else [, sum] = await Promise.all([floorProducer(queue), floorConsumer(queue)]);
  check(sum === SUM, `the floor consumer summed ${sum}, expected ${SUM}`);
}

const title = `${N.toLocaleString("en-US")} items through a queue of ${MAXSIZE}`;
const FLOOR = "array + resolvers (floor)";
const SYNC = "stored items taken synchronously (limit)";
const PLAIN = "greenthread Queue";
const KILLABLE = "greenthread Queue, { signal: g }";
const stored = await alternate(`${title}, producer first: every item stored, then taken`, N, {
  [FLOOR]: () => throughFloor(false),
  [PLAIN]: () => throughQueue(false, false),
  [KILLABLE]: () => throughQueue(false, true),
  [SYNC]: () => throughSync(false),
}, { rounds: 5 });
ratioTarget(stored, PLAIN, FLOOR, 0.8);
ratioTarget(stored, KILLABLE, FLOOR, 0.8);
ratioTarget(stored, KILLABLE, SYNC);

const handedOff = await alternate(`${title}, consumer first: every get parks, every put hands off`, N, {
  [FLOOR]: () => throughFloor(true),
  [PLAIN]: () => throughQueue(true, false),
  [KILLABLE]: () => throughQueue(true, true),
}, { rounds: 5 });
ratioTarget(handedOff, PLAIN, FLOOR, 0.8);
ratioTarget(handedOff, KILLABLE, FLOOR, 0.8);

const one = await alternate(`${N.toLocaleString("en-US")} items through a Queue(1): every put waits for the get`, N, {
  [FLOOR]: () => throughFloor(false, 1),
  [KILLABLE]: () => throughQueue(false, true, 1),
}, { rounds: 5 });
ratioTarget(one, KILLABLE, FLOOR, 0.8);
finish();
