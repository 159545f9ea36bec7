// Reference, pool.md: Pool.imap() yields the values in input order as they become ready, with at
// most 3 workers and at most 1000 items in flight or waiting for the loop.
import { Pool, sleep, type Greenlet } from "greenthread";
import { installVirtualClock } from "greenthread/testing";

installVirtualClock({ autojump: true });

const out = process.stdout;
const lines = ["alice,34", "bob,27", "carol,41", "dave,19", "erin,52"];

async function parseLine(g: Greenlet<string>, line: string): Promise<string> {
  const [name, age] = line.split(",");
  await sleep(100 - line.length * 10, { signal: g }); // shorter lines take longer, so they finish out of order
  return `${name} is ${age}\n`;
}

const pool = new Pool(3);
for await (const row of pool.imap(parseLine, lines, { maxsize: 1000 })) out.write(row);
