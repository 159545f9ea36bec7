/**
 * The implicit context of principle 4, opt-in: `getcurrent()` and greenlet-local storage.
 *
 * Nothing here costs anything until it is used. The first call of `getcurrent()` or the first
 * `new Local()` turns on tracking of the running greenlet (an AsyncLocalStorage, which makes
 * promise-heavy code measurably slower on Node 20); greenlets started from then on are tracked,
 * through every `await` of their function. Greenlets started before that are not: create your
 * `Local`s (or call `getcurrent()` once) at start-up, before spawning.
 * @module
 */
import { _trackCurrent, type Greenlet } from "./greenlet.js";

/**
 * The greenlet whose function is running, or undefined outside any greenlet (and in greenlets
 * started before tracking was turned on). Inside a greenlet, prefer the `g` its function receives:
 * it is free.
 *
 * @example
 * ```ts
 * function log(message: string) {
 *   console.log(`[${getcurrent()?.name ?? "main"}] ${message}`);
 * }
 * ```
 */
export function getcurrent(): Greenlet<unknown> | undefined {
  return _trackCurrent();
}

/** Where code running outside any greenlet keeps its values. */
const OUTSIDE = {};

/**
 * Greenlet-local storage (gevent's `local`): one value per greenlet, and one for code outside any
 * greenlet. A greenlet's value goes away with the greenlet (it is held weakly). Values are not
 * inherited: a greenlet spawned by another starts with none (or with `init()`).
 *
 * @example
 * ```ts
 * const requestId = new Local<string>();
 * spawn(async (g, id: string) => {
 *   requestId.set(id);
 *   await handle(); // anything called from here reads requestId.get()
 * }, "req-1");
 * ```
 */
export class Local<T> {
  private readonly values = new WeakMap<object, T>();

  /** `init`, when given, makes the first `get()` in each greenlet store and return `init()`. */
  constructor(private readonly init?: () => T) {
    if (init !== undefined && typeof init !== "function") {
      throw new TypeError(`new Local(): expected init to be a function or undefined, got ${typeof init}`);
    }
    _trackCurrent();
  }

  private key(): object {
    return _trackCurrent() ?? OUTSIDE;
  }

  /** This greenlet's value: what it `set`, else `init()` (stored), else undefined. */
  get(): T | undefined {
    const key = this.key();
    if (this.values.has(key)) return this.values.get(key);
    if (this.init === undefined) return undefined;
    const value = this.init();
    this.values.set(key, value);
    return value;
  }

  /** Sets this greenlet's value. */
  set(value: T): void {
    this.values.set(this.key(), value);
  }

  /** True when this greenlet has a value (set, or made by `init`). */
  has(): boolean {
    return this.values.has(this.key());
  }

  /** Removes this greenlet's value; true if there was one. */
  delete(): boolean {
    return this.values.delete(this.key());
  }
}
