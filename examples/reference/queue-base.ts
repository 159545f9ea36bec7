// Reference, queue.md: BaseQueue as the type of "any of the three queues".
import { BaseQueue, LifoQueue, PriorityQueue, Queue } from "greenthread";

async function pump<T>(from: BaseQueue<T>, to: (item: T) => Promise<void>): Promise<void> {
  for await (const item of from) await to(item);
}

for (const queue of [new Queue<number>(), new LifoQueue<number>(), new PriorityQueue<number>()]) {
  for (const n of [2, 3, 1]) queue.putNowait(n);
  queue.shutdown(); // the pump ends once the queue is drained
  const seen: number[] = [];
  await pump(queue, async (n) => void seen.push(n));
  console.log(`${queue.constructor.name}: ${seen.join(", ")}`);
}
