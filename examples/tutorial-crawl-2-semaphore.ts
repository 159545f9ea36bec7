// Tutorial, chapter 3, step 2: the site allows two connections at a time, so a Semaphore(2)
// guards every fetch; and robots.txt is fetched once, under a Lock, however many greenlets ask for
// it at the same moment.
import { Group, Lock, Semaphore, getClock, joinall, sleep, spawn, type Greenlet, type Signal } from "greenthread";
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

let robotsFetches = 0;
async function fetchRobots(signal: Signal): Promise<string[]> {
  robotsFetches++;
  await sleep(150, { signal });
  return ["/blog/2"]; // the paths robots.txt disallows
}

let cachedRules: string[] | undefined;
async function rulesWithoutLock(g: Greenlet): Promise<string[]> {
  if (cachedRules === undefined) cachedRules = await fetchRobots(g); // a switch point between the check and the store
  return cachedRules;
}

await joinall([spawn(rulesWithoutLock), spawn(rulesWithoutLock), spawn(rulesWithoutLock)]);
log(`without a lock, three greenlets fetched robots.txt ${robotsFetches} times`);
cachedRules = undefined;
robotsFetches = 0;

let rules: string[] | undefined;
const rulesLock = new Lock();
async function robotsRules(g: Greenlet): Promise<string[]> {
  return rulesLock.run(async () => {
    if (rules === undefined) rules = await fetchRobots(g); // only one greenlet at a time gets here
    return rules;
  }, { signal: g });
}

const connections = new Semaphore(2);
let pages = 0;
const seen = new Set<string>();
const group = new Group();

async function crawl(g: Greenlet, url: string): Promise<void> {
  if ((await robotsRules(g)).includes(url)) return log(`skipped ${url}: robots.txt says no`);
  const links = await connections.run(() => fetchPage(g, url), { signal: g });
  log(`fetched ${url}`);
  pages++;
  for (const link of links) {
    if (seen.has(link)) continue;
    seen.add(link);
    group.spawn(crawl, link);
  }
}

const start = getClock().now();
for (const url of ["/", "/docs", "/blog"]) {
  seen.add(url);
  group.spawn(crawl, url);
}
await group.join();
log(`${pages} pages in ${getClock().now() - start} ms, at most ${most} fetches at once, robots.txt fetched ${robotsFetches} time`);
