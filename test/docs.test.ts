// `npm run docs`: typedoc builds the API reference from the TSDoc of every entry point, with the
// members marked @internal left out, and fails on any warning (a broken {@link}, an undocumented
// export), as CI runs it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const root = fileURLToPath(new URL("..", import.meta.url));
const run = promisify(execFile);

test("typedoc documents every entry point with no warning and leaves @internal members out", { timeout: 240_000 }, async () => {
  const out = mkdtempSync(join(tmpdir(), "greenthread-docs-"));
  try {
    const typedoc = join(root, "node_modules", "typedoc", "bin", "typedoc");
    const { stdout, stderr } = await run(process.execPath, [typedoc, "--out", join(out, "html"), "--json", join(out, "api.json")], { cwd: root, encoding: "utf8" });
    const output = stdout + stderr;
    assert.doesNotMatch(output, /\[warning\]|\[error\]/, output);
    const api = JSON.parse(readFileSync(join(out, "api.json"), "utf8")) as { children?: { name: string; children?: { name: string; children?: { name: string }[] }[] }[] };
    const modules = (api.children ?? []).map((m) => m.name).sort();
    assert.deepEqual(modules, ["index", "observe", "pool/thread-pool", "process", "socketio", "testing"]);
    const index = api.children!.find((m) => m.name === "index")!;
    const greenlet = index.children!.find((c) => c.name === "Greenlet")!;
    const members = greenlet.children!.map((c) => c.name);
    for (const name of ["spawn", "join", "kill", "link", "parent"]) assert.ok(members.includes(name), `Greenlet.${name} is documented`);
    for (const name of ["_run", "_finish", "_kill", "_park", "_subscribe"]) assert.ok(!members.includes(name), `Greenlet.${name} is @internal`);
    assert.match(readFileSync(join(out, "html", "index.html"), "utf8"), /greenthread/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
