// Reference, pool.md: load shedding with spawnWith. Each request waits at most a second for a
// slot; one that gets none is shed, and it never took a slot or started.
import { Pool, PoolFullError, getClock, sleep, type Greenlet } from "greenthread";
import { installVirtualClock } from "greenthread/testing";

installVirtualClock({ autojump: true });
const now = (): string => `${getClock().now()} ms`;

const pool = new Pool(2);
async function handle(g: Greenlet, request: string): Promise<void> {
  console.log(`${now()}: handling ${request}`);
  await sleep(1500, { signal: g });
}

for (const request of ["r1", "r2", "r3", "r4"]) {
  try {
    await pool.spawnWith({ timeout: 1000 }, handle, request);
  } catch (error) {
    if (!(error instanceof PoolFullError)) throw error;
    console.log(`${now()}: shed ${request} (${error.message})`);
  }
}
await pool.join();
