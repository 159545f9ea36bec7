/**
 * Pieces shared by every queue: the option types, argument checks, and the parked wait that
 * remembers its own timeout for the error message.
 * @module
 */
import { checkSignal, type SignalLike } from "../core/cancel.js";
import { checkInteger, checkOptions, checkTimeout, failArgument } from "../core/validate.js";
import { Waiter, type ExpireHandler } from "../core/waiter.js";
import { QueueShutDownError } from "../errors.js";
import type { Signal } from "../greenlet.js";

/** Options of `get`, `put` and `peek` on every queue and on `Channel`. */
export interface QueueWaitOptions {
  /**
   * `false`: do not wait; fail at once (`QueueEmptyError` for `get`/`peek`, `QueueFullError` for
   * `put`) when the operation cannot complete now. `timeout` is ignored then. Default `true`.
   */
  block?: boolean;
  /**
   * Milliseconds before the wait gives up by itself and rejects with `QueueEmptyError`/
   * `QueueFullError`; `undefined` or `Infinity` for never. Default `undefined`.
   */
  timeout?: number;
  /** Aborts the wait with the signal's reason, unchanged. Inside a greenlet, pass the greenlet. */
  signal?: Signal;
}

/** Options of `iter()`: the signal every `get` of the loop waits with. */
export interface QueueIterOptions {
  /** Aborts the loop's pending `get` with the signal's reason, which the loop then throws. */
  signal?: Signal;
}

/** @internal Every put that completes at once returns this one promise: a put allocates nothing. */
export const RESOLVED: Promise<void> = Promise.resolve();

/** @internal Validates the `block` option: a boolean or undefined (meaning `true`). */
export function checkBlock(call: string, value: unknown): boolean {
  if (value !== undefined && typeof value !== "boolean") failArgument("type", call, "block", "a boolean or undefined", value);
  return value !== false;
}

/** @internal The options of one get, put or peek, validated. */
export interface ParsedWait {
  block: boolean;
  timeout: number | undefined;
  signal: SignalLike | undefined;
}

const parsed: ParsedWait = { block: true, timeout: undefined, signal: undefined };

/**
 * @internal Validates `{ block, timeout, signal }` (an argument error throws at the call) and
 * returns them in one object shared by every call: the caller reads it at once, before anything
 * else can run, so the hot path allocates nothing for its options.
 */
export function parseWaitOptions(call: string, options: QueueWaitOptions | undefined): ParsedWait {
  if (options === undefined) {
    parsed.block = true;
    parsed.timeout = undefined;
    parsed.signal = undefined;
    return parsed;
  }
  checkOptions(call, options);
  parsed.timeout = checkTimeout(call, options.timeout);
  parsed.signal = checkSignal(call, options.signal);
  parsed.block = checkBlock(call, options.block);
  return parsed;
}

/** @internal Validates the `signal` of `iter()`. */
export function checkIterOptions(call: string, options: QueueIterOptions | undefined): SignalLike | undefined {
  checkOptions(call, options);
  return checkSignal(call, options?.signal);
}

/** @internal A `maxsize`: a positive integer or `Infinity`; `undefined` means `Infinity`. */
export function checkMaxsize(call: string, value: unknown): number {
  if (value === undefined) return Infinity;
  return checkInteger(call, "maxsize", value, 1, "a positive integer or Infinity", true);
}

/** @internal A flag argument: a boolean or undefined. */
export function checkFlag(call: string, argument: string, value: unknown): boolean {
  if (value !== undefined && typeof value !== "boolean") failArgument("type", call, argument, "a boolean or undefined", value);
  return value === true;
}

/**
 * @internal A parked get, put or peek with its own timeout. It keeps the call's name and the
 * timeout so that the shared expiry handler can say which call timed out after how long.
 */
export class QueueWaiter<T> extends Waiter<T> {
  constructor(
    onExpire: ExpireHandler<T>,
    readonly call: string,
    readonly timeout: number | undefined,
  ) {
    super(onExpire);
  }
}

/**
 * @internal A parked get, put or peek. Only a wait with a timeout needs the call and the duration
 * (for the expiry message); a plain wait stays a bare Waiter, the cheaper object on the hot path.
 */
export function parkedWait<T>(onExpire: ExpireHandler<T>, call: string, timeout: number | undefined): Waiter<T> {
  return timeout === undefined ? new Waiter<T>(onExpire) : new QueueWaiter<T>(onExpire, call, timeout);
}

/** @internal What {@link drain} reads from: a queue or a channel. */
interface Drainable<T> {
  get(options?: QueueWaitOptions): Promise<T>;
  readonly isShutDown: boolean;
}

/**
 * @internal The async iteration of a queue or a channel: gets until the source is shut down and
 * drained, each get given `signal`; any other failure (an abort) is thrown to the loop.
 */
export async function* drain<T>(source: Drainable<T>, signal: SignalLike | undefined): AsyncGenerator<T, void, undefined> {
  const options = signal === undefined ? undefined : { signal };
  for (;;) {
    let item: T;
    try {
      item = await source.get(options);
    } catch (error) {
      if (source.isShutDown && error instanceof QueueShutDownError) return;
      throw error;
    }
    yield item;
  }
}
