/**
 * `call()`: an emit that waits for the client's ack, as a kernel Waiter, so its own timeout, an
 * abort (with `signal.reason`, unchanged) and the session's end each settle it exactly once and
 * leave no timer or listener behind.
 * @module
 */
import { checkSignal } from "../core/cancel.js";
import { checkOptions, checkTimeout, describe } from "../core/validate.js";
import { Waiter, rejectIfAborted } from "../core/waiter.js";
import { TimeoutError } from "../errors.js";
import { SessionClosedError } from "./errors.js";
import type { CallOptions } from "./namespace.js";

/** A call waiting for its ack; it leaves the session's set however it settles. */
class CallWaiter extends Waiter<unknown> {
  constructor(
    private readonly calls: Set<CallWaiter>,
    readonly event: string,
  ) {
    super(expireCall);
  }

  protected override detach(): void {
    super.detach();
    this.calls.delete(this);
  }
}

function expireCall(waiter: Waiter<unknown>): void {
  const { event } = waiter as CallWaiter;
  const ms = waiter.item as number;
  waiter.reject(new TimeoutError(`BaseNamespace.call(): no ack for ${JSON.stringify(event)} within ${ms} ms`, ms));
}

/** The pending calls of one session. */
export class Calls {
  private readonly pending = new Set<CallWaiter>();

  /**
   * Emits `event` with `args` and an ack through `emit`, and waits for the ack.
   * `closedReason` is the disconnect reason once the session has ended, else undefined.
   */
  start(
    emit: (event: string, args: unknown[]) => void,
    event: unknown,
    args: unknown,
    options: CallOptions | undefined,
    closedReason: string | undefined,
  ): Promise<unknown> {
    const call = "BaseNamespace.call()";
    if (typeof event !== "string") throw new TypeError(`${call}: expected event to be a string, got ${describe(event)}`);
    if (!Array.isArray(args)) throw new TypeError(`${call}: expected args to be an array, got ${describe(args)}`);
    checkOptions(call, options);
    const timeout = checkTimeout(call, options?.timeout);
    const signal = checkSignal(call, options?.signal);
    const all = options?.all;
    if (all !== undefined && typeof all !== "boolean") throw new TypeError(`${call}: expected all to be a boolean or undefined, got ${describe(all)}`);
    const aborted = rejectIfAborted(signal);
    if (aborted !== undefined) return aborted;
    if (closedReason !== undefined) return Promise.reject(new SessionClosedError(closedReason));
    const waiter = new CallWaiter(this.pending, event);
    waiter.item = timeout;
    const onAck = all === true ? (...values: unknown[]) => waiter.resolve(values) : (first: unknown) => waiter.resolve(first);
    emit(event, [...(args as unknown[]), onAck]);
    this.pending.add(waiter);
    return waiter.arm(timeout, signal, "call", event).promise;
  }

  /** Rejects every pending call with `SessionClosedError(reason)`. */
  close(reason: string): void {
    for (const waiter of [...this.pending]) waiter.reject(new SessionClosedError(reason));
  }
}
