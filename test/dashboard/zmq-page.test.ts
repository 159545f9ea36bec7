// The ZeroMQ feed as a user sees it in Chromium: the dashboard's feed card and the plain
// WebSocket page (ws.html) plot the producer's points, say "stalled" once its process is killed,
// and go back to "live" when another producer starts.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { once } from "node:events";
import type { Browser, Page } from "playwright-core";
import { startDashboard, type Dashboard } from "../../examples/dashboard/server.js";
import { startProducerProcess, type ProducerProcess } from "../../examples/dashboard/zmq-feed.js";
import { CHROMIUM, CHROMIUM_ARGS, chromiumMissing } from "./browser.js";

const skip = chromiumMissing();
let dashboard: Dashboard;
let browser: Browser;
let producer: ProducerProcess;
let endpoint: string;

async function kill(p: ProducerProcess): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  const exited = once(p.child, "exit");
  p.child.kill("SIGKILL");
  await exited;
}

before(async () => {
  if (skip !== false) return;
  producer = startProducerProcess("tcp://127.0.0.1:*", { intervalMs: 50, quiet: true });
  endpoint = await producer.endpoint;
  dashboard = await startDashboard({ port: 0, graceMs: 1000, zmq: { endpoint, stallMs: 500 } });
  const { chromium } = await import("playwright-core");
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

after(async () => {
  if (skip !== false) return;
  await browser?.close();
  await kill(producer);
  await dashboard?.close();
  dashboard?.http.close();
});

async function open(path: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
  page.on("pageerror", (error) => assert.fail(`page error: ${error.message}`));
  await page.goto(dashboard.url + path);
  return page;
}

const statusOf = (page: Page) => page.getByTestId("feed-status");

test("both pages show the ZeroMQ feed live, stalled once the producer is killed, live again with a new one", { skip, timeout: 60_000 }, async () => {
  const main = await open("/");
  const raw = await open("/ws.html");
  const counted = (page: Page, expression: string, more: number) =>
    page.evaluate(expression).then((n) => page.waitForFunction(`${expression} >= ${Number(n) + more}`, null, { timeout: 20_000 }));
  const mainPoints = "window.dashboard.feedPoints";
  const rawPoints = "window.wsFeed.points";

  await Promise.all([counted(main, mainPoints, 3), counted(raw, rawPoints, 3)]);
  for (const page of [main, raw]) {
    assert.equal(await statusOf(page).getAttribute("data-state"), "live");
    assert.equal(await statusOf(page).textContent(), `live, from zmq ${endpoint}`);
  }

  await kill(producer);
  for (const page of [main, raw]) {
    await page.waitForSelector('[data-testid="feed-status"][data-state="stalled"]', { timeout: 20_000 });
    assert.match((await statusOf(page).textContent()) ?? "", new RegExp(`^stalled since .+: no point from zmq ${endpoint.replace(/[.*]/g, "\\$&")}`));
  }
  const stalledAt = [Number(await main.evaluate(mainPoints)), Number(await raw.evaluate(rawPoints))];
  await main.screenshot({ path: "test-output/zmq-stalled.png" }).catch(() => {});

  producer = startProducerProcess(endpoint, { intervalMs: 50, quiet: true });
  await producer.endpoint;
  for (const page of [main, raw]) await page.waitForSelector('[data-testid="feed-status"][data-state="live"]', { timeout: 20_000 });
  await Promise.all([counted(main, mainPoints, 2), counted(raw, rawPoints, 2)]);
  assert.ok(Number(await main.evaluate(mainPoints)) > stalledAt[0]!);
  assert.ok(Number(await raw.evaluate(rawPoints)) > stalledAt[1]!);
  assert.equal(await raw.evaluate("window.wsFeed.lastPid"), producer.child.pid);
  await main.close();
  await raw.close();
});
