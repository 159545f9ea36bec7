// Tutorial, chapter 3, step 1: a crawler with one greenlet per page, in a Group. Nothing bounds
// how many pages are fetched at once.
import { Group, sleep, type Greenlet, type Signal } from "greenthread";
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
const group = new Group();

async function crawl(g: Greenlet, url: string): Promise<void> {
  const links = await fetchPage(g, url);
  log(`fetched ${url}`);
  for (const link of links) {
    if (seen.has(link)) continue; // no await between this check and the add below: no other
    seen.add(link); //               greenlet can run in between, so no link is crawled twice
    group.spawn(crawl, link);
  }
}

seen.add("/");
group.spawn(crawl, "/");
await group.join(); // until the group is empty, members spawned by members included
log(`${seen.size} pages, at most ${most} fetches at once`);
