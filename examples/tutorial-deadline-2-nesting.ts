// Tutorial, chapter 4, step 2: deadlines inside deadlines. Each attempt at a page gets 250 ms and
// gives up quietly (timeoutValue: null); the page as a whole gets a deadline of its own, which
// wins whenever it is the shorter, with its own error, unchanged.
import { TimeoutError, getClock, sleep, withTimeout, type Signal } from "greenthread";
import { log } from "./tutorial-common.js";

// A flaky server: the first attempt at a page is slow, later ones are fast, except for /slow.
const attempts = new Map<string, number>();
async function fetchPage(signal: Signal, url: string): Promise<string[]> {
  const attempt = (attempts.get(url) ?? 0) + 1;
  attempts.set(url, attempt);
  await sleep(url === "/slow" || attempt === 1 ? 1000 : 100, { signal });
  return [`${url}/next`];
}

async function fetchWithRetries(signal: AbortSignal, url: string): Promise<string[]> {
  for (let attempt = 1; ; attempt++) {
    const links = await withTimeout(250, (inner) => fetchPage(inner, url), { timeoutValue: null, signal });
    if (links !== null) return links;
    log(`${url}: attempt ${attempt} gave up after 250 ms`); // our own deadline: try again
  }
}

async function fetchPageWithin(ms: number, url: string): Promise<void> {
  const start = getClock().now();
  try {
    const links = await withTimeout(ms, (signal) => fetchWithRetries(signal, url));
    log(`${url}: ${links.join(", ")}`);
  } catch (error) {
    if (!(error instanceof TimeoutError)) throw error;
    log(`${url}: ${error.message}, ${getClock().now() - start} ms after the start`);
  }
}

await fetchPageWithin(1000, "/docs"); // the second attempt succeeds
await fetchPageWithin(600, "/slow"); // the page's deadline cuts the third attempt short
