// The package as the registry would serve it: `npm pack` of a copy of the repository (its prepack
// builds dist/ and strips the `source` conditions, so packing the checkout itself would change
// package.json and dist/ under the other test files), the tarball's contents and manifest,
// arethetypeswrong on it, and the tarball installed into fresh apps: one with socket.io and no
// piscina, and one set up by following the README's Install section as written.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, posix, resolve } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const root = resolve(import.meta.dirname, "..");
const rootManifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as Manifest;
const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
const attw = join(root, "node_modules", "@arethetypeswrong", "cli", "dist", "index.js");
const repositoryFiles = "https://github.com/greenthread-js/greenthread/blob/main/";

interface Manifest {
  name: string;
  version: string;
  license?: string;
  repository?: { url: string };
  homepage?: string;
  bugs?: { url: string };
  files?: string[];
  exports: Record<string, string | Record<string, string>>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

interface Packed {
  filename: string;
  size: number;
  unpackedSize: number;
  files: { path: string; size: number }[];
}

let work: string;
let tarball: string;
let packed: Packed;
let consumer: string;
let installed: string;

// npm run by a user, not as a child of the `npm test` that may be running this file.
function npmEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith("npm_")));
  return { ...env, npm_config_update_notifier: "false", npm_config_fund: "false", npm_config_audit: "false" };
}

async function npm(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await run("npm", args, { cwd, env: npmEnv(), encoding: "utf8", maxBuffer: 16 << 20 });
  return stdout;
}

// The registry is reachable, but what these installs need is in npm's cache after the repo's own
// install; preferring the cache keeps them fast.
function install(app: string, specs: string[]): Promise<string> {
  return npm(app, ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error", ...specs]);
}

async function node(cwd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return run(process.execPath, args, { cwd, encoding: "utf8" }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code?: number; stdout?: string; stderr?: string }) => ({ code: error.code ?? 1, stdout: error.stdout ?? "", stderr: error.stderr ?? "" }),
  );
}

function freshApp(name: string): string {
  const app = join(work, name);
  mkdirSync(app);
  writeFileSync(join(app, "package.json"), JSON.stringify({ name, private: true, type: "module" }, null, 2));
  return app;
}

before(async () => {
  work = mkdtempSync(join(tmpdir(), "greenthread-pack-"));
  const repo = join(work, "repo");
  for (const entry of ["package.json", "README.md", "LICENSE", "tsconfig.json", "tsconfig.build.json", "src", "scripts"]) {
    cpSync(join(root, entry), join(repo, entry), { recursive: true });
  }
  symlinkSync(join(root, "node_modules"), join(repo, "node_modules"), "dir");
  const [result] = JSON.parse(await npm(repo, ["pack", "--json", "--pack-destination", work])) as Packed[];
  packed = result!;
  tarball = join(work, packed.filename);
  assert.equal(readFileSync(join(repo, "package.json"), "utf8"), readFileSync(join(root, "package.json"), "utf8"), "postpack restores package.json");
  assert.ok(!existsSync(join(repo, ".package.json.prepack")), "postpack leaves no copy of package.json behind");
  consumer = freshApp("consumer");
  await install(consumer, [tarball, `socket.io@${rootManifest.devDependencies!["socket.io"]}`]);
  installed = join(consumer, "node_modules", "greenthread");
});

