// Tutorial, chapter 3, step 4: when the list of URLs is known up front (a sitemap), map() and its
// streaming forms run one greenlet per item through the pool, at most two at a time.
import { Pool, sleep, type Greenlet } from "greenthread";
import { log } from "./tutorial-common.js";

const latency: Record<string, number> = { "/": 100, "/docs": 200, "/blog": 300, "/about": 100, "/docs/api": 400 };
const sitemap = ["/docs/api", "/", "/docs", "/blog", "/about"];

async function fetchTitle(g: Greenlet<string>, url: string): Promise<string> {
  if (!(url in latency)) throw new Error(`${url}: 404 not found`);
  try {
    await sleep(latency[url]!, { signal: g });
  } catch (error) {
    log(`  ${url} cancelled`);
    throw error;
  }
  return url === "/" ? "Home" : url.slice(1).replace("/", " > ");
}

const pool = new Pool(2);

const titles = await pool.map(fetchTitle, sitemap);
log(`map: ${titles.join(", ")}`);

for await (const title of pool.imap(fetchTitle, sitemap)) log(`imap: ${title}`);

for await (const title of pool.imapUnordered(fetchTitle, sitemap)) log(`imapUnordered: ${title}`);

try {
  await pool.map(fetchTitle, ["/docs", "/blog", "/missing", "/about"]);
} catch (error) {
  log(`map failed: ${(error as Error).message}`);
}
await pool.join();
log(`${pool.size} greenlets left`);
