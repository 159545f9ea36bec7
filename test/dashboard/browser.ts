// Finds Debian's chromium for the end-to-end tests: skip with the package name when it is missing,
// fail under CI=true (where .ci/run installs it).
import { existsSync } from "node:fs";

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
