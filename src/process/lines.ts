/**
 * `lines(stream, { signal })`: the lines of a readable stream as an async iterator whose every
 * wait is a switch point, so a killed greenlet leaves its loop at once.
 *
 * Why not `readline` or `for await` over the stream: neither wait can be cancelled (an abort
 * signal given to `readline` closes the interface; `for await` has none), and both destroy the
 * stream when the loop ends early, which for a child's stdout means a SIGPIPE at its next write.
 * Here the stream is read only as far as the next line needs (backpressure holds), listeners
 * exist only while the iterator is active, and an early end leaves the stream as it is.
 * @module
 */
import { StringDecoder } from "node:string_decoder";
import { abortReason, checkSignal, isAborted, type SignalLike } from "../core/cancel.js";
import { checkOptions, failArgument } from "../core/validate.js";
import { Waiter } from "../core/waiter.js";
import type { Signal } from "../greenlet.js";

/** Options of {@link lines}. */
export interface LinesOptions {
  /** Ends the iteration: the pending `next()` rejects with the signal's reason. */
  signal?: Signal;
}

/** What `lines` needs of a stream: Node's `Readable` has it. */
export interface LineSource {
  /** Takes what is buffered (a string or Buffer), or null when nothing is. */
  read(): unknown;
  /** Listens for `readable`, `end`, `close` and `error`. */
  on(event: string, listener: (...args: any[]) => void): unknown;
  /** Stops listening. */
  off(event: string, listener: (...args: any[]) => void): unknown;
  /** Listens once, where the stream has it. */
  once?(event: string, listener: (...args: any[]) => void): unknown;
  readonly readableEnded?: boolean;
  readonly destroyed?: boolean;
  readonly errored?: unknown;
}

function neverExpires(): void {}
function ignore(): void {}

const DONE: IteratorResult<string, undefined> = Object.freeze({ done: true, value: undefined });

class LineIterator implements AsyncIterableIterator<string> {
  private readonly decoder = new StringDecoder("utf8");
  private partial = "";
  private ready: string[] = [];
  private head = 0;
  /** The stream has nothing more: ended, closed, or failed (then `error` is set). */
  private ended = false;
  private error: unknown = undefined;
  private finished = false;
  private listening = false;
  private waiter: Waiter<void> | undefined = undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly wake = (): void => {
    this.waiter?.resolve(undefined);
  };
  private readonly onEnd = (): void => {
    this.ended = true;
    this.wake();
  };
  private readonly onError = (error: unknown): void => {
    if (!this.ended) {
      this.ended = true;
      this.error = error;
    }
    this.wake();
  };

  constructor(
    private readonly stream: LineSource,
    private readonly signal: SignalLike | undefined,
  ) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<string, undefined>> {
    // for-await asks for one line at a time; a caller that asks again before the last answer
    // came still gets the lines in order.
    const result = this.queue.then(this.nextLine);
    this.queue = result.then(ignore, ignore);
    return result;
  }

  private readonly nextLine = async (): Promise<IteratorResult<string, undefined>> => {
    for (;;) {
      if (this.finished) return DONE;
      if (this.signal !== undefined && isAborted(this.signal)) {
        this.finish();
        throw abortReason(this.signal);
      }
      const line = this.take();
      if (line !== undefined) return { done: false, value: line };
      if (this.ended) {
        const error = this.error;
        const last = this.partial + this.decoder.end();
        this.partial = "";
        this.finish();
        if (error !== undefined) throw error;
        if (last !== "") return { done: false, value: last.endsWith("\r") ? last.slice(0, -1) : last };
        return DONE;
      }
      try {
        await this.park();
      } catch (reason) {
        this.finish();
        throw reason;
      }
    }
  };

  /** Stops listening; the stream is left as it is, with what it has not read. */
  async return(): Promise<IteratorResult<string, undefined>> {
    this.finish();
    return DONE;
  }

