// Reference, queue.md: iter({ signal: g }) in a writer greenlet. The loop ends by itself once the
// queue is shut down and drained; a kill would end it at its pending get.
import { Queue, spawn } from "greenthread";

const out = process.stdout;
const lines = new Queue<string>();

const writer = spawn(async (g) => {
  for await (const line of lines.iter({ signal: g })) out.write(line);
});

for (const word of ["one", "two", "three"]) await lines.put(`${word}\n`);
lines.shutdown();
await writer.join();
console.log(`writer done: ${writer.successful()}`);
