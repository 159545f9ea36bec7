// spawnProcess: a child process as a greenlet. Its value, its failures, and its kill: the kill
// signal, SIGKILL after the grace period, and a greenlet that is dead only once the child exited.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { GreenletExit, spawn } from "../../src/index.js";
import { ProcessError, ProcessGreenlet, lines, spawnProcess } from "../../src/process/index.js";
import { liveChildren } from "../../src/process/children.js";
import { collect, fixture, fixtures, pidAlive } from "./helpers.js";

const sh = (script: string): [string, string[]] => ["sh", ["-c", script]];

describe("the value", () => {
  test("a child that exits 0 gives its exit code and null signal, plus the streams asked to be collected", async () => {
    const [cmd, args] = sh("printf 'out 1\\nout 2\\n'; printf 'héllo\\n' >&2");
    const both = await spawnProcess(cmd, args, { stdout: "collect", stderr: "collect" }).get();
    assert.deepEqual(both, { exitCode: 0, signal: null, stdout: "out 1\nout 2\n", stderr: "héllo\n" });
    const none = await spawnProcess(cmd, args, { stdout: "ignore" }).get();
    assert.deepEqual(none, { exitCode: 0, signal: null }, "no stdout or stderr key unless collected");
  });

  test("collected output keeps a character that a chunk boundary cuts in two", async () => {
    // 70,000 "é" are 140,000 bytes: several 64 KiB pipe reads, each boundary inside a character.
    const [cmd, args] = fixture("repeat.mjs", "é", "70000");
    const { stdout } = await spawnProcess(cmd, args, { stdout: "collect" }).get();
    assert.equal(stdout, "é".repeat(70_000));
  });

  test("input is written to the child's stdin, which is then closed", async () => {
    const result = await spawnProcess("cat", [], { input: "a\nb\n", stdout: "collect" }).get();
    assert.equal(result.stdout, "a\nb\n");
    const bytes = await spawnProcess("wc", ["-c"], { input: new Uint8Array(1000), stdout: "collect" }).get();
    assert.equal(bytes.stdout?.trim(), "1000");
  });

  test("stdin: 'pipe' gives a writable stream, and what is written before the child starts reaches it", async () => {
    const job = spawnProcess("cat", [], { stdin: "pipe", stdout: "collect" });
    job.stdin!.write("written before the start\n");
    job.stdin!.end("and the end\n");
    assert.equal((await job.get()).stdout, "written before the start\nand the end\n");
  });

  test("the greenlet knows its command, pid, exit code and ending signal", async () => {
    const job = spawnProcess("sh", ["-c", "exit 0"], { stdout: "ignore" });
    assert.equal(job instanceof ProcessGreenlet, true);
    assert.deepEqual([job.command, job.spawnargs, job.pid, job.exitCode, job.signalCode], ["sh", ["sh", "-c", "exit 0"], undefined, undefined, undefined]);
    await job.join();
    assert.equal(typeof job.pid, "number");
    assert.deepEqual([job.exitCode, job.signalCode, pidAlive(job.pid!)], [0, null, false]);
    assert.match(String(job), /^<Greenlet-\d+ dead "sh" pid \d+>$/);
  });
});

