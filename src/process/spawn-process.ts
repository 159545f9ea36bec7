/**
 * `spawnProcess`: a child process as a greenlet. Its value is the child's result, its failure a
 * `ProcessError`, and killing it ends the child: the kill signal, SIGKILL after a grace period,
 * and the greenlet is dead only once the child has exited.
 * @module
 */
import type { PassThrough } from "node:stream";
import { addWatcher } from "../core/waitable.js";
import { Greenlet, type GreenletFunction } from "../greenlet.js";
import { Job, type ProcessResult } from "./job.js";
import { checkSpawn, type ProcessOptions } from "./options.js";

/** The greenlet's function: start the child, wait for it, end it if the wait is killed. */
async function runJob(g: Greenlet<ProcessResult>, job: Job): Promise<ProcessResult> {
  job.start();
  try {
    await job.exited.wait({ signal: g });
    await job.drained.wait({ signal: g });
  } catch (reason) {
    // The kill landed. The greenlet must outlive its child, so this waits without the greenlet
    // as signal (it is aborted for good); the grace period bounds the wait, SIGKILL ends it.
    await job.terminate();
    throw reason;
  }
  return job.outcome();
}

/**
 * A greenlet running a child process; see {@link spawnProcess}. Besides the greenlet's own
 * members it has the child's streams (those set to `"pipe"`), its pid and its exit status.
 *
 * It is `AsyncDisposable`: `await using job = spawnProcess(…)` kills it (and so ends the child)
 * when the block ends, however it ends, and waits until the child has exited.
 *
 * `new ProcessGreenlet(command, args, options)` makes one that is not started (`start()` or
 * `startLater(ms)` it, as any greenlet); {@link spawnProcess} makes and starts one.
 * @example
 * ```ts
 * spawn(async (g) => {
 *   await using job = spawnProcess("ffmpeg", ["-i", "in.mp4", "out.webm"], { stderr: "pipe" });
 *   for await (const line of lines(job.stderr!, { signal: g })) report(line);
 *   return await job.get({ signal: g }); // await it here: leaving the block kills the job
 * });
 * ```
 */
export class ProcessGreenlet extends Greenlet<ProcessResult> implements AsyncDisposable {
  readonly #job: Job;

  /** @throws {TypeError|RangeError} as {@link spawnProcess}. */
  constructor(command: string, args?: readonly string[], options?: ProcessOptions) {
    const job = new Job(checkSpawn(command, args, options));
    super(runJob as GreenletFunction<any[], ProcessResult>, job);
    this.#job = job;
    this[addWatcher](job);
  }

  /** The command, as given. */
  get command(): string {
    return this.#job.spec.command;
  }

  /** The command followed by its arguments, as given. */
  get spawnargs(): string[] {
    return [this.#job.spec.command, ...this.#job.spec.args];
  }

  /** The child's pid, once it has started; undefined before, or when it could not start. */
  get pid(): number | undefined {
    return this.#job.pid;
  }

  /** The child's exit code once it has exited (null when a signal ended it); undefined before. */
  get exitCode(): number | null | undefined {
    return this.#job.exitCode;
  }

  /** The signal that ended the child, null when it exited by itself; undefined before. */
  get signalCode(): NodeJS.Signals | null | undefined {
    return this.#job.signalCode;
  }

  /** The child's stdin to write to, with `stdin: "pipe"`; else undefined. Writes before the child starts are kept for it. */
  get stdin(): PassThrough | undefined {
    return this.#job.stdin;
  }

  /** The child's stdout to read, with `stdout: "pipe"`; else undefined. It ends when the child's stdout closes. */
  get stdout(): PassThrough | undefined {
    return this.#job.stdout;
  }

  /** The child's stderr to read, with `stderr: "pipe"`; else undefined. */
  get stderr(): PassThrough | undefined {
    return this.#job.stderr;
  }

  /** `kill()`: the block that owns the greenlet has ended. Resolves once the child has exited. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.kill();
  }

  override toString(): string {
    const pid = this.pid === undefined ? "" : ` pid ${this.pid}`;
    return `${super.toString().slice(0, -1)} ${JSON.stringify(this.command)}${pid}>`;
  }
}

/**
 * Runs `command` with `args` as a child process in a new greenlet, returned at once; the child
 * starts when the greenlet does (on a later microtask, in spawn order), so a greenlet killed
 * before it starts never starts a child. No shell is involved: `args` reach the program as they
 * are.
 *
 * - **Value**: `{ exitCode, signal }`, plus `stdout`/`stderr` for the streams set to
 *   `"collect"`. The greenlet ends once the child has exited and the collected streams have
 *   closed.
 * - **Failure**: a {@link ProcessError} when the child exits with a code other than 0, is ended
 *   by a signal its greenlet did not send (both only with `reject: true`, the default), or cannot
 *   be started (`code` `"ENOENT"` for a command that is not there: it fails at once, never hangs).
 *   The error carries the exit code, the signal and the last 4 KiB of stderr.
 * - **Kill**: `g.kill()` sends `killSignal` (default SIGTERM) to the child, then SIGKILL once
 *   `killGraceMs` (default 5000) have passed, and the greenlet is dead only once the child has
 *   exited: `await g.kill()` resolves when the pid is gone. The greenlet ends with the kill's
 *   exception, as any killed greenlet does.
 * - **No orphan**: children still running when this process exits (`process.exit()`, the end of
 *   the event loop is not one: a running child keeps the loop alive) are sent SIGKILL from the
 *   `"exit"` event. A process killed by a signal it does not handle runs no code at all; see the
 *   design notes.
 * - **Streams** set to `"pipe"` are on the greenlet (`g.stdout`, …) from the start; read them
 *   with {@link lines}. A pipe that nobody reads stalls the child once it is full.
 *
 * @throws {TypeError} when `command` is not a string, `args` not an array of strings, or an
 * option has the wrong type; {@link RangeError} when `command` is empty, a mode or signal name is
 * unknown, or `killGraceMs` is negative or not finite.
 * @example
 * ```ts
 * const job = spawnProcess("gzip", ["-9", "--keep", "big.log"], { killGraceMs: 2000 });
 * const { exitCode } = await job.get(); // 0, or rejects with a ProcessError
 * ```
 */
export function spawnProcess(command: string, args?: readonly string[], options?: ProcessOptions): ProcessGreenlet {
  return new ProcessGreenlet(command, args, options).start();
}
