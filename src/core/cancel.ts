/**
 * Cancellation plumbing. A wait can be cancelled by an `AbortSignal` or by a `CancelScope`, the
 * library's own lightweight signal that a `Greenlet` is: passing `{ signal: g }` costs one entry in
 * the greenlet's set of parked waits instead of an AbortController, an event listener and an Event.
 * An `AbortSignal` gets the same fan-out: one abort listener per signal, however many waits it
 * cancels (`subscribe`/`unsubscribe`).
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

  /** Calls `fn` with every registered wait (for the deadlock report). */
  forEach(fn: (target: AbortTarget) => void): void {
    if (this.first !== null) fn(this.first);
    if (this.rest !== null) for (const target of this.rest) fn(target);
  }

  /** How many waits are registered (for leak tests). */
  get subscribers(): number {
    return (this.first === null ? 0 : 1) + (this.rest?.size ?? 0);
  }
}

/**
 * The waits registered on one AbortSignal, behind its single abort listener. The listener exists
 * only while a wait is registered: an app-wide signal that outlives every wait on it holds none,
 * and 10,000 concurrent waits on it hold one (Node warns from the 11th listener on, and adding one
 * scans the existing ones). The record itself stays with its signal, so a long-lived signal with
 * waits coming and going allocates it once.
 */
class SignalFanout {
  // As in CancelState: the oldest registration sits in a field, a Set exists only while there are
  // several, and `first` is older than everything in `rest`, so the fan-out runs in FIFO order.
  private first: AbortTarget | null = null;
  private rest: Set<AbortTarget> | null = null;

  constructor(private readonly signal: AbortSignal) {}

  add(target: AbortTarget): void {
    // An aborted signal fires no more "abort" events: a listener added now would never run and
    // never leave. Callers reject at once on an aborted signal before they register anything.
    if (this.signal.aborted) return;
    const rest = this.rest;
    if (this.first === null && (rest === null || rest.size === 0)) {
      this.first = target;
      this.signal.addEventListener("abort", this);
    } else (this.rest ??= new Set()).add(target);
  }

  delete(target: AbortTarget): void {
    const rest = this.rest;
    if (this.first === target) this.first = null;
    else if (rest === null || !rest.delete(target)) return;
    if (this.first === null && (rest === null || rest.size === 0)) this.signal.removeEventListener("abort", this);
  }

  /** The single listener: aborts every registered wait, in registration order, with the reason. */
  handleEvent(): void {
    const signal = this.signal;
    signal.removeEventListener("abort", this);
    const first = this.first;
    const rest = this.rest;
    // Cleared before the fan-out, so the waits leaving as they settle find nothing to remove.
    this.first = this.rest = null;
    const reason = signal.reason;
    if (first !== null) first.abort(reason);
    if (rest !== null) for (const target of rest) target.abort(reason);
  }
}

// The record hangs on its signal under a private symbol, so it lives exactly as long as the signal.
// Measured against a WeakMap<AbortSignal, SignalFanout>: a wait on a long-lived signal about 15%
// faster, on a fresh signal 0.8 us faster (docs/design/kernel.md). A non-extensible signal takes no
// property; its record goes to the WeakMap.
const fanoutKey = Symbol("greenthread.fanout");
type WithFanout = AbortSignal & { [fanoutKey]?: SignalFanout };
let frozenFanouts: WeakMap<AbortSignal, SignalFanout> | undefined;

function fanoutOf(signal: AbortSignal): SignalFanout | undefined {
  return (signal as WithFanout)[fanoutKey] ?? frozenFanouts?.get(signal);
}

function newFanout(signal: AbortSignal): SignalFanout {
  const fanout = new SignalFanout(signal);
  if (Object.isExtensible(signal)) (signal as WithFanout)[fanoutKey] = fanout;
  else (frozenFanouts ??= new WeakMap()).set(signal, fanout);
  return fanout;
}

/**
 * Registers `target` to be aborted, with the signal's reason, when `signal` aborts. Called only
 * while the signal is not aborted (the caller has rejected at once otherwise). O(1).
 */
export function subscribe(signal: SignalLike, target: AbortTarget): void {
  if (signal instanceof CancelScope) signal._subscribe(target);
  else (fanoutOf(signal) ?? newFanout(signal)).add(target);
}

/** Removes a registration made by `subscribe`; removing one that is not there does nothing. O(1). */
export function unsubscribe(signal: SignalLike, target: AbortTarget): void {
  if (signal instanceof CancelScope) signal._unsubscribe(target);
  else fanoutOf(signal)?.delete(target);
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
