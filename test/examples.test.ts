// Every program under examples/ runs as a user would run it, and the ones with a known output
// print exactly that. Docs quote these files, so a broken sample breaks the build.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const examples = readdirSync(join(root, "examples")).filter((f) => f.endsWith(".ts") && !f.startsWith("_"));

/** Exact outputs of the examples whose output does not depend on the machine. */
const expected: Record<string, string> = {
  "request-fanout.ts": "recommendations: cancelled at the deadline\n[ 'profile/42: ok', 'orders/42: ok' ]\n",
  "readme.ts": "[ 'profile/42: ok', 'orders/42: ok' ]\n",
  "tutorial-kill.ts": "cleaned up\ntrue true GreenletExit\n",
  "tutorial-switching.ts": ["spawned both; neither has run yet", "a step 1", "b step 1", "a step 2", "b step 2", "a step 3", ""].join("\n"),
};

for (const file of examples) {
  test(`examples/${file} runs to completion${file in expected ? " and prints what the docs say" : ""}`, { timeout: 60_000 }, () => {
    const out = execFileSync(process.execPath, ["--import", "tsx", "--conditions=source", join("examples", file)], {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, GREENTHREAD_EXAMPLE_TEST: "1" },
    });
    if (file in expected) assert.equal(out, expected[file]);
  });
}

test("every code block in the docs that follows a link to an example is that example's code", () => {
  const docs = ["README.md", ...readdirSync(join(root, "docs"), { recursive: true }).map((f) => join("docs", String(f)))].filter((f) =>
    f.endsWith(".md"),
  );
  let checked = 0;
  for (const doc of docs) {
    const text = readFileSync(join(root, doc), "utf8");
    for (const match of text.matchAll(/\]\((?:\.\.\/)*(examples\/[\w-]+\.ts)\)[^\n]*\n(?:[^\n]*\n)?\n```ts\n([\s\S]*?)```/g)) {
      const [, file, block] = match;
      const source = readFileSync(join(root, file!), "utf8");
      assert.ok(source.includes(block!), `${doc}: the block after the link to ${file} is not in that file`);
      checked++;
    }
  }
  assert.ok(checked >= 2, `expected to check the tutorial's blocks, checked ${checked}`);
});
