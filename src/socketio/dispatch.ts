/**
 * Event names and handler lookup: `"user message"`, `"user_message"`, `"user-message"` and
 * `"userMessage"` all name the method `onUserMessage`.
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

/** What a client event name must look like. */
export const EVENT_NAME = /^[A-Za-z][A-Za-z0-9_ -]*$/;
const SEPARATORS = /[ _-]+/;
const HANDLER_NAME = /^on[A-Z]/;

/**
 * The handler method's name for a valid event name, or undefined when the name is invalid
 * (not a string, or not matching {@link EVENT_NAME}).
 */
export function handlerName(event: unknown): string | undefined {
  if (typeof event !== "string" || !EVENT_NAME.test(event)) return undefined;
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
      `${call}: expected ${argument} to be an event name (a letter, then letters, digits, spaces, "_" or "-"), got ${describe(event)}`,
    );
  }
  return name;
}

/** One reachable handler. */
export interface Handler {
  /** The method's name, which is also the normalised event name (ACL entries, schema keys). */
  readonly key: string;
  readonly method: (...args: unknown[]) => unknown;
  readonly schema: StandardSchemaV1 | undefined;
}

/** How many distinct client event names a table remembers; beyond that, lookups are computed. */
const CACHE_LIMIT = 1024;

/** The handlers of one namespace class, and a cache of the client spellings seen so far. */
export class HandlerTable {
  private readonly byKey: Map<string, Handler>;
  // Spelling → handler (or null: a valid name with no handler). Bounded, since the spellings
  // come from clients.
  private readonly seen = new Map<string, Handler | null>();

  constructor(handlers: Map<string, Handler>) {
    this.byKey = handlers;
  }

  /** The handler for a client's event name; null when the name is valid but unknown; undefined when invalid. */
  lookup(event: unknown): Handler | null | undefined {
    if (typeof event === "string") {
      const cached = this.seen.get(event);
      if (cached !== undefined) return cached;
    }
    const key = handlerName(event);
    if (key === undefined) return undefined;
    const handler = this.byKey.get(key) ?? null;
    if (this.seen.size < CACHE_LIMIT) this.seen.set(event as string, handler);
    return handler;
  }

  /** The handler for a normalised key. */
  get(key: string): Handler | undefined {
    return this.byKey.get(key);
  }

  get size(): number {
    return this.byKey.size;
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
