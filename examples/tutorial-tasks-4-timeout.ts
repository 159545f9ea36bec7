// Tutorial, chapter 7: a timeout, traced. The caller gives up on a slow answer after 30 ms; the
// timeout ends the caller's wait, not the work, until the caller kills it.
import { AsyncResult, TimeoutError, sleep, spawn } from "greenthread";
import { trace } from "greenthread/observe";
import { installVirtualClock } from "greenthread/testing";
import { show } from "./tutorial-timeline.js";

const clock = installVirtualClock({ autojump: true });
const t = await trace(async () => {
  const answer = new AsyncResult<string>();
  const slow = spawn(async (g) => {
    await sleep(20, { signal: g }); // 20 ms to look the answer up...
    await sleep(30, { signal: g }); // ...and 30 more to format it
    answer.set("42");
  });
  slow.name = "slow";
  const caller = spawn(async (g) => {
    try {
      return await answer.get({ signal: g, timeout: 30 });
    } catch (error) {
      if (!(error instanceof TimeoutError)) throw error;
      await slow.kill(); // nobody will read the answer: stop the work too
      return "no answer";
    }
  });
  caller.name = "caller";
  return caller.get();
});
clock.uninstall();
await show(t, "timeout.svg");
console.log(`caller got: ${t.value}`);
