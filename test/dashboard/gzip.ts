// Finds gzip for the jobs panel's tests: skip with the package name when it is missing, fail
// under CI=true (Debian installs it with the base system; .ci/run needs nothing more).
import { existsSync } from "node:fs";

/** `false` when gzip is there; a skip message when not (throws under CI=true). */
export function gzipMissing(): false | string {
  if (existsSync("/usr/bin/gzip") || existsSync("/bin/gzip")) return false;
  const message = 'gzip not found: install Debian\'s package "gzip" (apt-get install gzip)';
  if (process.env.CI === "true") throw new Error(`${message}; CI=true requires it`);
  return message;
}
