/**
 * ThreadPool: CPU-bound work on worker threads, through piscina, with greenlets as the handles
 * (the role gevent's `threadpool` plays). The main event loop keeps serving every other greenlet
 * while a worker computes; the task's greenlet is an ordinary one that can be joined, linked,
 * waited for and killed, and killing it aborts the worker task.
 * @module
 */
import { createRequire } from "node:module";
import type { Piscina } from "piscina";
import { checkSignal } from "../core/cancel.js";
import { reportError } from "../core/hub.js";
import { checkInteger, checkOptions, failArgument } from "../core/validate.js";
import { Waiter, rejectIfAborted } from "../core/waiter.js";
import type { Greenlet, KillOptions, WaitOptions } from "../greenlet.js";
import { Group, resultOf, type GroupJoinOptions } from "./group.js";
import { ThreadPoolClosedError } from "../errors.js";

/** Options of {@link ThreadPool}. Defaults not listed here are piscina's. */
export interface ThreadPoolOptions {
  /**
   * The worker module, as a path or a `file:` URL: an ES module or CommonJS file whose exports
   * are the task functions (`export default function (data) { … }`, `export function resize(data) { … }`).
   * A task function takes the task's data and returns its result (or a promise of it). Workers do
   * not get a TypeScript loader for free: point this at JavaScript.
   */
  filename: string | URL;
  /** The export a task calls unless it names another. Default `"default"`. */
  name?: string;
  /** Threads kept alive when idle. Default: piscina's (half the available parallelism, at least 1). */
  minThreads?: number;
  /** Most threads at once; tasks beyond them wait in piscina's queue. Default: piscina's (1.5 × the available parallelism). */
  maxThreads?: number;
  /** Milliseconds an idle thread above `minThreads` lives. Default 0. */
  idleTimeout?: number;
  /** Passed to every worker as `workerData` (from `node:worker_threads` or `piscina`). */
  workerData?: unknown;
}

/** Options of {@link ThreadPool.spawn}. */
export interface ThreadTaskOptions {
  /** The export of the worker module to call. Default: the pool's `name` option. */
  name?: string;
  /** Objects to transfer rather than copy (ArrayBuffers, MessagePorts), as in `postMessage`. */
  transferList?: readonly unknown[];
}

/** Options of {@link ThreadPool.apply}. */
export interface ThreadApplyOptions extends ThreadTaskOptions {
  /** Aborting it aborts the worker task and rejects with the signal's reason. Inside a greenlet, pass the greenlet. */
  signal?: WaitOptions["signal"];
}

/** Options of {@link ThreadPool.close}. */
export interface ThreadPoolCloseOptions {
  /** Kill the tasks still queued or running (aborting them) instead of waiting for them. Default `false`. */
  force?: boolean;
}

type RunOptions = NonNullable<Parameters<Piscina["run"]>[1]>;

// piscina is an optional peer dependency that only this entry point needs, so a missing one is
// named here, at import, rather than as Node's "Cannot find package" from inside dist/. It is
// loaded with require() (piscina ships CommonJS; its ESM entry re-exports it) to keep this module
// free of top-level await, which require(esm) of greenthread/threadpool cannot load. Only the
// lookup is guarded: an error thrown while piscina itself loads propagates unchanged.
function loadPiscina(): typeof import("piscina") {
  const require = createRequire(import.meta.url);
  try {
    require.resolve("piscina");
  } catch (error) {
    throw new Error("greenthread/threadpool needs the piscina package: npm install piscina", { cause: error });
  }
  return require("piscina") as typeof import("piscina");
}

const { Piscina: PiscinaPool } = loadPiscina();

// piscina rejects an aborted task with its own AbortError whose `cause` is the signal's reason; a
// killed greenlet ending with such an error ends with the kill's exception (see Greenlet), so a
// plain kill counts as success, as for any other greenlet.
function runTask(g: Greenlet<unknown>, piscina: Piscina, data: unknown, name: string | undefined, transferList: RunOptions["transferList"]): Promise<unknown> {
  return piscina.run(data, { name, transferList, signal: g.signal });
}

