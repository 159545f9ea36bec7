/**
 * One child process behind a `ProcessGreenlet`: starting it, reading what it writes, ending it.
 *
 * The streams a user reads or writes (`"pipe"`) are PassThroughs made when the greenlet is
 * created, so they exist before the child does: the child starts when the greenlet's function
 * runs, and a greenlet killed before it starts never starts one (its streams just end). Once the
 * child runs, its pipes are piped into them, backpressure included: a pipe nobody reads stalls
 * the child, as any pipe does.
 *
 * What "done" means: the child has exited and every stream the library reads itself
 * (`"collect"`, the stderr tail) has closed, so a collected result is complete. Streams handed to
 * the user are not waited for: they hold what the child wrote until it is read.
 * @module
 */
import { spawn, type ChildProcess, type StdioOptions } from "node:child_process";
import { existsSync } from "node:fs";
import { PassThrough, type Readable, type Writable } from "node:stream";
import { Event } from "../sync/event.js";
import type { Watcher } from "../core/waitable.js";
import { debug, forget, track } from "./children.js";
import { ProcessError } from "./errors.js";
import type { ProcessSpec } from "./options.js";

/** What a finished child process gave; the value of its greenlet. */
export interface ProcessResult {
  /** The exit code; null when a signal ended the child (only with `reject: false`). */
  exitCode: number | null;
  /** The signal that ended the child, or null. */
  signal: NodeJS.Signals | null;
  /** Everything the child wrote to stdout, with `stdout: "collect"`. */
  stdout?: string;
  /** Everything the child wrote to stderr, with `stderr: "collect"`. */
  stderr?: string;
}

/** How much of stderr a failure keeps. */
export const TAIL_BYTES = 4096;

/** The last `TAIL_BYTES` of a stream, kept as chunks and trimmed as they come. */
class Tail {
  private chunks: Buffer[] = [];
  private size = 0;

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.chunks.length > 1 && this.size - this.chunks[0]!.length >= TAIL_BYTES) this.size -= this.chunks.shift()!.length;
  }

  text(): string {
    const bytes = Buffer.concat(this.chunks);
    // A cut through a multi-byte character decodes to U+FFFD at the start: drop it.
    return bytes.subarray(Math.max(0, bytes.length - TAIL_BYTES)).toString("utf8").replace(/^\uFFFD+/, "");
  }
}

function isStdinPipe(spec: ProcessSpec): boolean {
  return spec.stdin === "pipe" || spec.input !== undefined;
}

function stdioMode(mode: string): "ignore" | "inherit" | "pipe" {
  return mode === "ignore" || mode === "inherit" ? mode : "pipe";
}

export class Job implements Watcher {
  readonly stdin: PassThrough | undefined;
  readonly stdout: PassThrough | undefined;
  readonly stderr: PassThrough | undefined;
  child: ChildProcess | undefined = undefined;
  exitCode: number | null | undefined = undefined;
  signalCode: NodeJS.Signals | null | undefined = undefined;
  /** Set once the child has exited, or failed to start. */
  readonly exited = new Event();
  /** Set once every stream the library reads itself has closed. */
  readonly drained = new Event();
  private spawnError: Error | undefined = undefined;
  private open = 0;
  private collected: string[] | undefined;
  private collectedErr: string[] | undefined;
  private tail: Tail | undefined;