after(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

test("npm pack ships dist/, README.md, LICENSE and package.json, and no tests, sources or source maps", (t) => {
  const paths = packed.files.map((f) => f.path).sort();
  t.diagnostic(`${packed.filename}: ${packed.size} bytes packed, ${packed.unpackedSize} bytes unpacked, ${paths.length} files`);
  for (const required of ["package.json", "README.md", "LICENSE", "dist/index.js", "dist/index.d.ts"]) {
    assert.ok(paths.includes(required), `the tarball lacks ${required}`);
  }
  const stray = paths.filter((p) => !["package.json", "README.md", "LICENSE"].includes(p) && !/^dist\/.+\.(?:js|d\.ts)$/.test(p));
  assert.deepEqual(stray, [], "files other than dist/*.js and dist/*.d.ts");
  for (const p of paths.filter((p) => p.endsWith(".js"))) {
    assert.ok(paths.includes(p.replace(/\.js$/, ".d.ts")), `${p} has no declarations`);
  }
});

test("the packed manifest has no source condition, names where the project lives, and every export target is in the tarball", () => {
  const pkg = JSON.parse(readFileSync(join(installed, "package.json"), "utf8")) as Manifest;
  const paths = new Set(packed.files.map((f) => f.path));
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    const conditions = typeof target === "string" ? { default: target } : target;
    assert.ok(!("source" in conditions), `exports["${subpath}"] still has a source condition`);
    for (const file of Object.values(conditions)) assert.ok(paths.has(posix.normalize(file)), `exports["${subpath}"] points at ${file}, not in the tarball`);
  }
  assert.equal(pkg.license, "MIT");
  assert.match(readFileSync(join(installed, "LICENSE"), "utf8"), /^MIT License\n\nCopyright \(c\) \d{4} the greenthread authors\n/);
  assert.equal(pkg.repository?.url, "git+https://github.com/greenthread-js/greenthread.git");
  assert.equal(pkg.homepage, "https://github.com/greenthread-js/greenthread#readme");
  assert.equal(pkg.bugs?.url, "https://github.com/greenthread-js/greenthread/issues");
  assert.deepEqual(pkg.peerDependenciesMeta, { "socket.io": { optional: true }, piscina: { optional: true }, vega: { optional: true }, "vega-lite": { optional: true } });
});

test("dist/ imports exactly the runtime dependencies, the optional peers and Node's built-ins", () => {
  const imported = new Set<string>();
  const shipped = packed.files.map((f) => f.path).filter((p) => p.startsWith("dist/"));
  for (const p of shipped) {
    const text = readFileSync(join(installed, p), "utf8");
    assert.ok(!text.includes("sourceMappingURL"), `${p} refers to a source map`);
    // Comments quote imports in their examples; only code counts.
    const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
    for (const match of code.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\brequire(?:\.resolve)?\(\s*)"([^".][^"]*)"/g)) {
      const specifier = match[1]!;
      if (specifier.startsWith("node:")) continue;
      imported.add(specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0]!);
    }
  }
  const declared = [...Object.keys(rootManifest.dependencies ?? {}), ...Object.keys(rootManifest.peerDependencies ?? {})].sort();
  assert.deepEqual([...imported].sort(), declared);
  assert.ok(!("piscina" in (rootManifest.dependencies ?? {})), "piscina is an optional peer, not a dependency");
});

test("arethetypeswrong finds no problem for node16 from ESM or bundler resolution; from CommonJS, only that the package is ESM", { timeout: 120_000 }, async () => {
  const { stdout } = await run(process.execPath, [attw, tarball, "--profile", "esm-only", "--no-definitely-typed", "--format", "json"], { encoding: "utf8" });
  const report = JSON.parse(stdout) as { analysis: { problems: { kind: string; entrypoint?: string; resolutionKind?: string }[] } };
  const problems = report.analysis.problems.filter((p) => p.resolutionKind !== "node10");
  const entrypoints = Object.keys(rootManifest.exports).filter((p) => p !== "./package.json");
  assert.deepEqual(
    problems.map((p) => `${p.resolutionKind} ${p.entrypoint} ${p.kind}`).sort(),
    entrypoints.map((e) => `node16-cjs ${e} CJSResolvesToESM`).sort(),
  );
});

