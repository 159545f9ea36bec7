// A pub/sub topic built on greenthread's queues. Publishing never waits: every subscriber has a
// bounded queue of its own, and when a subscriber falls behind, its oldest item is dropped and
// counted. A slow subscriber therefore costs only itself.
import { Queue, type Greenlet } from "greenthread";

/** One subscriber's end of a topic. */
export class Subscription<T> {
  /** Items dropped because this subscriber fell behind. */
  dropped = 0;
  readonly queue: Queue<T>;

  constructor(
    private readonly topic: Topic<T>,
    maxsize: number,
  ) {
    this.queue = new Queue<T>(maxsize);
  }

  /** @internal Called by the topic: enqueue, dropping the oldest item when full. */
  offer(item: T): void {
    if (this.queue.full()) {
      this.queue.getNowait();
      this.dropped++;
    }
    this.queue.putNowait(item);
  }

  /** The next item, waiting for one; a kill of `g` lands here. */
  next(g: Greenlet<any>): Promise<T> {
    return this.queue.get({ signal: g });
  }

  /** Leaves the topic; the queue is shut down, so a loop over it ends. */
  close(): void {
    this.topic.unsubscribe(this);
    this.queue.shutdown(true);
  }
}

export class Topic<T> {
  private readonly subscribers = new Set<Subscription<T>>();
  /** Items published so far. */
  published = 0;

  /** A new subscription whose queue holds at most `maxsize` items. */
  subscribe(maxsize: number): Subscription<T> {
    const subscription = new Subscription<T>(this, maxsize);
    this.subscribers.add(subscription);
    return subscription;
  }

  /** @internal */
  unsubscribe(subscription: Subscription<T>): void {
    this.subscribers.delete(subscription);
  }

  /** Hands `item` to every subscriber; never waits. */
  publish(item: T): void {
    this.published++;
    for (const subscription of this.subscribers) subscription.offer(item);
  }

  get size(): number {
    return this.subscribers.size;
  }
}
