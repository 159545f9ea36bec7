// Reference, pool.md: a Pool as backpressure. The loop takes the next job only when one of the 20
// slots is free, so at most 20 handlers run, however fast the jobs come.
import { Pool, getClock, sleep, type Greenlet } from "greenthread";
import { installVirtualClock } from "greenthread/testing";

installVirtualClock({ autojump: true });

async function* incoming(): AsyncGenerator<number> {
  for (let id = 0; id < 100; id++) yield id;
}
let running = 0;
let most = 0;
async function handle(g: Greenlet, _job: number): Promise<void> {
  most = Math.max(most, ++running);
  try {
    await sleep(100, { signal: g });
  } finally {
    running--;
  }
}
const jobs = incoming();

const pool = new Pool(20);
for await (const job of jobs) await pool.spawn(handle, job); // waits while 20 are running
await pool.join();

console.log(`100 jobs in ${getClock().now()} ms, at most ${most} at once`);
