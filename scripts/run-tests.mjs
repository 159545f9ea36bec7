// Runs every test file under test/ with Node's test runner, TypeScript through tsx.
// Node 20's `node --test` does not expand globs itself, so the file list is built here.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";

const only = process.argv.slice(2);
const files = only.length > 0
  ? only
  : readdirSync("test", { recursive: true })
      .map(String)
      .filter((f) => f.endsWith(".test.ts"))
      .map((f) => join("test", f))
      .sort();

// A per-test timeout, so that a hung test fails the run instead of stalling CI.
const args = ["--import", "tsx", "--test", "--test-concurrency=2", "--test-timeout=120000", "--test-reporter=spec", ...files];
const result = spawnSync(process.execPath, args, { stdio: "inherit" });
process.exit(result.status ?? 1);
