// Reference, sync.md: acquire() with a timeout. The second greenlet gives up after 500 ms instead
// of queueing behind a holder that takes a second; an acquire that gives up takes no slot.
import { Lock, getClock, joinall, sleep, spawn, type Greenlet } from "greenthread";
import { installVirtualClock } from "greenthread/testing";

installVirtualClock({ autojump: true });
const now = (): string => `${getClock().now()} ms`;

async function update(name: string): Promise<void> {
  console.log(`${now()}: ${name} updates`);
  await sleep(1000);
}

const lock = new Lock();

async function updateIfFree(g: Greenlet, name: string): Promise<void> {
  if (await lock.acquire({ timeout: 500, signal: g })) {
    try {
      await update(name);
    } finally {
      lock.release();
    }
  } else {
    console.log(`${now()}: ${name} found the lock busy and skipped its update`);
  }
}

await joinall([spawn(updateIfFree, "first"), spawn(updateIfFree, "second")]);
await joinall([spawn(updateIfFree, "third")]);
console.log(`${now()}: locked=${lock.locked()}`);
