// Reference, core.md: iwait() yields waitables as they become ready: greenlets, an Event, an
// AsyncResult, in any mix. Leaving the loop early stops watching the rest.
import { AsyncResult, Event, getClock, iwait, sleep, spawn, spawnLater, wait } from "greenthread";
import { installVirtualClock } from "greenthread/testing";

installVirtualClock({ autojump: true });

const slow = spawn(async (g) => sleep(300, { signal: g }));
const fast = spawn(async (g) => sleep(100, { signal: g }));
const stop = new Event();
const answer = new AsyncResult<number>();
spawnLater(200, () => answer.set(42));
spawnLater(250, () => stop.set());

for await (const ready of iwait([slow, fast, stop, answer])) {
  const what = ready === stop ? "stop" : ready === answer ? "answer" : ready === fast ? "fast" : "slow";
  console.log(`${getClock().now()} ms: ${what} is ready`);
}

const first = await wait([spawn(async (g) => sleep(50, { signal: g })), new Event()], { count: 1 });
console.log(`wait({ count: 1 }) returned ${first.length} object at ${getClock().now()} ms`);