  /** The next complete line, reading chunks from the stream until there is one or none is left. */
  private take(): string | undefined {
    while (this.head === this.ready.length) {
      if (this.ended) return undefined;
      const stream = this.stream;
      if (stream.errored !== undefined && stream.errored !== null) {
        // A stream destroyed with an error says so at once, and emits "error" a tick later. The
        // error is this loop's now: that emission must not find the stream without a listener.
        stream.once?.("error", ignore);
        this.onError(stream.errored);
        return undefined;
      }
      const chunk = stream.read();
      if (chunk === null || chunk === undefined) {
        if (stream.readableEnded === true || stream.destroyed === true) this.ended = true;
        return undefined;
      }
      this.split(typeof chunk === "string" ? chunk : this.decoder.write(chunk as Buffer));
    }
    const line = this.ready[this.head++]!;
    if (this.head === this.ready.length) {
      this.ready = [];
      this.head = 0;
    }
    return line;
  }

  /** Splits on "\n", "\r\n" and a lone "\r" (progress output redraws its line with one). */
  private split(text: string): void {
    let data = this.partial + text;
    let start = 0;
    for (let i = 0; i < data.length; i++) {
      const c = data.charCodeAt(i);
      if (c === 10) {
        this.ready.push(data.slice(start, i));
        start = i + 1;
      } else if (c === 13) {
        if (i + 1 === data.length) break; // a "\r" at the end may be the first half of "\r\n"
        this.ready.push(data.slice(start, i));
        if (data.charCodeAt(i + 1) === 10) i++;
        start = i + 1;
      }
    }
    data = data.slice(start);
    this.partial = data;
  }

  private park(): Promise<void> {
    if (!this.listening) {
      this.listening = true;
      this.stream.on("readable", this.wake);
      this.stream.on("end", this.onEnd);
      this.stream.on("close", this.onEnd);
      this.stream.on("error", this.onError);
    }
    const waiter = (this.waiter = new Waiter<void>(neverExpires));
    return waiter.arm(undefined, this.signal, "lines").promise.finally(() => {
      if (this.waiter === waiter) this.waiter = undefined;
    });
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.ready = [];
    if (this.listening) {
      this.listening = false;
      this.stream.off("readable", this.wake);
      this.stream.off("end", this.onEnd);
      this.stream.off("close", this.onEnd);
      this.stream.off("error", this.onError);
    }
  }
}

/**
 * The lines of `stream` (a Node `Readable`, such as a `ProcessGreenlet`'s `stdout`), decoded as
 * UTF-8, without their line ends ("\n", "\r\n" or a lone "\r"). A last line without an end is
 * yielded too. The stream is read only as fast as the loop asks for lines.
 *
 * - Every wait for the next line is a switch point: when `signal` aborts (the greenlet is
 *   killed), the pending `next()` rejects with its reason, unchanged, and the iteration is over.
 *   An already aborted signal wins even over a line that is ready.
 * - A stream that fails ends the iteration with its error.
 * - Leaving the loop early (`break`, `return`, a throw, an abort) removes every listener this
 *   added and leaves the stream as it is, with what it has not read: it is not destroyed.
 *
 * @throws {TypeError} at the call when `stream` is not a readable stream or `signal` is neither
 * an AbortSignal nor a greenlet.
 * @example
 * ```ts
 * const job = spawnProcess("ffmpeg", ["-i", "in.mp4", "out.webm"], { stderr: "pipe" });
 * spawn(async (g) => {
 *   for await (const line of lines(job.stderr!, { signal: g })) console.log("ffmpeg:", line);
 * });
 * ```
 */
export function lines(stream: LineSource, options?: LinesOptions): AsyncIterableIterator<string> {
  const call = "lines()";
  if (stream === null || typeof stream !== "object" || typeof stream.read !== "function" || typeof stream.on !== "function" || typeof stream.off !== "function") {
    failArgument("type", call, "stream", "a readable stream", stream);
  }
  checkOptions(call, options);
  return new LineIterator(stream, checkSignal(call, options?.signal));
}
