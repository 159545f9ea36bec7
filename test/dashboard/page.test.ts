// The dashboard page as a user meets it in Chromium: it fits a phone, it refuses a nickname
// another tab holds, its errors read as sentences, and the runtime panel says what it counts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Page } from "playwright-core";
import { chromiumMissing, dashboardAndBrowser } from "./browser.js";

const skip = chromiumMissing();
const outputDir = resolve(import.meta.dirname, "..", "..", "test-output");
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1300, height: 1000 };

const live = dashboardAndBrowser(skip);

async function open(viewport = DESKTOP): Promise<Page> {
  const page = await live.browser.newPage({ viewport });
  page.on("pageerror", (error) => assert.fail(`page error: ${error.message}`));
  await page.goto(live.dashboard.url);
  return page;
}

/** Waits until both charts have drawn points. */
const chartsDrew = (page: Page) =>
  page.waitForFunction(() => (globalThis as any).dashboard.cpuPoints >= 2 && (globalThis as any).dashboard.feedPoints >= 3, null, { timeout: 20_000 });

interface Layout {
  scrollWidth: number;
  /** The outermost elements whose right edge lies past the viewport, as `tag#id.class (right …)`. */
  outside: string[];
  /** Per chart: the uPlot's width, and the width of the box it is drawn in. */
  charts: { id: string; chart: number; box: number }[];
}

const layout = (page: Page): Promise<Layout> =>
  page.evaluate(() => {
    const doc = (globalThis as any).document;
    const width: number = doc.documentElement.clientWidth;
    // Only the outermost offenders: the children of one that sticks out mostly stick out with it.
    // (No helper functions in here: tsx would wrap them in a `__name` call the page lacks.)
    const outside: string[] = [];
    for (const element of doc.body.querySelectorAll("*")) {
      const right = Math.round(element.getBoundingClientRect().right);
      if (right <= width || element.parentElement.getBoundingClientRect().right > width + 0.5) continue;
      outside.push(`${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ""}${element.className ? `.${element.className}` : ""} (right ${right})`);
    }
    const charts = [...doc.querySelectorAll(".chart")].map((box: any) => ({
      id: box.id as string,
      chart: box.querySelector(".uplot").getBoundingClientRect().width as number,
      box: box.clientWidth as number,
    }));
    return { scrollWidth: doc.documentElement.scrollWidth, outside, charts };
  });

function assertFits(found: Layout, width: number): void {
  assert.deepEqual(found.outside, [], "no element reaches past the right edge of the viewport");
  assert.ok(found.scrollWidth <= width, `no sideways scrolling: scrollWidth ${found.scrollWidth} > ${width}`);
  assert.equal(found.charts.length, 2);
  for (const { id, chart, box } of found.charts) {
    assert.ok(chart > 0 && chart <= box, `${id} fits its card: chart ${chart} px in a box of ${box} px`);
    assert.ok(chart >= box - 1, `${id} uses the card's width: chart ${chart} px in a box of ${box} px`);
  }
}

test("on a 390 px wide phone the page never scrolls sideways and both charts fit their cards", { skip, timeout: 60_000 }, async () => {
  const page = await open(PHONE);
  await chartsDrew(page);
  assertFits(await layout(page), PHONE.width);
  mkdirSync(outputDir, { recursive: true });
  await page.screenshot({ path: join(outputDir, "dashboard-phone.png"), fullPage: true });
  await page.close();
});

test("a desktop window narrowed to 390 px redraws the charts to fit, with no sideways scrolling", { skip, timeout: 60_000 }, async () => {
  const page = await open(DESKTOP);
  await chartsDrew(page);
  const wide = await layout(page);
  assert.ok(wide.charts.every(({ chart }) => chart > PHONE.width), "on the desktop the charts are wider than a phone");
  await page.setViewportSize(PHONE);
  // The resize handler runs on the "resize" event; two frames later the layout has settled.
  await page.evaluate(() => new Promise((r) => (globalThis as any).requestAnimationFrame(() => (globalThis as any).requestAnimationFrame(r))));
  assertFits(await layout(page), PHONE.width);
  await page.close();
});