  constructor(readonly spec: ProcessSpec) {
    this.stdin = spec.stdin === "pipe" ? new PassThrough() : undefined;
    this.stdout = spec.stdout === "pipe" ? new PassThrough() : undefined;
    this.stderr = spec.stderr === "pipe" ? new PassThrough() : undefined;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the child. Never throws: a failure to start is recorded and `exited` is set. */
  start(): void {
    const spec = this.spec;
    const stdio: StdioOptions = [isStdinPipe(spec) ? "pipe" : spec.stdin, stdioMode(spec.stdout), stdioMode(spec.stderr)];
    let child: ChildProcess;
    try {
      child = spawn(spec.command, spec.args, { cwd: spec.cwd, env: spec.env, stdio, windowsHide: true });
    } catch (error) {
      this.failed(error as Error);
      return;
    }
    this.child = child;
    child.once("exit", (code, signal) => this.onExit(code, signal));
    // "error" also reports a kill() that failed; only one before the child ran is a failure.
    child.on("error", (error) => {
      if (child.pid === undefined) this.failed(error);
      else debug("pid %d: %s", child.pid, error.message);
    });
    if (child.pid !== undefined) {
      track(child);
      debug("started pid %d: %s %o", child.pid, spec.command, spec.args);
    }
    this.connectStdin(child.stdin);
    this.connectOutput(child.stdout, spec.stdout, this.stdout, false);
    this.connectOutput(child.stderr, spec.stderr, this.stderr, true);
    if (this.open === 0) this.drained.set();
  }

  private connectStdin(pipe: Writable | null): void {
    if (pipe === null) return;
    // The child may exit before it has read everything (EPIPE): that is the child's business,
    // and an "error" without a listener would crash this process.
    pipe.on("error", (error) => debug("stdin of pid %d: %s", this.child?.pid, error.message));
    if (this.spec.input !== undefined) pipe.end(this.spec.input);
    else this.stdin?.pipe(pipe);
  }

  private connectOutput(pipe: Readable | null, mode: string, pass: PassThrough | undefined, isStderr: boolean): void {
    if (pipe === null) return;
    if (isStderr) {
      this.tail = new Tail();
      pipe.on("data", (chunk: Buffer) => this.tail!.push(chunk));
    }
    if (mode === "collect") {
      const parts: string[] = [];
      if (isStderr) this.collectedErr = parts;
      else this.collected = parts;
      pipe.on("data", (chunk: Buffer) => parts.push(chunk.toString("latin1")));
    }
    if (pass !== undefined) {
      pipe.on("error", (error) => pass.destroy(error));
      pipe.pipe(pass);
    } else {
      this.open++;
      pipe.once("close", () => {
        if (--this.open === 0) this.drained.set();
      });
    }
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.exitCode = code;
    this.signalCode = signal;
    if (this.child !== undefined) forget(this.child);
    debug("pid %d exited: code %s, signal %s", this.child?.pid, code, signal);
    if (!this.exited.isSet()) this.exited.set();
  }

  private failed(error: Error): void {
    if (this.exited.isSet()) return;
    this.spawnError = error;
    this.exited.set();
    this.drained.set(); // a child that never ran has nothing more to read
  }

  /**
   * Ends the child: the kill signal, then SIGKILL once `killGraceMs` have passed, and resolves
   * once it has exited. The streams the library reads are then closed: their rest is not needed,
   * and a grandchild holding them open must not hold up the kill.
   */
  async terminate(): Promise<void> {
    const child = this.child;
    if (child !== undefined && !this.exited.isSet()) {
      debug("killing pid %d with %s", child.pid, this.spec.killSignal);
      child.kill(this.spec.killSignal);
      if (!(await this.exited.wait({ timeout: this.spec.killGraceMs }))) {
        debug("pid %d outlived %d ms: SIGKILL", child.pid, this.spec.killGraceMs);
        child.kill("SIGKILL");
        await this.exited.wait();
      }
    }
    if (child !== undefined) {
      if (this.spec.stdout !== "pipe") child.stdout?.destroy();
      if (this.spec.stderr !== "pipe") child.stderr?.destroy();
    }
  }

  /** The greenlet's value, or the ProcessError it fails with. */
  outcome(): ProcessResult {
    const spec = this.spec;
    const stderr = this.tail?.text() ?? "";
    const details = { command: spec.command, args: spec.args, pid: this.pid, stderr };
    if (this.spawnError !== undefined) {
      const error = this.spawnError as NodeJS.ErrnoException;
      throw new ProcessError(startFailure(spec, error), { ...details, exitCode: null, signal: null, code: error.code, cause: error });
    }
    const exitCode = this.exitCode ?? null;
    const signal = this.signalCode ?? null;
    if (spec.reject && (exitCode !== 0 || signal !== null)) {
      const how = signal !== null ? `was ended by ${signal}` : `exited with code ${exitCode}`;
      throw new ProcessError(`process ${JSON.stringify(spec.command)} (pid ${this.pid}) ${how}`, { ...details, exitCode, signal });
    }
    const result: ProcessResult = { exitCode, signal };
    if (this.collected !== undefined) result.stdout = utf8(this.collected);
    if (this.collectedErr !== undefined) result.stderr = utf8(this.collectedErr);
    return result;
  }

  /** Watcher: the greenlet died. One killed before it started has streams that nothing will end. */
  notify(): void {
    if (this.child !== undefined && this.spawnError === undefined) return;
    this.stdout?.end();
    this.stderr?.end();
    this.stdin?.destroy();
  }
}

// Collected chunks are kept as latin1 strings (one char per byte, no decoding cost per chunk) and
// decoded once at the end, so a character split across two chunks comes out whole.
function utf8(parts: string[]): string {
  return Buffer.from(parts.join(""), "latin1").toString("utf8");
}

/** Why the child could not start, in words that name the command and what to check. */
function startFailure(spec: ProcessSpec, error: NodeJS.ErrnoException): string {
  const command = JSON.stringify(spec.command);
  const code = error.code ?? error.name;
  switch (error.code) {
    case "ENOENT": {
      // Node reports a missing cwd as the command's ENOENT.
      if (spec.cwd !== undefined && !existsSync(spec.cwd)) return `spawnProcess(): cannot start ${command}: ENOENT: the working directory ${String(spec.cwd)} does not exist`;
      const where = spec.command.includes("/") ? "no such file" : "not found in PATH";
      return `spawnProcess(): cannot start ${command}: ENOENT: ${where}`;
    }
    case "EACCES":
      return `spawnProcess(): cannot start ${command}: EACCES: permission denied (is it executable?)`;
    default:
      return `spawnProcess(): cannot start ${command}: ${code}: ${error.message}`;
  }
}