test("in a fresh app with socket.io and without piscina, every entry point loads as documented (the watchdog thread included) and a TypeScript consumer type-checks", { timeout: 120_000 }, async () => {
  const app = consumer;
  writeFileSync(
    join(app, "main.js"),
    [
      'import { spawn, joinall, sleep } from "greenthread";',
      'import { BaseNamespace } from "greenthread/socketio";',
      'import { VirtualClock } from "greenthread/testing";',
      'import { spawnProcess } from "greenthread/process";',
      'import { enableRunInfo, runInfo } from "greenthread/observe";',
      "enableRunInfo();",
      "const jobs = [3, 1, 2].map((n) => spawn(async (g, x) => { await sleep(x, { signal: g }); return x * 10; }, n));",
      "const done = await joinall(jobs, { timeout: 1000 });",
      'const echo = await spawnProcess("echo", ["child"], { stdout: "collect" }).get();',
      "console.log(done.length, jobs.map((g) => g.value).join(','), typeof BaseNamespace, typeof VirtualClock, echo.stdout.trim(), runInfo().greenlets.length);",
    ].join("\n"),
  );
  assert.deepEqual(await node(app, ["main.js"]), { code: 0, stdout: "3 30,10,20 function function child 0\n", stderr: "" });

  writeFileSync(
    join(app, "main.cjs"),
    ['const { spawn, joinall } = require("greenthread");', "joinall([spawn(async (_g, a) => a + 1, 41)]).then(([g]) => console.log(g.value));"].join("\n"),
  );
  const required = await node(app, ["main.cjs"]);
  if ((process.features as { require_module?: boolean }).require_module === true) {
    assert.equal(required.stdout, "42\n", required.stderr);
  } else {
    assert.match(required.stderr, /ERR_REQUIRE_ESM/);
  }

  writeFileSync(join(app, "threadpool.js"), 'import("greenthread/threadpool").then(() => console.log("loaded"), (error) => console.log(`${error.name}: ${error.message}`));');
  assert.deepEqual(await node(app, ["threadpool.js"]), {
    code: 0,
    stdout: "Error: greenthread/threadpool needs the piscina package: npm install piscina\n",
    stderr: "",
  });

  // The watchdog's worker thread runs from dist/ as it does from src/.
  writeFileSync(
    join(app, "observe.js"),
    [
      'import { sleep, spawn } from "greenthread";',
      'import { monitorBlocking } from "greenthread/observe";',
      "const stop = monitorBlocking({ thresholdMs: 20, watchdogMs: 100, onBlocked: (r) => r.durationMs >= 200 && console.log(`blocked by ${r.greenlet?.name}`) });",
      // The watchdog's thread starts on its own; on a loaded machine that takes a while, so the
      // block starts late and lasts long enough for a thread that started late to see it.
      "const g = spawn(async (g) => { await sleep(300, { signal: g }); const end = performance.now() + 1500; while (performance.now() < end); });",
      'g.name = "hog";',
      "await g.join();",
      "await sleep(100);",
      "stop();",
    ].join("\n"),
  );
  const observed = await node(app, ["observe.js"]);
  assert.equal(observed.stdout, "blocked by hog\n", observed.stderr);
  assert.match(observed.stderr, /^greenthread: the event loop has been blocked for \d+ ms and still is; last resumed: hog \(Greenlet-\d+\)\n$/);

  writeFileSync(
    join(app, "esm.ts"),
    [
      'import { spawn, joinall, type Greenlet } from "greenthread";',
      'import { BaseNamespace } from "greenthread/socketio";',
      'import { VirtualClock } from "greenthread/testing";',
      'import { ThreadPool } from "greenthread/threadpool";',
      'import { spawnProcess, type ProcessResult } from "greenthread/process";',
      'import { formatRunInfo, monitorBlocking, type BlockedReport, type Trace } from "greenthread/observe";',
      "export const info: string = formatRunInfo();",
      "export type T = Trace;",
      "export const stop: () => void = monitorBlocking({ onBlocked: (r: BlockedReport) => console.log(r.durationMs, r.greenlet?.name) });",
      "const g: Greenlet<number> = spawn(async (_g, a: number, b: number) => a + b, 1, 2);",
      "export const all: Promise<Greenlet<number>[]> = joinall([g], { timeout: 10 });",
      'export const child: Greenlet<ProcessResult> = spawnProcess("true");',
      "export { BaseNamespace, VirtualClock, ThreadPool };",
    ].join("\n"),
  );
  writeFileSync(
    join(app, "cjs.cts"),
    ['import greenthread = require("greenthread");', "export const g: greenthread.Greenlet<number> = greenthread.spawn(async (_g, a: number) => a + 1, 41);"].join("\n"),
  );
  writeFileSync(
    join(app, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: { strict: true, module: "nodenext", moduleResolution: "nodenext", target: "es2022", noEmit: true, skipLibCheck: false, types: ["node"] },
      files: ["esm.ts", "cjs.cts"],
    }),
  );
  const checked = await node(app, [tsc, "-p", "tsconfig.json"]);
  assert.deepEqual(checked, { code: 0, stdout: "", stderr: "" });
});

