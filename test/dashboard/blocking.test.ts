// The runtime panel's "block the loop for 1 s" button, through a socket.io client and in Chromium:
// the /blocking namespace's greenlet holds the server's loop, and the blocking monitor's report,
// naming that greenlet, rides along with the runtime snapshot.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { io as connect, type Socket as ClientSocket } from "socket.io-client";
import type { BlockRow } from "../../examples/dashboard/blocking.js";
import { startDashboard, type Dashboard } from "../../examples/dashboard/server.js";
import { chromiumMissing, dashboardAndBrowser } from "./browser.js";

let dashboard: Dashboard;

before(async () => {
  dashboard = await startDashboard({ port: 0, graceMs: 1000 });
});

after(async () => {
  await dashboard.close();
  dashboard.http.close();
});

async function session(namespace: string): Promise<ClientSocket> {
  const socket = connect(`${dashboard.url}${namespace}`, { transports: ["websocket"], forceNew: true, reconnection: false });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("connect_error", reject);
  });
  return socket;
}

test("block holds the server's loop for a second, and the next runtime snapshot names the greenlet that did", { timeout: 60_000 }, async () => {
  const blocking = await session("/blocking");
  const runtime = await session("/runtime");
  try {
    assert.equal(await blocking.emitWithAck("block"), 1000);
    const blocks = await new Promise<BlockRow[]>((resolve) => {
      runtime.on("runtime", (snapshot: { blocks: BlockRow[] }) => {
        if (snapshot.blocks.some((b) => b.greenlet?.startsWith("loop-blocker "))) resolve(snapshot.blocks);
      });
    });
    const row = blocks.find((b) => b.greenlet?.startsWith("loop-blocker "))!;
    assert.equal(row.greenlet, `loop-blocker ${blocking.id}`);
    assert.ok(row.durationMs >= 100, `durationMs ${row.durationMs} ≥ the threshold`);
  } finally {
    blocking.close();
    runtime.close();
  }
});

const skip = chromiumMissing();
const live = dashboardAndBrowser(skip);

test("in Chromium the button blocks the loop and the runtime panel lists the report with the blocker's name", { skip, timeout: 60_000 }, async () => {
  const page = await live.browser.newPage();
  page.on("pageerror", (error) => assert.fail(`page error: ${error.message}`));
  await page.goto(live.dashboard.url);
  await page.waitForFunction(() => (globalThis as any).dashboard.runtime !== null, null, { timeout: 20_000 });
  await page.click("#block-loop");
  await page.waitForFunction(() => (globalThis as any).dashboard.blocking.acks === 1, null, { timeout: 20_000 });
  await page.waitForFunction(
    () => [...(globalThis as any).document.querySelectorAll("#blocks li")].some((li: any) => / last resumed: loop-blocker /.test(li.textContent)),
    null,
    { timeout: 20_000 },
  );
  const line = await page.evaluate(
    () => [...(globalThis as any).document.querySelectorAll("#blocks li")].map((li: any) => li.textContent as string).find((t) => t.includes("loop-blocker"))!,
  );
  assert.match(line, /: blocked for \d+ ms; last resumed: loop-blocker \S+$/);
  const outputDir = resolve(import.meta.dirname, "..", "..", "test-output");
  mkdirSync(outputDir, { recursive: true });
  await page.locator("#runtime-card").screenshot({ path: join(outputDir, "dashboard-blocking.png") });
  await page.close();
});
