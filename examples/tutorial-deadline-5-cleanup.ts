// Tutorial, chapter 4, step 5: cleanup that must wait. The crawler's writer buffers pages and
// writes them out when it is killed. A killed greenlet stays aborted, so a cleanup wait given
// { signal: g } fails at once; the cleanup gets a deadline of its own instead.
import { Queue, getClock, sleep, spawn, withTimeout, type Greenlet, type Signal } from "greenthread";
import { log } from "./tutorial-common.js";

const disk: string[] = [];
async function writeToDisk(signal: Signal, pages: string[], diskMs: number): Promise<void> {
  await sleep(diskMs, { signal }); // the disk is busy for diskMs
  disk.push(...pages);
}

async function carelessWriter(g: Greenlet, results: Queue<string>, diskMs: number): Promise<void> {
  const buffer: string[] = [];
  try {
    for await (const page of results.iter({ signal: g })) buffer.push(page);
  } finally {
    try {
      await writeToDisk(g, buffer, diskMs); // g is aborted: this rejects at once
      log(`careless: wrote ${buffer.length} pages`);
    } catch (error) {
      log(`careless: lost ${buffer.length} pages: ${(error as Error).name}`);
    }
  }
}

async function carefulWriter(g: Greenlet, results: Queue<string>, diskMs: number): Promise<void> {
  const buffer: string[] = [];
  try {
    for await (const page of results.iter({ signal: g })) buffer.push(page);
  } finally {
    try {
      await withTimeout(500, (signal) => writeToDisk(signal, buffer, diskMs)); // its own deadline
      log(`careful: wrote ${buffer.length} pages`);
    } catch (error) {
      log(`careful: lost ${buffer.length} pages: ${(error as Error).message}`);
    }
  }
}

for (const [writer, diskMs] of [[carelessWriter, 200], [carefulWriter, 200], [carefulWriter, 2000]] as const) {
  const results = new Queue<string>();
  const g = spawn(writer, results, diskMs);
  for (const page of ["/", "/docs", "/blog"]) results.putNowait(page);
  await sleep(0); // the writer takes the three pages and parks in get()
  const start = getClock().now();
  await g.kill(); // resolves once the writer's finally has run
  log(`kill took ${getClock().now() - start} ms with a ${diskMs} ms disk; killed as expected: ${g.successful()}`);
}
log(`on disk: ${disk.length} pages`);