describe("failures", () => {
  test("an exit code other than 0 fails the greenlet with a ProcessError carrying the code and the stderr tail", async () => {
    const [cmd, args] = sh("echo 'gzip: broken.gz: unexpected end of file' >&2; exit 3");
    const job = spawnProcess(cmd, args);
    const error = (await job.get().catch((e: unknown) => e)) as ProcessError;
    assert.equal(error instanceof ProcessError, true);
    assert.equal(error.name, "ProcessError");
    assert.deepEqual([error.exitCode, error.signal, error.stderr, error.code, error.pid], [3, null, "gzip: broken.gz: unexpected end of file\n", undefined, job.pid]);
    assert.equal(error.message, `process "sh" (pid ${job.pid}) exited with code 3; stderr ends with:\ngzip: broken.gz: unexpected end of file`);
    assert.deepEqual([error.command, error.args], ["sh", args]);
    assert.equal(job.exception, error);
  });

  test("the stderr tail is the last 4 KiB; the message shows the last lines of it", async () => {
    const [cmd, args] = sh("i=0; while [ $i -lt 300 ]; do echo \"warning $i: something odd\" >&2; i=$((i+1)); done; exit 1");
    const error = (await spawnProcess(cmd, args).get().catch((e: unknown) => e)) as ProcessError;
    assert.equal(Buffer.byteLength(error.stderr), 4096);
    assert.ok(error.stderr.endsWith("warning 299: something odd\n"));
    assert.ok(error.message.endsWith("\nwarning 298: something odd\nwarning 299: something odd"), error.message);
    assert.ok(error.message.length < 800, "the message holds the end of the tail, not all of it");
  });

  test("a signal the greenlet did not send is a failure naming it", async () => {
    const [cmd, args] = sh("kill -USR1 $$");
    const error = (await spawnProcess(cmd, args).get().catch((e: unknown) => e)) as ProcessError;
    assert.deepEqual([error.exitCode, error.signal], [null, "SIGUSR1"]);
    assert.match(error.message, /^process "sh" \(pid \d+\) was ended by SIGUSR1$/);
  });

  test("with reject: false, an exit code or a signal is a result, not a failure", async () => {
    assert.deepEqual(await spawnProcess("sh", ["-c", "exit 7"], { reject: false }).get(), { exitCode: 7, signal: null });
    assert.deepEqual(await spawnProcess("sh", ["-c", "kill -USR1 $$"], { reject: false }).get(), { exitCode: null, signal: "SIGUSR1" });
  });

  test("a missing command fails at once with ENOENT naming it, not a hang", async () => {
    const job = spawnProcess("greenthread-no-such-command", ["--version"], { stdout: "pipe", stderr: "pipe" });
    const error = (await job.get().catch((e: unknown) => e)) as ProcessError;
    assert.equal(error instanceof ProcessError, true);
    assert.equal(error.message, 'spawnProcess(): cannot start "greenthread-no-such-command": ENOENT: not found in PATH');
    assert.deepEqual([error.code, error.pid, error.exitCode, error.signal, job.pid], ["ENOENT", undefined, null, null, undefined]);
    assert.equal((error.cause as NodeJS.ErrnoException).code, "ENOENT");
    // Its piped streams end: a reader does not wait forever either.
    assert.deepEqual(await collect(lines(job.stdout!)), []);
    const byPath = (await spawnProcess("/nonexistent/bin/tool").get().catch((e: unknown) => e)) as ProcessError;
    assert.equal(byPath.message, 'spawnProcess(): cannot start "/nonexistent/bin/tool": ENOENT: no such file');
  });

  test("a working directory that does not exist is named as the cause, not the command", async () => {
    const error = (await spawnProcess("true", [], { cwd: "/nonexistent/dir" }).get().catch((e: unknown) => e)) as ProcessError;
    assert.equal(error.message, 'spawnProcess(): cannot start "true": ENOENT: the working directory /nonexistent/dir does not exist');
  });

  test("a file that is not executable is EACCES", async () => {
    const error = (await spawnProcess(join(fixtures, "chatty.mjs")).get().catch((e: unknown) => e)) as ProcessError;
    assert.equal(error.code, "EACCES");
    assert.match(error.message, /cannot start ".*chatty\.mjs": EACCES: permission denied \(is it executable\?\)$/);
  });
});

