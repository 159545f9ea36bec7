// Reference, queue.md: putNowait() never waits. A sampler that must not block counts what did not
// fit.
import { Queue, QueueFullError } from "greenthread";

const queue = new Queue<number>(3);
let dropped = 0;
for (const sample of [0.5, 0.7, 0.2, 0.9, 0.4]) {
  try { queue.putNowait(sample); } catch (e) { if (e instanceof QueueFullError) dropped++; else throw e; }
}
console.log(`kept ${queue.qsize()}, dropped ${dropped}`);
