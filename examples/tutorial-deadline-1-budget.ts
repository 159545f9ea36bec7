// Tutorial, chapter 4, step 1: one Timeout as the budget of the whole crawl. It is handed as the
// signal to every wait of the main program in turn; when it fires, the wait in progress rejects
// with the Timeout's error, and the program stops the crawl.
import { Pool, Queue, Timeout, sleep, spawn, type Greenlet, type Signal } from "greenthread";
import { log, site } from "./tutorial-common.js";

async function fetchPage(signal: Signal, url: string): Promise<string[]> {
  await sleep(site[url]!.ms, { signal });
  return site[url]!.links;
}

async function fetchRobots(signal: Signal): Promise<string[]> {
  await sleep(150, { signal });
  return [];
}

const seen = new Set<string>();
const frontier = new Queue<string>();
const pool = new Pool(2);
let pages = 0;

async function crawl(g: Greenlet, url: string): Promise<void> {
  try {
    const links = await fetchPage(g, url);
    pages++;
    log(`fetched ${url}`);
    for (const link of links) {
      if (seen.has(link)) continue;
      seen.add(link);
      frontier.putNowait(link);
    }
  } finally {
    frontier.taskDone();
  }
}

const dispatcher = spawn(async (g) => {
  for await (const url of frontier.iter({ signal: g })) {
    await pool.waitAvailable({ signal: g });
    await pool.spawn(crawl, url);
  }
});

const budget = Timeout.startNew(600); // the whole crawl, robots.txt included, gets 600 ms
try {
  const disallowed = await fetchRobots(budget); // the budget's first wait...
  log(`robots.txt read; ${disallowed.length} rules`);
  seen.add("/");
  frontier.putNowait("/");
  await frontier.join({ signal: budget }); // ...and its second, with what is left of it
  log("crawl complete");
} catch (error) {
  if (error !== budget.signal.reason) throw error; // not our deadline: not ours to handle
  log(`out of time: ${(error as Error).message}`);
} finally {
  budget.cancel(); // a budget that did not fire must not keep a timer armed
  await dispatcher.kill();
  await pool.kill();
}
log(`${pages} pages fetched, ${frontier.qsize()} still queued`);
