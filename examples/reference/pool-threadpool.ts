// Reference, pool.md: a ThreadPool runs the worker module's exports on worker threads; each task
// is a greenlet. The worker module is plain JavaScript: hash.mjs, next to this file.
import { ThreadPool } from "greenthread/threadpool";

const bigText = "the quick brown fox jumps over the lazy dog ".repeat(10_000).trim();
const threads = new ThreadPool({ filename: new URL("./hash.mjs", import.meta.url), maxThreads: 4 });
const digest = threads.spawn<string>(bigText);               // the default export
const count = await threads.apply<number>(bigText, { name: "words" });
console.log(await digest.get(), count);
await threads.close();
