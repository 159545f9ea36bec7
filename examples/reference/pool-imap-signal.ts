// Reference, pool.md: a loop over imapUnordered that lives as long as its greenlet. Given
// { signal: g }, killing the greenlet ends the loop at its pending next(), kills the downloads
// still running, and leaves nothing registered on g.
import { GreenletExit, Pool, getClock, sleep, spawn, type Greenlet } from "greenthread";
import { installVirtualClock } from "greenthread/testing";

installVirtualClock({ autojump: true });
const now = (): string => `${getClock().now()} ms`;

const files = [
  { name: "a.txt", ms: 100 },
  { name: "b.txt", ms: 400 },
  { name: "c.txt", ms: 250 },
  { name: "d.txt", ms: 900 },
];
async function download(g: Greenlet<string>, file: { name: string; ms: number }): Promise<string> {
  try {
    await sleep(file.ms, { signal: g });
  } catch (error) {
    console.log(`${now()}: ${file.name} cancelled`);
    throw error;
  }
  return file.name;
}

const pool = new Pool(2);
const mirror = spawn(async (g) => {
  for await (const name of pool.imapUnordered(download, files, { signal: g })) {
    console.log(`${now()}: got ${name}`);
  }
});

await sleep(500);
await mirror.kill();
await pool.join();
console.log(`${now()}: the mirror ended with a GreenletExit: ${mirror.value instanceof GreenletExit}; ${pool.size} downloads left`);