test("the README's Install section works as written: its commands install the package and its program prints what it says", { timeout: 120_000 }, async () => {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const section = /^## Install\n([\s\S]*?)^## /m.exec(readme)?.[1];
  assert.ok(section !== undefined, "README.md has an Install section");
  const app = freshApp("readme");
  const blocks = [...section.matchAll(/^```(sh|js)\n([\s\S]*?)^```$/gm)];
  assert.deepEqual(
    blocks.map((b) => b[1]),
    ["sh", "js", "sh"],
  );
  for (const [, kind, body] of blocks) {
    if (kind === "sh") {
      for (const line of body!.split("\n").map((l) => l.replace(/#.*$/, "").trim()).filter((l) => l !== "")) {
        const args = /^npm install (.+)$/.exec(line)?.[1]?.split(/\s+/);
        assert.ok(args !== undefined, `the Install section runs "${line}", which this test does not know`);
        // The one difference from a registry install: the name resolves to the tarball.
        await install(app, args.map((a) => (a === "greenthread" ? tarball : a)));
      }
    } else {
      writeFileSync(join(app, "snippet.js"), body!);
      const expected = [...body!.matchAll(/console\.log\(.*\); \/\/ (.*)$/gm)].map((m) => `${m[1]}\n`).join("");
      assert.notEqual(expected, "", "the program says what it prints");
      assert.deepEqual(await node(app, ["snippet.js"]), { code: 0, stdout: expected, stderr: "" });
    }
  }
  // With both peers installed, the entry points that need them work.
  writeFileSync(join(app, "add.mjs"), "export default function add({ a, b }) { return a + b; }\n");
  writeFileSync(
    join(app, "peers.js"),
    [
      'import { ThreadPool } from "greenthread/threadpool";',
      'import { BaseNamespace } from "greenthread/socketio";',
      'const threads = new ThreadPool({ filename: new URL("./add.mjs", import.meta.url), maxThreads: 1 });',
      "console.log(await threads.apply({ a: 2, b: 3 }), typeof BaseNamespace);",
      "await threads.close();",
    ].join("\n"),
  );
  assert.deepEqual(await node(app, ["peers.js"]), { code: 0, stdout: "5 function\n", stderr: "" });
});

test("every link in the README works on the registry page: absolute, and into files the repository has", () => {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  assert.equal(`${rootManifest.repository?.url.replace(/^git\+/, "").replace(/\.git$/, "")}/blob/main/`, repositoryFiles);
  const links = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
  assert.ok(links.length >= 5, `expected the README's links, found ${links.length}`);
  for (const link of links) {
    assert.match(link, /^https:\/\//, `README links to ${link}, which the registry page cannot resolve`);
    if (link.startsWith(repositoryFiles)) {
      const file = link.slice(repositoryFiles.length).replace(/#.*$/, "");
      assert.ok(existsSync(join(root, file)), `README links to ${file}, which the repository lacks`);
    }
  }
  // The Usage example is examples/readme.ts, which the examples test runs.
  const usage = new RegExp(`\\]\\(${repositoryFiles.replace(/[.]/g, "\\.")}(examples/readme\\.ts)\\)[^\\n]*\\n\\n\`\`\`ts\\n([\\s\\S]*?)\`\`\``).exec(readme);
  assert.ok(usage !== null, "the README's Usage block follows its link to examples/readme.ts");
  assert.ok(readFileSync(join(root, usage[1]!), "utf8").includes(usage[2]!), "the README's Usage block is examples/readme.ts's code");
});
