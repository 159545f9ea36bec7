export { BaseQueue } from "./base.js";
export { Queue, JoinableQueue } from "./queue.js";
export { PriorityQueue } from "./priority-queue.js";
export { LifoQueue } from "./lifo-queue.js";
export { Channel } from "./channel.js";
export type { Compare } from "./heap.js";
export type { QueueWaitOptions, QueueIterOptions } from "./shared.js";
