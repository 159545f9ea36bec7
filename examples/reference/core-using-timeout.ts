// Reference, core.md: `using` a Timeout, the TypeScript spelling of gevent's `with Timeout(1):`.
// The block's waits name the Timeout as their signal; leaving the block cancels it, however the
// block is left, so no deadline outlives the work it guarded.
import { Queue, Timeout, TimeoutError, getClock, spawnLater } from "greenthread";
import { installVirtualClock } from "greenthread/testing";

const clock = installVirtualClock({ autojump: true });
const replies = new Queue<string>();
spawnLater(300, () => replies.putNowait("hello"));
spawnLater(600, () => replies.putNowait("world"));

async function twoReplies(): Promise<string> {
  using deadline = Timeout.startNew(1000);
  const first = await replies.get({ signal: deadline });
  const second = await replies.get({ signal: deadline });
  return `${first}, ${second}`;
} // deadline.cancel() runs here: on the return, and on a throw

for (let call = 1; call <= 2; call++) {
  try {
    const both = await twoReplies();
    console.log(`${getClock().now()} ms: ${both}`);
  } catch (error) {
    if (!(error instanceof TimeoutError)) throw error;
    console.log(`${getClock().now()} ms: ${error.message}`);
  }
  console.log(`  timers still armed: ${clock.pendingTimers}`);
}
