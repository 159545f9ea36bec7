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
 * with one reason), minus its cost. Greenlet and Timeout extend it; it holds no state itself, so
 * that a greenlet, allocated per task, pays for cancellation only once it is cancelled or waited on.
 */
export abstract class CancelScope {
  // Its members are internal and left out of the published declarations; without a private
  // member there the type would be an empty class, which any value (`{ signal: 42 }`) satisfies.
  private declare readonly cancelScopeBrand: void;
  /** @internal */
  abstract _isAborted(): boolean;
  /** @internal */
  abstract _abortReason(): unknown;
  /** @internal Registers a wait to abort; called only while not aborted. */
  abstract _subscribe(target: AbortTarget): void;
  /** @internal */
  abstract _unsubscribe(target: AbortTarget): void;
}

/** The state behind a CancelScope: the reason once aborted, and the waits to abort. */
export class CancelState {
  aborted = false;
  reason: unknown = undefined;
  // Most scopes have one wait registered at a time (a greenlet parked in one call), so the oldest
  // registration sits in a field and a Set exists only while there are several. `first` is always
  // older than everything in `rest`: a new registration goes to `first` only when `rest` is empty.
  private first: AbortTarget | null = null;
  private rest: Set<AbortTarget> | null = null;

  /** Aborts every registered wait, in registration order. False when aborted already. */
  abort(reason: unknown): boolean {
    if (this.aborted) return false;
    this.aborted = true;
    this.reason = reason;
    const first = this.first;
    const rest = this.rest;
    this.first = this.rest = null;
    if (first !== null) first.abort(reason);
    if (rest !== null) for (const target of rest) target.abort(reason);
    return true;
  }

  subscribe(target: AbortTarget): void {
    if (this.first === null && (this.rest === null || this.rest.size === 0)) this.first = target;
    else (this.rest ??= new Set()).add(target);
  }

  unsubscribe(target: AbortTarget): void {
    if (this.first === target) this.first = null;
    else this.rest?.delete(target);
  }

  /** How many waits are registered (for leak tests). */
  get subscribers(): number {
    return (this.first === null ? 0 : 1) + (this.rest?.size ?? 0);
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
  return signal instanceof CancelScope ? signal._isAborted() : signal.aborted;
}

export function abortReason(signal: SignalLike): unknown {
  return signal instanceof CancelScope ? signal._abortReason() : signal.reason;
}
