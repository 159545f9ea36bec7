export { Group, BaseGroup, type GroupJoinOptions, type ImapOptions } from "./group.js";
export { Pool, type PoolAddOptions } from "./pool.js";
export type { MapFunction, Source } from "./map.js";
export {
  ThreadPool,
  ThreadPoolClosedError,
  type ThreadPoolOptions,
  type ThreadTaskOptions,
  type ThreadApplyOptions,
  type ThreadPoolCloseOptions,
} from "./thread-pool.js";
