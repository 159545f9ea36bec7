// Reference, pool.md: load shedding. The dispatcher waits at most a second for a free slot and
// sheds the request when none comes; requests still get handled as slots free up.
import { Pool, Queue, getClock, sleep, spawn, type Greenlet } from "greenthread";
import { installVirtualClock } from "greenthread/testing";

installVirtualClock({ autojump: true });
const now = (): string => `${getClock().now()} ms`;

const inbox = new Queue<string>();
const pool = new Pool(2);
async function handle(g: Greenlet, request: string): Promise<void> {
  console.log(`${now()}: handling ${request}`);
  await sleep(1500, { signal: g });
}
function shed(request: string): void {
  console.log(`${now()}: shed ${request}`);
}

const dispatcher = spawn(async (g) => {
  for (;;) {
    const request = await inbox.get({ signal: g });
    if ((await pool.waitAvailable({ timeout: 1000, signal: g })) === 0) { shed(request); continue; }
    await pool.spawn(handle, request);
  }
});

for (const request of ["r1", "r2", "r3", "r4", "r5"]) {
  inbox.putNowait(request);
  await sleep(200);
}
await sleep(5000);
await dispatcher.kill();
await pool.join();
