// Reference, pool.md: a fail-fast group and withGroup. The first member that fails kills the
// others; join() (and withGroup) rejects with that failure only once every member is dead, so the
// others' cleanup has run by then.
import { Group, getClock, sleep, withGroup, type Greenlet } from "greenthread";
import { installVirtualClock } from "greenthread/testing";

installVirtualClock({ autojump: true });
const log = (message: string): void => console.log(`${getClock().now()} ms: ${message}`);

async function replica(g: Greenlet, name: string, ms: number): Promise<string> {
  try {
    await sleep(ms, { signal: g });
  } catch (error) {
    await sleep(20); // killed: closing the connection takes a while
    log(`${name} closed after the kill`);
    throw error;
  }
  if (name === "eu") throw new Error(`${name} is down`);
  return name;
}

const group = new Group({ failFast: true });
group.spawn(replica, "us", 500);
group.spawn(replica, "eu", 100);
try {
  await group.join();
} catch (error) {
  log(`join rejected: ${(error as Error).message}; failures: ${group.failures.length}`);
}

const pair = await withGroup(async (nursery) => {
  const a = nursery.spawn(replica, "us", 30);
  const b = nursery.spawn(replica, "asia", 50);
  await nursery.join();
  return [await a.get(), await b.get()];
});
log(`withGroup returned ${pair.join(" and ")}`);

await withGroup(async (nursery) => {
  nursery.spawn(replica, "us", 500);
  nursery.spawn(replica, "eu", 100);
}).catch((error: unknown) => log(`withGroup rejected: ${(error as Error).message}`));
