// Shared by the tutorial's step programs (chapters 2 to 4): the virtual clock, a log that prints
// the virtual time, and the small web site the crawler of chapters 3 and 4 fetches from.
import { getClock } from "greenthread";
import { installVirtualClock } from "greenthread/testing";

installVirtualClock({ autojump: true }); // time moves only when every greenlet waits: no real delays
export const log = (message: string): void => console.log(`${String(getClock().now()).padStart(4)} ms  ${message}`);

// A small web site, served from memory: each page takes `ms` to fetch and links to others.
export const site: Record<string, { ms: number; links: string[] }> = {
  "/": { ms: 100, links: ["/docs", "/blog", "/about"] },
  "/docs": { ms: 200, links: ["/docs/install", "/docs/api", "/"] },
  "/blog": { ms: 300, links: ["/blog/1", "/blog/2", "/blog/3"] },
  "/about": { ms: 100, links: ["/"] },
  "/docs/install": { ms: 100, links: ["/docs"] },
  "/docs/api": { ms: 400, links: ["/docs"] },
  "/blog/1": { ms: 200, links: ["/blog"] },
  "/blog/2": { ms: 200, links: ["/blog", "/blog/1"] },
  "/blog/3": { ms: 200, links: ["/blog"] },
};
