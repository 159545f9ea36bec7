export { Event } from "./event.js";
export { AsyncResult } from "./async-result.js";
export { Semaphore, BoundedSemaphore, Lock, type AcquireOptions, type LockOptions } from "./semaphore.js";
export { RLock } from "./rlock.js";
export type { OwnedAcquireOptions } from "./owner.js";
