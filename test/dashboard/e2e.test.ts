// The dashboard in a real headless Chromium: charts receive points, two pages chat in one room,
// and closing a page reaps exactly its sessions' greenlets on the server.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Page } from "playwright-core";
import { snapshot } from "../../examples/dashboard/namespaces.js";
import { chromiumMissing, dashboardAndBrowser } from "./browser.js";

const skip = chromiumMissing();
const outputDir = resolve(import.meta.dirname, "..", "..", "test-output");

const live = dashboardAndBrowser(skip);

async function open(): Promise<Page> {
  const page = await live.browser.newPage({ viewport: { width: 1300, height: 1000 } });
  page.on("pageerror", (error) => assert.fail(`page error: ${error.message}`));
  await page.goto(live.dashboard.url);
  return page;
}

/** Waits until `condition()` holds on the server, checking after every macrotask turn. */
async function until(condition: () => boolean, what: string, limitMs = 15_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const tabOf = (page: Page) => page.evaluate(() => (globalThis as unknown as { dashboard: { tab: string } }).dashboard.tab);

test("the dashboard works end to end in Chromium: charts, chat across two pages, reaping on close", { skip, timeout: 90_000 }, async () => {
  const a = await open();
  const b = await open();

  // The CPU chart of each page is fed by its own session's greenlet; the feed is shared.
  await a.waitForFunction(() => (globalThis as any).dashboard.cpuPoints >= 3, null, { timeout: 20_000 });
  await b.waitForFunction(() => (globalThis as any).dashboard.feedPoints >= 3, null, { timeout: 20_000 });

  // Two pages in one room exchange a message.
  for (const [page, nick] of [[a, "ada"], [b, "bob"]] as const) {
    await page.fill("#chat-nick", nick);
    await page.fill("#chat-room", "lobby");
    await page.click("#chat-join button");
    await page.waitForFunction(() => (globalThis as any).dashboard.room === "lobby");
  }
  await a.waitForFunction(() => (globalThis as any).dashboard.online.join(",") === "ada,bob");
  await a.fill("#chat-text", "hello from ada");
  await a.click("#chat-send button");
  await b.waitForFunction(() => (globalThis as any).dashboard.chat.some((m: { nick: string; text: string }) => m.nick === "ada" && m.text === "hello from ada"));

  // The runtime panel shows the server's figures.
  await a.waitForFunction(() => (globalThis as any).dashboard.runtime?.stats.sessions === 8, null, { timeout: 10_000 });
  mkdirSync(outputDir, { recursive: true });
  await a.screenshot({ path: join(outputDir, "live.dashboard.png"), fullPage: true });

  // Closing page A drops the live greenlet count by exactly A's sessions' greenlets.
  const tabA = await tabOf(a);
  const rows = snapshot(live.dashboard.context).sessions;
  const ofA = rows.filter((row) => row.tab === tabA).reduce((sum, row) => sum + row.greenlets, 0);
  assert.equal(ofA, 3, "page A owns a CPU sampler, a feed forwarder and a runtime pusher");
  const before = live.dashboard.context.app!.stats();
  await a.close();
  await until(() => live.dashboard.context.app!.stats().sessions === before.sessions - 4, "page A's four sessions to close");
  const afterClose = live.dashboard.context.app!.stats();
  assert.equal(afterClose.greenlets, before.greenlets - ofA);
  assert.equal(afterClose.reaped, before.reaped + ofA);
  assert.equal(afterClose.stragglers, 0);
  await b.waitForFunction(() => (globalThis as any).dashboard.online.join(",") === "bob");
  await b.close();
});