function expireNever(): void {}

/** Waits for a task greenlet; an abort of the caller's signal kills the task. */
class TaskWait extends Waiter<boolean> {
  constructor(private readonly task: Greenlet<any>) {
    super(expireNever, true);
  }

  override reject(reason: unknown): boolean {
    const first = super.reject(reason);
    if (first) this.task._kill(undefined);
    return first;
  }
}

/**
 * A pool of worker threads running the functions a worker module exports. Each task is a greenlet
 * whose value is the worker's result.
 *
 * - `spawn(data)` returns the task's greenlet at once; the task waits in piscina's queue while
 *   every thread is busy.
 * - Killing the greenlet aborts the task: a queued task is dropped, a running one has its thread
 *   terminated (piscina replaces it). The greenlet ends with the kill's exception at once; the
 *   thread's exit completes in the background.
 * - A task that throws, or whose thread crashes, fails its greenlet with that error (a thrown
 *   Error is copied across the thread boundary: same `message`, `name` and `stack`); the pool
 *   goes on. A thread error that no task owns is reported to the hub (kind `"thread pool"`).
 * - `close()` waits for the tasks (or kills them with `force`) and ends every thread. A pool
 *   that is never closed keeps its idle threads, but they do not keep the process alive.
 *
 * @example
 * ```ts
 * // hash.mjs: export default function ({ text }) { return createHash("sha256").update(text).digest("hex"); }
 * const threads = new ThreadPool({ filename: new URL("./hash.mjs", import.meta.url), maxThreads: 4 });
 * const g = threads.spawn({ text: "hello" });
 * console.log(await g.get());
 * await threads.close();
 * ```
 */
export class ThreadPool {
  private readonly piscina: Piscina;
  private readonly tasks = new Group();
  private closing: Promise<void> | null = null;

  /**
   * @throws {TypeError|RangeError} when an option is missing or out of range.
   */
  constructor(options: ThreadPoolOptions) {
    const call = "new ThreadPool()";
    if (options === null || typeof options !== "object") failArgument("type", call, "options", "an object with a filename", options);
    const { filename, name, minThreads, maxThreads, idleTimeout, workerData } = options;
    if (typeof filename !== "string" && !(filename instanceof URL)) {
      failArgument("type", call, "filename", "a path or a file: URL", filename);
    }
    if (name !== undefined && typeof name !== "string") failArgument("type", call, "name", "a string", name);
    if (minThreads !== undefined) checkInteger(call, "minThreads", minThreads, 0, "an integer ≥ 0");
    if (maxThreads !== undefined) checkInteger(call, "maxThreads", maxThreads, 1, "an integer ≥ 1");
    if (minThreads !== undefined && maxThreads !== undefined && minThreads > maxThreads) {
      throw new RangeError(`${call}: expected minThreads (${minThreads}) to be at most maxThreads (${maxThreads})`);
    }
    if (idleTimeout !== undefined) checkInteger(call, "idleTimeout", idleTimeout, 0, "an integer number of milliseconds ≥ 0", true);
    this.piscina = new PiscinaPool({
      filename: filename instanceof URL ? filename.href : filename,
      ...(name !== undefined && { name }),
      ...(minThreads !== undefined && { minThreads }),
      ...(maxThreads !== undefined && { maxThreads }),
      ...(idleTimeout !== undefined && { idleTimeout }),
      ...(workerData !== undefined && { workerData }),
    });
    // An EventEmitter 'error' without a listener would crash the process.
    this.piscina.on("error", (error: unknown) => reportError(error, { kind: "thread pool" }));
  }

  /** True once `close()` was called: `spawn` and `apply` throw from then on. */
  get closed(): boolean {
    return this.closing !== null;
  }

  /** Tasks whose greenlet is still alive: queued or running. */
  get size(): number {
    return this.tasks.size;
  }

