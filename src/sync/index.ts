export { Event } from "./event.js";
export { AsyncResult } from "./async-result.js";
export { Semaphore, BoundedSemaphore, Lock, type AcquireOptions } from "./semaphore.js";
