/**
 * Multi-value acks. A handler's return value is the ack's one argument; to answer with several,
 * it returns `ack(a, b, c)`, a marker the layer recognises where it sends the ack and spreads.
 * A plain array stays one argument, so no existing handler changes meaning.
 * @module
 */

/**
 * The ack arguments a handler answers with, made by {@link ack}. Frozen; the layer spreads
 * `values` into the client's ack callback.
 */
export class AckValues<T extends readonly unknown[] = unknown[]> {
  /** The ack's arguments, in order. */
  readonly values: T;

  constructor(values: T) {
    this.values = Object.freeze([...values]) as unknown as T;
    Object.freeze(this);
  }
}

/**
 * Answers an event with several ack arguments: `return ack(1, "two", [3])` calls the client's ack
 * callback with three arguments. `ack()` acks with none (as returning `undefined` does). Only a
 * handler's return value (or what its promise resolves with) is treated so; an `AckValues` sent
 * any other way is an ordinary object to socket.io.
 * @example
 * ```ts
 * class Store extends BaseNamespace {
 *   onGet(key: string) {
 *     const entry = cache.get(key);
 *     return entry === undefined ? ack(false) : ack(true, entry.value, entry.version);
 *   }
 * }
 * // client: socket.emit("get", "a", (found, value, version) => …)
 * ```
 */
export function ack<T extends unknown[]>(...values: T): AckValues<T> {
  return new AckValues(values);
}
