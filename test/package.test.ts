// The package as a user installs it: `npm run build` emits dist/ with types, and the exports map
// serves `greenthread`, `greenthread/testing`, `greenthread/socketio` and the others from it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const tsc = join(root, "node_modules", "typescript", "bin", "tsc");

/** Runs tsc in `cwd`; a type error fails with tsc's own report as the message. */
function typecheck(cwd: string): void {
  try {
    execFileSync(process.execPath, [tsc, "-p", "tsconfig.json"], { cwd, stdio: "pipe", encoding: "utf8" });
  } catch (error) {
    throw new Error(`tsc reported errors:\n${(error as { stdout?: string }).stdout ?? String(error)}`);
  }
}

test("npm run build emits dist/ with JavaScript and declarations for every entry point", { timeout: 120_000 }, () => {
  execFileSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { cwd: root, stdio: "pipe" });
  for (const entry of ["index", "testing/index", "socketio/index", "pool/thread-pool", "process/index", "observe/index"]) {
    assert.ok(existsSync(join(root, "dist", `${entry}.js`)), `dist/${entry}.js`);
    assert.ok(existsSync(join(root, "dist", `${entry}.d.ts`)), `dist/${entry}.d.ts`);
  }
});

test("the built declarations leave out the members marked @internal", { timeout: 120_000 }, () => {
  const internal = /\b(_run|_finish|_kill|_observe|_exited|_admit|_members|reportIfUnobserved|_isAborted|_abortReason|_subscribe)\b/;
  const declarations = readdirSync(join(root, "dist"), { recursive: true })
    .map(String)
    .filter((f) => f.endsWith(".d.ts"));
  assert.ok(declarations.length > 10, "dist/ holds the declarations (the build test runs first)");
  const leaks = declarations.flatMap((f) =>
    readFileSync(join(root, "dist", f), "utf8")
      .split("\n")
      .filter((line) => internal.test(line))
      .map((line) => `${f}: ${line.trim()}`),
  );
  assert.deepEqual(leaks, []);
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
        'import { Greenlet, Group, joinall, sleep, spawn } from "greenthread";',
        'import { BaseNamespace } from "greenthread/socketio";',
        "const g: Greenlet<number> = spawn(async (_g, a: number, b: number) => a + b, 1, 2);",
        "export const all: Promise<Greenlet<number>[]> = joinall([g], { timeout: 10 });",
        "export const value: Promise<number> = g.get();",
        "export const made: Greenlet<number> = new Greenlet((_g, a: number) => a * 2, 21);",
        "// @ts-expect-error the constructor checks the arguments against the function",
        'new Greenlet((_g, a: number) => a, "x");',
        "// @ts-expect-error a signal is not any value",
        "void sleep(1, { signal: 42 });",
        "void sleep(1, { signal: g });",
        // The members marked @internal are not in the published declarations.
        ...["g._run()", "g._finish(true, 1)", "g._kill(undefined)", "g._observe()", "g.reportIfUnobserved()", "g._exited()", "g._isAborted()", "new Group()._members"].flatMap(
          (line) => ["// @ts-expect-error internal", `${line};`],
        ),
        "export class Chat extends BaseNamespace {",
        "  onHello(name: string) { return this.spawn(async () => name.length); }",
        "}",
      ].join("\n"),
    );
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({ compilerOptions: { strict: true, module: "NodeNext", moduleResolution: "NodeNext", target: "ES2022", noEmit: true, skipLibCheck: false, types: [] }, files: ["main.ts"] }),
    );
    typecheck(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
