// The type tests: test/types/ is compiled by tsc, never run. It passes when every line under an
// expect-error directive is refused and everything else compiles (typed events, handlers, acks;
// the core's get(), the Greenlet constructor, the owners' apply and map).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join, resolve } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const root = resolve(import.meta.dirname, "..");

test("the type tests under test/types compile: typed events refuse wrong names and arguments, get() is typed T alone, new Greenlet checks its arguments", { timeout: 120_000 }, async () => {
  const tsc = join(root, "node_modules", ".bin", "tsc");
  const result = await run(tsc, ["-p", join("test", "types", "tsconfig.json")], { cwd: root, encoding: "utf8" }).then(
    ({ stdout }) => ({ code: 0, stdout }),
    (error: { code?: number; stdout?: string }) => ({ code: error.code ?? 1, stdout: error.stdout ?? "" }),
  );
  assert.equal(result.stdout, "", "tsc reported errors");
  assert.equal(result.code, 0);
});
