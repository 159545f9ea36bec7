export { Group, BaseGroup, type GroupJoinOptions, type ImapOptions, type MapOptions, type SpawnOptions } from "./group.js";
export { Pool, type PoolAddOptions } from "./pool.js";
export type { MapFunction, Source } from "./map.js";
