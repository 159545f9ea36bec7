/**
 * Cancellation plumbing. A wait can be cancelled by an `AbortSignal` or by a `CancelScope`, the
 * library's own lightweight signal that a `Greenlet` is: passing `{ signal: g }` costs one entry in
 * the greenlet's set of parked waits instead of an AbortController, an event listener and an Event.
 * @module
 */
import { describe } from "./validate.js";

/** What a cancellable wait registers with its signal. */
export interface AbortTarget {
  abort(reason: unknown): void;
}

/**
 * A source of cancellation with the semantics of an AbortSignal (once aborted it stays aborted,
 * with one reason), minus its cost. Greenlet extends it.
 */
export abstract class CancelScope {
  /** @internal */
  _aborted = false;
  /** @internal */
  _reason: unknown = undefined;
  /** @internal */
  _targets: Set<AbortTarget> | null = null;

  /**
   * Aborts every wait registered with this scope, in registration order, with `reason`.
   * Returns false when the scope was aborted already (the first reason wins).
   * @internal
   */
  _abortScope(reason: unknown): boolean {
    if (this._aborted) return false;
    this._aborted = true;
    this._reason = reason;
    const targets = this._targets;
    if (targets !== null) {
      this._targets = null;
      for (const target of targets) target.abort(reason);
    }
    return true;
  }

  /** @internal */
  _subscribe(target: AbortTarget): void {
    (this._targets ??= new Set()).add(target);
  }

  /** @internal */
  _unsubscribe(target: AbortTarget): void {
    this._targets?.delete(target);
  }
}

/** What the `signal` option of every library wait accepts. */
export type SignalLike = AbortSignal | CancelScope;

/** Validates a `signal` option. */
export function checkSignal(call: string, signal: unknown): SignalLike | undefined {
  if (signal === undefined || signal instanceof AbortSignal || signal instanceof CancelScope) {
    return signal as SignalLike | undefined;
  }
  throw new TypeError(`${call}: expected signal to be an AbortSignal, a Greenlet or a Timeout, got ${describe(signal)}`);
}

export function isAborted(signal: SignalLike): boolean {
  return signal instanceof CancelScope ? signal._aborted : signal.aborted;
}

export function abortReason(signal: SignalLike): unknown {
  return signal instanceof CancelScope ? signal._reason : signal.reason;
}
