// Reference, sync.md: an AsyncResult carries one value from the greenlet that computes it to
// whoever waits for it, before or after it is set.
import { AsyncResult, sleep, spawn, type Signal } from "greenthread";
import { installVirtualClock } from "greenthread/testing";

installVirtualClock({ autojump: true });

async function compute(options: { signal: Signal }): Promise<number> {
  await sleep(300, options); // a kill of the computing greenlet lands here
  return 42;
}

const result = new AsyncResult<number>();
spawn(async (g) => result.set(await compute({ signal: g })));
const n = await result.get({ timeout: 5000 });

console.log(n, result.ready(), result.successful());
console.log(await result.get()); // later gets see the same value at once
