// Reference, sync.md: a Semaphore bounds how many downloads run at once. Every call queues for a
// slot; run() releases it when the download settles, however it ends.
import { Semaphore, sleep } from "greenthread";
import { installVirtualClock } from "greenthread/testing";

installVirtualClock({ autojump: true });

let running = 0;
let most = 0;
async function download(url: string): Promise<string> {
  most = Math.max(most, ++running);
  try {
    await sleep(100 + (url.length % 7) * 10);
    return `<html>${url}</html>`;
  } finally {
    running--;
  }
}
const urls = Array.from({ length: 25 }, (_, i) => `https://example.com/page/${i}`);

const connections = new Semaphore(10);
const pages = await Promise.all(urls.map((url) => connections.run(() => download(url))));

console.log(`${pages.length} pages, at most ${most} downloads at once, ${connections.counter} slots free`);
