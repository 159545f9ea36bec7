// Reference, queue.md: raising maxsize admits the blocked putters at once, in arrival order.
import { Queue, sleep, spawn } from "greenthread";

const queue = new Queue<string>(2);
for (const item of ["a", "b", "c", "d", "e"]) spawn(() => queue.put(item));
await sleep(0); // the putters run: two items go in, three putters wait
console.log(String(queue));

queue.maxsize = 10_000; // let the backlog grow during the burst
await sleep(0);
console.log(String(queue));
console.log(queue.getNowait(), queue.getNowait(), queue.getNowait(), queue.getNowait(), queue.getNowait());
