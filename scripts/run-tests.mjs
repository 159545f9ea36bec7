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

// `--conditions=source` makes `import "greenthread"` (examples, the demo) load src/, not a stale
// dist/. A per-test timeout makes a hung test fail the run instead of stalling CI.
const args = ["--import", "tsx", "--conditions=source", "--test", "--test-concurrency=2", "--test-timeout=300000", "--test-reporter=spec", ...files];
const result = spawnSync(process.execPath, args, { stdio: "inherit" });
process.exit(result.status ?? 1);
