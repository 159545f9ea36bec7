// Finds Debian's chromium for the end-to-end tests: skip with the package name when it is missing,
// fail under CI=true (where .ci/run installs it).
import { existsSync } from "node:fs";
import { after, before } from "node:test";
import type { Browser } from "playwright-core";
import { startDashboard, type Dashboard } from "../../examples/dashboard/server.js";

export const CHROMIUM = "/usr/bin/chromium";

/** `false` when the browser is there; a skip message when not (throws under CI=true). */
export function chromiumMissing(): false | string {
  if (existsSync(CHROMIUM)) return false;
  const message = `${CHROMIUM} not found: install Debian's package "chromium" (apt-get install chromium)`;
  if (process.env.CI === "true") throw new Error(`${message}; CI=true requires it`);
  return message;
}

/** Flags for a headless Chromium as root on a machine with no network but loopback. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * A dashboard on a free port and a headless Chromium for one test file: started in its `before`,
 * closed in its `after`, neither when `skip` says Chromium is missing.
 */
export function dashboardAndBrowser(skip: false | string): { readonly dashboard: Dashboard; readonly browser: Browser } {
  const live = {} as { dashboard: Dashboard; browser: Browser };
  before(async () => {
    if (skip !== false) return;
    const { chromium } = await import("playwright-core");
    live.dashboard = await startDashboard({ port: 0, graceMs: 1000 });
    live.browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });
  after(async () => {
    if (skip !== false) return;
    await live.browser?.close();
    await live.dashboard?.close();
    live.dashboard?.http.close();
  });
  return live;
}
