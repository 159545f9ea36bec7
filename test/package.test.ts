// The package as a user installs it: `npm run build` emits dist/ with types, and the exports map
// serves `greenthread`, `greenthread/testing` and `greenthread/socketio` from it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const tsc = join(root, "node_modules", "typescript", "bin", "tsc");

test("npm run build emits dist/ with JavaScript and declarations for every entry point", { timeout: 120_000 }, () => {
  execFileSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { cwd: root, stdio: "pipe" });
  for (const entry of ["index", "testing/index", "socketio/index", "pool/thread-pool"]) {
    assert.ok(existsSync(join(root, "dist", `${entry}.js`)), `dist/${entry}.js`);
    assert.ok(existsSync(join(root, "dist", `${entry}.d.ts`)), `dist/${entry}.d.ts`);
  }
});

test("a consumer outside the repo imports spawn and joinall from the built package, in JavaScript and in TypeScript", { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), "greenthread-consumer-"));
  try {
    mkdirSync(join(dir, "node_modules"));
    symlinkSync(root, join(dir, "node_modules", "greenthread"), "dir");
    writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
    writeFileSync(
      join(dir, "main.js"),
      [
        'import { spawn, joinall, sleep } from "greenthread";',
        'import { VirtualClock } from "greenthread/testing";',
        'import { ClientError } from "greenthread/socketio";',
        'import { ThreadPool } from "greenthread/threadpool";',
        "const jobs = [1, 2, 3].map((n) => spawn(async (g, x) => { await sleep(x, { signal: g }); return x * 10; }, n));",
        "const done = await joinall(jobs, { timeout: 1000 });",
        "console.log(done.map((g) => g.value).join(','), typeof VirtualClock, new ClientError('x').name, typeof ThreadPool);",
      ].join("\n"),
    );
    const out = execFileSync(process.execPath, ["main.js"], { cwd: dir, encoding: "utf8" });
    assert.equal(out.trim(), "10,20,30 function ClientError function");

    writeFileSync(
      join(dir, "main.ts"),
      [
        'import { spawn, joinall, type Greenlet } from "greenthread";',
        "const g: Greenlet<number> = spawn(async (_g, a: number, b: number) => a + b, 1, 2);",
        "export const all: Promise<Greenlet<number>[]> = joinall([g], { timeout: 10 });",
      ].join("\n"),
    );
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({ compilerOptions: { strict: true, module: "NodeNext", moduleResolution: "NodeNext", target: "ES2022", noEmit: true, skipLibCheck: false, types: [] }, files: ["main.ts"] }),
    );
    execFileSync(process.execPath, [tsc, "-p", "tsconfig.json"], { cwd: dir, stdio: "pipe" });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