  /** Threads alive right now. */
  get threads(): number {
    return this.piscina.threads.length;
  }

  /** Tasks waiting in piscina's queue for a free thread. */
  get queueSize(): number {
    return this.piscina.queueSize;
  }

  /**
   * Runs the worker module's export `options.name` (default: the pool's `name`) with `data` on a
   * worker thread, in a new greenlet that is returned at once. Its value is the worker's result;
   * killing it aborts the task.
   * @throws {ThreadPoolClosedError} after `close()`.
   * @throws {TypeError} at the call for bad options.
   * @example
   * ```ts
   * const g = threads.spawn({ width: 800, image }, { name: "resize", transferList: [image.buffer] });
   * const thumbnail = await g.get({ timeout: 5000 });
   * ```
   */
  spawn<R = unknown>(data: unknown, options?: ThreadTaskOptions): Greenlet<R> {
    const { name, transferList } = this.checkTask("ThreadPool.spawn()", options);
    return this.tasks.spawn(runTask, this.piscina, data, name, transferList) as Greenlet<R>;
  }

  /**
   * Like {@link spawn}, and waits for the result: resolves with it, rejects with the task's error.
   * When `signal` aborts, the task is killed (aborted on its thread) and the call rejects with the
   * signal's reason.
   * @throws {ThreadPoolClosedError} after `close()`.
   * @throws {TypeError} at the call for bad options.
   * @example
   * ```ts
   * spawn(async (g) => { const digest = await threads.apply(file, { name: "sha256", signal: g }); … });
   * ```
   */
  apply<R = unknown>(data: unknown, options?: ThreadApplyOptions): Promise<R> {
    const call = "ThreadPool.apply()";
    const { name, transferList } = this.checkTask(call, options);
    const signal = checkSignal(call, options?.signal);
    const aborted = rejectIfAborted(signal);
    if (aborted !== undefined) return aborted;
    const task = this.tasks.spawn(runTask, this.piscina, data, name, transferList) as Greenlet<R>;
    if (signal === undefined) return resultOf(task);
    task._observe(); // the call surfaces the failure, or the caller gave up on it
    return new TaskWait(task)
      .watch(task)
      .arm(undefined, signal, "ThreadPool.apply", task)
      .promise.then(() => resultOf(task));
  }

  /**
   * Waits until no task is queued or running; see `Group.join` (with `raiseError`, rejects with
   * the first task that fails).
   */
  join(options?: GroupJoinOptions): Promise<boolean> {
    return this.tasks.join(options);
  }

  /** Kills every task (aborting them on their threads); see `Group.kill`. The pool stays open. */
  kill(options?: KillOptions): Promise<void> {
    return this.tasks.kill(options);
  }

  /**
   * Closes the pool: `spawn` and `apply` throw from now on; the tasks are waited for (or killed,
   * with `force`), then every thread is terminated. Resolves once the threads have exited.
   * Calling it again returns the same promise.
   * @throws {TypeError} at the call for bad options.
   */
  close(options?: ThreadPoolCloseOptions): Promise<void> {
    checkOptions("ThreadPool.close()", options);
    if (this.closing === null) {
      const settled = options?.force === true ? this.tasks.kill() : this.tasks.join().then(() => undefined);
      this.closing = settled.then(() => this.piscina.destroy());
    }
    return this.closing;
  }

  private checkTask(call: string, options: ThreadTaskOptions | undefined): { name: string | undefined; transferList: RunOptions["transferList"] } {
    checkOptions(call, options);
    const name = options?.name;
    if (name !== undefined && typeof name !== "string") failArgument("type", call, "name", "a string", name);
    const transferList = options?.transferList;
    if (transferList !== undefined && !Array.isArray(transferList)) failArgument("type", call, "transferList", "an array", transferList);
    if (this.closing !== null) throw new ThreadPoolClosedError(`${call}: the thread pool is closed`);
    return { name, transferList: transferList as RunOptions["transferList"] };
  }
}

