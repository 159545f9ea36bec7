// Tutorial, chapter 4, step 6: a shield for cleanup. The crawler's fetcher hands its last pages
// to a slow indexer through a small queue when it is killed. A put on a full queue waits; given
// { signal: g } it would reject at once, since g is aborted. shield() gives the cleanup a scope
// of its own that the kill does not abort, bounded by the shield's deadline.
import { Queue, getClock, shield, sleep, spawn, type Greenlet } from "greenthread";
import { log } from "./tutorial-common.js";

const toIndex = new Queue<string>(1); // room for one page: the indexer takes one every 300 ms

const indexer = spawn(async (g) => {
  for await (const page of toIndex.iter({ signal: g })) {
    await sleep(300, { signal: g });
    log(`indexed ${page}`);
  }
});

async function fetcher(g: Greenlet, pages: string[]): Promise<void> {
  const fetched: string[] = [];
  try {
    for (const page of pages) {
      await sleep(100, { signal: g }); // fetching
      fetched.push(page);
    }
  } finally {
    // The queue has room for one page: the others wait for the indexer, shielded from the kill.
    await shield(
      async (s) => {
        for (const page of fetched) await toIndex.put(page, { signal: s });
      },
      { timeout: 1000 },
    );
    log(`handed over ${fetched.length} pages`);
  }
}

const g = spawn(fetcher, ["/", "/docs", "/blog", "/about"]);
await sleep(350); // three pages fetched
const start = getClock().now();
await g.kill(); // resolves once the shielded hand-over is done
log(`kill took ${getClock().now() - start} ms; killed as expected: ${g.successful()}`);
toIndex.shutdown(); // the indexer takes what is left, then its loop ends
await indexer.join();
