// Tutorial, chapter 3, step 5: stopping early. The crawler looks for the installation page; once
// a greenlet finds it, the program stops feeding the pool and kills it. Each member's cleanup
// closes its connection, which takes 50 ms, and a member's slot is free only once that is done.
import { Event, Pool, Queue, sleep, spawn, type Greenlet, type Signal } from "greenthread";
import { log, site } from "./tutorial-common.js";

async function fetchPage(signal: Signal, url: string): Promise<string[]> {
  await sleep(site[url]!.ms, { signal });
  return site[url]!.links;
}

let open = 0; // connections open to the site, counting those still closing
let most = 0;

const seen = new Set<string>();
const frontier = new Queue<string>();
const pool = new Pool(2);
const found = new Event();

async function crawl(g: Greenlet, url: string): Promise<void> {
  most = Math.max(most, ++open);
  try {
    const links = await fetchPage(g, url);
    log(`fetched ${url}`);
    if (url.includes("install")) found.set();
    for (const link of links) {
      if (seen.has(link)) continue;
      seen.add(link);
      frontier.putNowait(link);
    }
  } finally {
    await sleep(50); // closing the connection; no signal: a kill must not cut the cleanup short
    open--;
    log(`  closed the connection of ${url}`);
  }
}

const dispatcher = spawn(async (g) => {
  for await (const url of frontier.iter({ signal: g })) {
    await pool.waitAvailable({ signal: g }); // pool.spawn() takes no signal: a kill lands here instead
    await pool.spawn(crawl, url); // the one producer, and a slot is free: it starts at once
  }
});

seen.add("/");
frontier.putNowait("/");
await found.wait();
log("found it: stop");
await dispatcher.kill(); // first stop feeding the pool
const killing = pool.kill(); // then kill the members; their cleanup runs now
log(`killing; free slots: ${pool.freeCount()}, members: ${[...pool].length}`);
await killing; // resolves once every member has died, cleanup included
log(`killed; free slots: ${pool.freeCount()}, at most ${most} connections were open at once`);
