// Reference, pool.md: imapUnordered() yields in completion order; leaving the loop after the first
// answer kills the slower requests.
import { Group, getClock, sleep, type Greenlet } from "greenthread";
import { installVirtualClock } from "greenthread/testing";

installVirtualClock({ autojump: true });

const mirrors = [
  { host: "eu.example.org", ms: 180 },
  { host: "us.example.org", ms: 90 },
  { host: "ap.example.org", ms: 400 },
];

async function askMirror(g: Greenlet<string>, mirror: { host: string; ms: number }): Promise<string> {
  try {
    await sleep(mirror.ms, { signal: g });
    return `${mirror.host} answered in ${mirror.ms} ms`;
  } catch (error) {
    console.log(`${getClock().now()} ms: ${mirror.host} cancelled`);
    throw error;
  }
}
function use(answer: string): void {
  console.log(`${getClock().now()} ms: ${answer}`);
}

const group = new Group();
for await (const answer of group.imapUnordered(askMirror, mirrors)) {
  use(answer);
  break; // the fastest wins; the others are killed
}
await group.join();
console.log(`${group.size} requests left`);
