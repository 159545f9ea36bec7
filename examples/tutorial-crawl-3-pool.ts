// Tutorial, chapter 3, step 3: a Pool bounds the greenlets themselves, not just the fetches. URLs
// wait in a queue as plain strings; the dispatcher takes the next one only when a slot is free.
import { Pool, Queue, spawn, sleep, type Greenlet, type Signal } from "greenthread";
import { log, site } from "./tutorial-common.js";

let fetching = 0;
let most = 0;
async function fetchPage(signal: Signal, url: string): Promise<string[]> {
  most = Math.max(most, ++fetching);
  try {
    await sleep(site[url]!.ms, { signal });
    return site[url]!.links;
  } finally {
    fetching--;
  }
}

const seen = new Set<string>();
const frontier = new Queue<string>(); // the URLs found and not crawled yet
const pool = new Pool(2);

async function crawl(g: Greenlet, url: string): Promise<void> {
  try {
    const links = await fetchPage(g, url);
    log(`fetched ${url}; queued: ${frontier.qsize()}`);
    for (const link of links) {
      if (seen.has(link)) continue;
      seen.add(link);
      frontier.putNowait(link); // never pool.spawn() from inside the pool: see below
    }
  } finally {
    frontier.taskDone();
  }
}

const dispatcher = spawn(async (g) => {
  for await (const url of frontier.iter({ signal: g })) {
    await pool.spawn(crawl, url); // waits while both slots are taken: the backpressure
  }
});

seen.add("/");
frontier.putNowait("/");
await frontier.join(); // every URL put was crawled (taskDone in crawl's finally)
await dispatcher.kill();
log(`${seen.size} pages, at most ${most} fetches at once, ${pool.size} greenlets left`);
