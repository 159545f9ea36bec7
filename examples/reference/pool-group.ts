// Reference, pool.md: a Group of fetches joined with a deadline; whatever is left is killed, and
// each killed member's cleanup has run by the time kill() resolves.
import { Group, getClock, sleep, type Greenlet } from "greenthread";
import { installVirtualClock } from "greenthread/testing";

installVirtualClock({ autojump: true });

const latency: Record<string, number> = { "/home": 120, "/about": 300, "/archive": 60_000 };
const urls = Object.keys(latency);

async function fetchOne(g: Greenlet<string>, url: string): Promise<string> {
  try {
    await sleep(latency[url]!, { signal: g });
  } catch (error) {
    console.log(`${getClock().now()} ms: ${url} cancelled`);
    throw error;
  }
  console.log(`${getClock().now()} ms: fetched ${url}`);
  return url;
}

const group = new Group();
for (const url of urls) group.spawn(fetchOne, url);
await group.join({ timeout: 10_000 });
await group.kill(); // whatever is left
console.log(`${getClock().now()} ms: ${group.size} members left`);
