// The jobs panel in a real headless Chromium: a job's progress and its end reach the page, and
// closing the tab ends the gzip child it started.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Page } from "playwright-core";
import { pidAlive, until } from "../process/helpers.js";
import { chromiumMissing, dashboardAndBrowser } from "./browser.js";
import { gzipMissing } from "./gzip.js";

const skip = chromiumMissing() || gzipMissing();
const outputDir = resolve(import.meta.dirname, "..", "..", "test-output");
const live = dashboardAndBrowser(skip);

async function open(): Promise<Page> {
  const page = await live.browser.newPage({ viewport: { width: 1300, height: 1200 } });
  page.on("pageerror", (error) => assert.fail(`page error: ${error.message}`));
  await page.goto(live.dashboard.url);
  return page;
}

const jobSessions = () => [...live.dashboard.context.sessions].filter((s) => s.name === "/jobs").length;

test("the jobs panel shows a job's progress and its end, and closing the tab kills the gzip it started", { skip, timeout: 90_000 }, async () => {
  const done = await open();
  await done.selectOption("#jobs-size", "8");
  await done.click("#jobs-run");
  await done.waitForFunction(() => (globalThis as any).dashboard.jobs.ends.length === 1, null, { timeout: 30_000 });
  const status = await done.textContent("#jobs-status");
  assert.match(status ?? "", /^Compressed 8 MB to \d+\.\d\d MB \(\d+\.\d %\) in \d+\.\d s\.$/);
  assert.equal(await done.evaluate(() => (globalThis as any).dashboard.jobs.progress.length), 8);
  assert.equal(await done.getAttribute("#jobs-run", "disabled"), null, "another job may start");
  mkdirSync(outputDir, { recursive: true });
  await done.screenshot({ path: join(outputDir, "jobs.dashboard.png"), fullPage: true });

  const closing = await open();
  await closing.click("#jobs-run"); // 32 MB, the default: still running when the tab closes
  await closing.waitForFunction(() => (globalThis as any).dashboard.jobs.pid !== null, null, { timeout: 30_000 });
  const pid = (await closing.evaluate(() => (globalThis as any).dashboard.jobs.pid)) as number;
  assert.match((await closing.textContent("#jobs-status")) ?? "", new RegExp(`^gzip \\(pid ${pid}\\): \\d+ of 32 MB in`));
  assert.equal(pidAlive(pid), true);
  assert.equal(jobSessions(), 2);
  await closing.close();
  await until(() => jobSessions() === 1, "the closed tab's jobs session to end");
  assert.equal(pidAlive(pid), false);
  assert.equal(live.dashboard.context.app!.stats().stragglers, 0);
  await done.close();
});