async function joinChat(page: Page, nick: string, room = "lobby"): Promise<void> {
  await page.fill("#chat-nick", nick);
  await page.fill("#chat-room", room);
  await page.click("#chat-join button");
}

/** The error line's text once it is not empty. */
async function errorShown(page: Page): Promise<string> {
  await page.waitForFunction(() => (globalThis as any).document.getElementById("chat-error").textContent !== "", null, { timeout: 10_000 });
  return (await page.textContent("#chat-error"))!;
}

test("a second tab asking for a nickname another tab holds is told so in a sentence, and stays out of the room", { skip, timeout: 60_000 }, async () => {
  const first = await open();
  const second = await open();
  await joinChat(first, "ada");
  await first.waitForFunction(() => (globalThis as any).dashboard.online.join(",") === "ada");

  await joinChat(second, "ada");
  assert.equal(await errorShown(second), "The nickname ada is taken; choose another.");
  assert.equal(await second.evaluate(() => (globalThis as any).dashboard.room), undefined, "the refused tab joined no room");

  // Another nickname works, and clears the message.
  await joinChat(second, "bob");
  await first.waitForFunction(() => (globalThis as any).dashboard.online.join(",") === "ada,bob");
  assert.equal(await second.textContent("#chat-error"), "");
  await first.close();
  await second.close();
});

test("errors on the page read as sentences: a blank nickname, a message before any nickname", { skip, timeout: 60_000 }, async () => {
  const page = await open();
  // The browser's "required" lets blanks through; the server's schema trims and refuses them.
  await joinChat(page, "   ");
  assert.equal(await errorShown(page), "Nicknames are 1 to 24 characters.");

  await page.fill("#chat-text", "hello?");
  await page.click("#chat-send button");
  await page.waitForFunction(() => (globalThis as any).document.getElementById("chat-error").textContent !== "Nicknames are 1 to 24 characters.");
  assert.equal(await page.textContent("#chat-error"), "Choose a nickname first.");
  await page.close();
});

test("the runtime panel counts tabs, and labels sessions as tabs × namespaces", { skip, timeout: 60_000 }, async () => {
  const a = await open();
  const b = await open();
  // Pages of the earlier tests may still be closing: wait for exactly these two tabs.
  const shown = () =>
    a.evaluate(() => {
      const doc = (globalThis as any).document;
      const sessions = doc.getElementById("stat-sessions");
      return { tabs: doc.getElementById("stat-tabs").textContent as string, sessions: sessions.textContent as string, label: sessions.previousElementSibling.textContent as string };
    });
  await a.waitForFunction(() => {
    const doc = (globalThis as any).document;
    return doc.getElementById("stat-tabs").textContent === "2" && doc.getElementById("stat-sessions").textContent === "8";
  }, null, { timeout: 15_000 });
  assert.deepEqual(await shown(), { tabs: "2", sessions: "8", label: "sessions (tabs × namespaces)" });
  await b.close();
  await a.waitForFunction(() => (globalThis as any).document.getElementById("stat-tabs").textContent === "1", null, { timeout: 15_000 });
  assert.deepEqual(await shown(), { tabs: "1", sessions: "4", label: "sessions (tabs × namespaces)" });
  await a.close();
});

test("the runtime panel shows this tab's greenlets as a run-info tree, the CPU sampler parked on its sleep", { skip, timeout: 60_000 }, async () => {
  const page = await open();
  await page.waitForFunction(() => /parked on sleep\(\d+\)/.test((globalThis as any).document.getElementById("runinfo").textContent), null, { timeout: 15_000 });
  const tree = (await page.textContent("#runinfo"))!;
  assert.match(tree, /^\d+ greenlets\n/);
  assert.match(tree, /^\/cpu#\S+\n {2}cpu-sampler \S+ \(#\d+\), running, age [\d.]+ m?s, parked on sleep\(\d+\) for [\d.]+ m?s$/m);
  assert.match(tree, /^\/runtime#\S+$/m);
  await page.close();
});
