// Reference, core.md: one Timeout as the deadline of several waits in a row. Each wait gets what
// is left of the budget; when it fires, the pending wait rejects with the Timeout's TimeoutError.
import { Queue, Timeout, TimeoutError, getClock, sleep, spawn } from "greenthread";
import { installVirtualClock } from "greenthread/testing";

installVirtualClock({ autojump: true });

const replies = new Queue<string>();
spawn(async () => {
  for (const reply of ["hello", "world"]) {
    await sleep(400);
    replies.putNowait(reply);
  }
});

const deadline = Timeout.startNew(1000);
try {
  for (;;) {
    const reply = await replies.get({ signal: deadline });
    console.log(`${getClock().now()} ms: ${reply}`);
  }
} catch (error) {
  if (!(error instanceof TimeoutError)) throw error;
  console.log(`${getClock().now()} ms: ${error.message}; same object as the Timeout's reason: ${error === deadline.signal.reason}`);
} finally {
  deadline.cancel();
}
console.log(String(deadline));
