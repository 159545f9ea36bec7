/**
 * Event names and handler lookup: `"user message"`, `"user_message"`, `"user-message"`,
 * `"user:message"`, `"user.message"` and `"userMessage"` all name the method `onUserMessage`; a
 * class's `static events` table can name the method for an exact event name instead.
 *
 * What is reachable is decided once per class, from the class's own code: prototype methods named
 * `on[A-Z]…` defined by a class strictly below `BaseNamespace`. Everything else (instance fields,
 * `constructor`, `__proto__`, `Object.prototype`, the base class's own API) is absent from the
 * table, so no client-chosen string can reach it: the lookup is a `Map.get` on that table, never a
 * property access on the instance.
 * @module
 */
import type { StandardSchemaV1 } from "@standard-schema/spec";
import { describe } from "../core/validate.js";
import { MAX_EVENT_NAME_LENGTH } from "./errors.js";

/** What a client event name must look like (and be at most {@link MAX_EVENT_NAME_LENGTH} characters long). */
export const EVENT_NAME = /^[A-Za-z][A-Za-z0-9_ :.-]*$/;
const SEPARATORS = /[ _:.-]+/;
const HANDLER_NAME = /^on[A-Z]/;

/**
 * The handler method's name for a valid event name, or undefined when the name is invalid
 * (not a string, longer than {@link MAX_EVENT_NAME_LENGTH}, or not matching {@link EVENT_NAME}).
 * The length is checked first, so no regular expression ever runs over a long client string.
 */
export function handlerName(event: unknown): string | undefined {
  if (typeof event !== "string" || event.length > MAX_EVENT_NAME_LENGTH || !EVENT_NAME.test(event)) return undefined;
  let name = "on";
  for (const part of event.split(SEPARATORS)) {
    if (part.length > 0) name += part[0]!.toUpperCase() + part.slice(1);
  }
  return name;
}

/**
 * The normalised form of an event name given by the application (an ACL entry, a schema key).
 * @throws {TypeError} naming `call` and `argument` when `event` is not a valid event name.
 */
export function normaliseEvent(call: string, argument: string, event: unknown): string {
  const name = handlerName(event);
  if (name === undefined) {
    throw new TypeError(
      `${call}: expected ${argument} to be an event name (a letter, then letters, digits, spaces, "_", "-", ":" or ".", at most ${MAX_EVENT_NAME_LENGTH} characters), got ${describe(event)}`,
    );
  }
  return name;
}

/** One reachable handler. */
export interface Handler {
  /** The normalised event name: the ACL entry, schema key and per-event limit key of this event. */
  readonly key: string;
  readonly method: (...args: unknown[]) => unknown;
  readonly schema: StandardSchemaV1 | undefined;
  /** True for the class's `onAny`: it receives the event name before the arguments. */
  readonly catchAll: boolean;
}

/**
 * How many client spellings a table remembers, and how many characters they may add up to.
 * Only spellings that resolve to a handler are remembered: a name that resolves to nothing costs
 * its lookup and leaves nothing behind. A full cache is cleared and filled again.
 */
const CACHE_ENTRIES = 1024;
const CACHE_CHARS = 64 * 1024;

/** The handlers of one namespace class, and a bounded cache of the client spellings that reach them. */
export class HandlerTable {
  private readonly byKey: Map<string, Handler>;
  /** Event names the class maps to a method explicitly (`static events`), matched exactly. */
  private readonly exact: Map<string, Handler>;
  /** The class's `onAny`, when it has one; schemas of events only it handles, by key. */
  private readonly catchAll: { method: (...args: unknown[]) => unknown; schemas: Map<string, StandardSchemaV1> } | null;
  private readonly seen = new Map<string, Handler>();
  private seenChars = 0;

  constructor(
    handlers: Map<string, Handler>,
    exact: Map<string, Handler> = new Map(),
    catchAll: { method: (...args: unknown[]) => unknown; schemas: Map<string, StandardSchemaV1> } | null = null,
  ) {
    this.byKey = handlers;
    this.exact = exact;
    this.catchAll = catchAll;
  }

  /**
   * The handler for a client's event name; null when the name is valid but nothing handles it;
   * undefined when it is invalid (over-long names are undefined without being looked at).
   */
  lookup(event: unknown): Handler | null | undefined {
    if (typeof event !== "string" || event.length > MAX_EVENT_NAME_LENGTH) return undefined;
    const cached = this.seen.get(event);
    if (cached !== undefined) return cached;
    const mapped = this.exact.get(event);
    if (mapped !== undefined) return mapped;
    const key = handlerName(event);
    if (key === undefined) return undefined;
    const handler = this.byKey.get(key);
    if (handler === undefined) {
      const any = this.catchAll;
      return any === null ? null : { key, method: any.method, schema: any.schemas.get(key), catchAll: true };
    }
    // Full: start again rather than stop remembering, so spellings a client chose to fill the
    // cache with cannot keep the names real clients use out of it for good.
    if (this.seen.size >= CACHE_ENTRIES || this.seenChars + event.length > CACHE_CHARS) {
      this.seen.clear();
      this.seenChars = 0;
    }
    this.seen.set(event, handler);
    this.seenChars += event.length;
    return handler;
  }

  /** The normalised key of an event name given by the application: its `static events` mapping, else the rule. */
  keyOf(call: string, argument: string, event: unknown): string {
    if (typeof event === "string") {
      const mapped = this.exact.get(event);
      if (mapped !== undefined) return mapped.key;
    }
    return normaliseEvent(call, argument, event);
  }

  /** The handler for a normalised key. */
  get(key: string): Handler | undefined {
    return this.byKey.get(key);
  }

  get size(): number {
    return this.byKey.size;
  }

  /** Spellings remembered and their characters: what the cache costs (for tests). */
  get cached(): { entries: number; chars: number } {
    return { entries: this.seen.size, chars: this.seenChars };
  }
}

/**
 * Collects the reachable handlers of `cls`: own prototype methods named `on[A-Z]…` of every class
 * from `cls` up to, not including, `base`; the most derived definition of a name wins.
 */
export function collectHandlers(cls: abstract new () => object, base: abstract new () => object): Map<string, (...args: unknown[]) => unknown> {
  const methods = new Map<string, (...args: unknown[]) => unknown>();
  for (let proto = cls.prototype as object | null; proto !== null && proto !== base.prototype; proto = Object.getPrototypeOf(proto) as object | null) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (!HANDLER_NAME.test(name) || methods.has(name)) continue;
      const descriptor = Object.getOwnPropertyDescriptor(proto, name);
      // Accessors are not handlers: reading one would run code chosen by the event name.
      if (descriptor !== undefined && typeof descriptor.value === "function") {
        methods.set(name, descriptor.value as (...args: unknown[]) => unknown);
      }
    }
  }
  return methods;
}
