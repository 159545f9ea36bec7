// Reference, queue.md: get() with both a timeout and the greenlet as signal. The session closes
// itself after 30 s without a message (its own timeout: QueueEmptyError); a kill would end it at
// once with the kill's reason.
import { Queue, QueueEmptyError, getClock, sleep, spawn, type Greenlet } from "greenthread";
import { installVirtualClock } from "greenthread/testing";

installVirtualClock({ autojump: true });
const now = (): string => `${getClock().now() / 1000} s`;

const inbox = new Queue<string>();

async function session(g: Greenlet): Promise<void> {
  for (;;) {
    let msg: string;
    try {
      msg = await inbox.get({ timeout: 30_000, signal: g });
    } catch (error) {
      if (!(error instanceof QueueEmptyError)) throw error;
      console.log(`${now()}: idle for 30 s, closing`);
      return;
    }
    console.log(`${now()}: got ${msg}`);
  }
}

const g = spawn(session);
await sleep(10_000);
inbox.putNowait("hello");
await sleep(5_000);
inbox.putNowait("still there?");
await g.join();