describe("kill = terminate", () => {
  test("a child that ignores SIGTERM gets SIGKILL after killGraceMs; kill() resolves once its pid is gone", async () => {
    const [cmd, args] = fixture("ignore-term.mjs");
    const job = spawnProcess(cmd, args, { stdout: "pipe", killGraceMs: 300 });
    const output = lines(job.stdout!);
    assert.deepEqual(await output.next(), { done: false, value: "ready" });
    const pid = job.pid!;
    let aliveWhenDead: boolean | undefined;
    job.link(() => (aliveWhenDead = pidAlive(pid)));

    assert.equal(await job.kill({ block: false }), false, "the kill does not end the greenlet before the child");
    assert.deepEqual(await output.next(), { done: false, value: "got SIGTERM" });
    assert.equal(job.dead, false, "SIGTERM was ignored: the greenlet waits out the grace period");
    assert.equal(await job.kill(), true);
    assert.equal(pidAlive(pid), false);
    assert.deepEqual([job.exitCode, job.signalCode], [null, "SIGKILL"]);
    assert.equal(job.value instanceof GreenletExit, true, "a killed greenlet ends with the kill's exit");
    assert.deepEqual(await output.next(), { done: true, value: undefined }, "its stdout ended with it");
    await new Promise((r) => setImmediate(r));
    assert.equal(aliveWhenDead, false, "when the greenlet died, the child had exited");
  });

  test("a child that honours SIGTERM ends with it, well before the grace period", async () => {
    const job = spawnProcess("sleep", ["60"], { killGraceMs: 60_000 });
    await new Promise((r) => setImmediate(r));
    const pid = job.pid!;
    assert.equal(await job.kill(), true);
    assert.deepEqual([job.signalCode, pidAlive(pid), liveChildren()], ["SIGTERM", false, 0]);
  });

  test("killSignal picks the first signal; a kill with an exception fails the greenlet with it", async () => {
    const [cmd, args] = fixture("chatty.mjs", "1");
    const job = spawnProcess(cmd, args, { stdout: "pipe", killSignal: "SIGINT" });
    await lines(job.stdout!).next();
    const stop = new Error("shutting down");
    assert.equal(await job.kill({ exception: stop }), true);
    assert.deepEqual([job.signalCode, job.exception], ["SIGINT", stop]);
  });

  test("a greenlet killed before it starts never starts its child, and its piped streams end", async () => {
    const dir = mkdtempSync(join(tmpdir(), "greenthread-process-"));
    try {
      const marker = join(dir, "ran");
      const job = spawnProcess("touch", [marker], { stdout: "pipe", stdin: "pipe" });
      assert.equal(await job.kill(), true);
      assert.deepEqual(await collect(lines(job.stdout!)), []);
      await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual([job.pid, existsSync(marker), job.stdin!.destroyed], [undefined, false, true]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a greenlet that owns a child through `await using` ends it when the block ends", async () => {
    let pid = 0;
    const owner = spawn(async (g) => {
      await using job = spawnProcess("sleep", ["60"]);
      await new Promise((r) => setImmediate(r));
      pid = job.pid!;
      await job.join({ signal: g });
    });
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(pidAlive(pid), true);
    assert.equal(await owner.kill(), true);
    assert.equal(pidAlive(pid), false, "the child exited before its owner died");
  });

  test("children still running when the process exits are killed: no orphan", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", join(fixtures, "exit-with-child.ts")], { encoding: "utf8" });
    const pid = Number(stdout.trim());
    assert.ok(pid > 0, stdout);
    // SIGKILL is sent from the exit event; the kernel may take a moment to tear the child down.
    const deadline = Date.now() + 5000;
    while (pidAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.equal(pidAlive(pid), false);
  });
});

describe("bad input", () => {
  const cases: [string, () => unknown, new (...args: any[]) => Error, string][] = [
    ["command not a string", () => spawnProcess(42 as never), TypeError, "spawnProcess(): expected command to be a string, got 42 (number)"],
    ["command empty", () => spawnProcess(""), RangeError, 'spawnProcess(): expected command to be a non-empty string, got "" (string)'],
    ["command with a NUL", () => spawnProcess("ls\0"), RangeError, 'spawnProcess(): expected command to be a string without NUL characters, got "ls\\u0000" (string)'],
    ["args not an array", () => spawnProcess("ls", "-l" as never), TypeError, 'spawnProcess(): expected args to be an array of strings or undefined, got "-l" (string)'],
    ["an argument not a string", () => spawnProcess("ls", ["-l", 3 as never]), TypeError, "spawnProcess(): expected args[1] to be a string, got 3 (number)"],
    ["options not an object", () => spawnProcess("ls", [], 5 as never), TypeError, "spawnProcess(): expected options to be an object or undefined, got 5 (number)"],
    ["unknown stdout mode", () => spawnProcess("ls", [], { stdout: "buffer" as never }), RangeError, 'spawnProcess(): expected stdout to be one of "ignore", "inherit", "pipe", "collect", got "buffer" (string)'],
    ["stderr mode not a string", () => spawnProcess("ls", [], { stderr: true as never }), TypeError, 'spawnProcess(): expected stderr to be one of "ignore", "inherit", "pipe", "collect", "tail", got true (boolean)'],
    ["unknown stdin mode", () => spawnProcess("ls", [], { stdin: "collect" as never }), RangeError, 'spawnProcess(): expected stdin to be one of "ignore", "inherit", "pipe", got "collect" (string)'],
    ["input with stdin", () => spawnProcess("cat", [], { input: "x", stdin: "pipe" }), TypeError, 'spawnProcess(): expected stdin to be undefined when input is given (input is written to the child\'s stdin), got "pipe" (string)'],
    ["input not text or bytes", () => spawnProcess("cat", [], { input: 5 as never }), TypeError, "spawnProcess(): expected input to be a string, a Uint8Array or undefined, got 5 (number)"],
    ["negative killGraceMs", () => spawnProcess("ls", [], { killGraceMs: -1 }), RangeError, "spawnProcess(): expected killGraceMs to be a finite number of milliseconds ≥ 0, got -1 (number)"],
    ["killGraceMs not a number", () => spawnProcess("ls", [], { killGraceMs: "5s" as never }), TypeError, 'spawnProcess(): expected killGraceMs to be a finite number of milliseconds ≥ 0, got "5s" (string)'],
    ["unknown killSignal", () => spawnProcess("ls", [], { killSignal: "SIGNOPE" as never }), RangeError, 'spawnProcess(): expected killSignal to be a signal name such as "SIGTERM", got "SIGNOPE" (string)'],
    ["cwd not a path", () => spawnProcess("ls", [], { cwd: 1 as never }), TypeError, "spawnProcess(): expected cwd to be a path, a file: URL or undefined, got 1 (number)"],
    ["cwd a URL that is not file:", () => spawnProcess("ls", [], { cwd: new URL("https://example.com/") }), RangeError, 'spawnProcess(): expected cwd to be a path, a file: URL or undefined, got "https://example.com/" (string)'],
    ["env value not a string", () => spawnProcess("ls", [], { env: { PATH: 1 as never } }), TypeError, "spawnProcess(): expected env.PATH to be a string, got 1 (number)"],
    ["env value with a NUL", () => spawnProcess("ls", [], { env: { A: "x\0y" } }), RangeError, 'spawnProcess(): expected env.A to be a string without NUL characters, got "x\\u0000y" (string)'],
    ["reject not a boolean", () => spawnProcess("ls", [], { reject: "no" as never }), TypeError, 'spawnProcess(): expected reject to be a boolean or undefined, got "no" (string)'],
  ];
  for (const [what, call, type, message] of cases) {
    test(`spawnProcess throws at the call, starting nothing: ${what}`, () => {
      assert.throws(call, (error: Error) => error instanceof type && error.message === message);
      assert.equal(liveChildren(), 0);
    });
  }
});
