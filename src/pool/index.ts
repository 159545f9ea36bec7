export { Group, BaseGroup, type GroupJoinOptions, type GroupOptions, type ImapOptions, type MapOptions, type SpawnOptions } from "./group.js";
export { withGroup, type WithGroupOptions } from "./with-group.js";
export { Pool, type PoolAddOptions } from "./pool.js";
export type { MapFunction, Source } from "./map.js";
