// Reference, sync.md: Event.wait() with a timeout as the tick of a loop. The wait's own timeout
// resolves false (keep beating); set() makes it resolve true (stop).
import { Event, getClock, sleep, spawn } from "greenthread";
import { installVirtualClock } from "greenthread/testing";

installVirtualClock({ autojump: true });

const stop = new Event();
function heartbeat(): void {
  console.log(`heartbeat at ${getClock().now()} ms`);
}

// A heartbeat loop that stops when `stop` is set or the greenlet is killed.
const beating = spawn(async (g) => {
  while (!(await stop.wait({ timeout: 1000, signal: g }))) heartbeat();
});

await sleep(3500);
stop.set();
await beating.join();
console.log(`stopped at ${getClock().now()} ms`);
