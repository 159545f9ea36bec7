/**
 * What `mount()` learns from a namespace class, once: its reachable handlers with their schemas
 * (and its `static events` table and `onAny` catch-all), its initial ACL, and the settings it
 * overrides. Mistakes in any static field are thrown at `mount()`, not discovered when a client
 * sends an event.
 * @module
 */
import type { StandardSchemaV1 } from "@standard-schema/spec";
import { describe } from "../core/validate.js";
import { HandlerTable, collectHandlers, normaliseEvent, type Handler } from "./dispatch.js";
import { MAX_EVENT_NAME_LENGTH } from "./errors.js";
import { checkRateLimits, type RateLimit } from "./limits.js";
import { BaseNamespace, type NamespaceClass } from "./namespace.js";
import { checkClassSettings, type ClassSettings } from "./options.js";

export interface ClassInfo {
  readonly cls: NamespaceClass;
  readonly table: HandlerTable;
  /** The normalised `static acl`, or null when the class has none. */
  readonly acl: ReadonlySet<string> | null;
  /** The settings the class overrides (`static graceMs`, …). */
  readonly settings: ClassSettings;
  /** `static rateLimits` by normalised event key, or null. */
  readonly rateLimits: ReadonlyMap<string, RateLimit> | null;
  /**
   * The class's `main(g)` method, when it has one: the session then runs it as a greenlet, and
   * the events no `on…` handler answers wait in its mailbox for `recv()` (see recv.ts).
   */
  readonly main: ((g: unknown) => unknown) | null;
}

/** The method that receives every valid event no other handler answers to. */
const CATCH_ALL = "onAny";

/** The method a pull-style session runs as its greenlet (recv.ts). */
const MAIN = "main";

/**
 * Stands in as the catch-all of a class with `main()`: events.ts hands the events it would
 * receive to the session's mailbox instead of calling it.
 */
function toMailbox(): never {
  throw new Error("events.ts delivers a main() class's unhandled events to its mailbox; this is never called");
}

/**
 * The `main` method a class below `BaseNamespace` defines, if any (the most derived one).
 * @throws {TypeError} when `main` is there but is not a method (an accessor, say).
 */
function findMain(call: string, cls: NamespaceClass): ((g: unknown) => unknown) | null {
  for (let proto = cls.prototype as object | null; proto !== null && proto !== BaseNamespace.prototype; proto = Object.getPrototypeOf(proto) as object | null) {
    const descriptor = Object.getOwnPropertyDescriptor(proto, MAIN);
    if (descriptor === undefined) continue;
    if (typeof descriptor.value === "function") return descriptor.value as (g: unknown) => unknown;
    const got = descriptor.get !== undefined || descriptor.set !== undefined ? "an accessor" : describe(descriptor.value);
    throw new TypeError(`${call}: expected ${cls.name}.prototype.main to be a method main(g), got ${got}`);
  }
  return null;
}

const cache = new WeakMap<NamespaceClass, ClassInfo>();

function isSchema(value: unknown): value is StandardSchemaV1 {
  if (value === null || (typeof value !== "object" && typeof value !== "function")) return false;
  const props = (value as Partial<StandardSchemaV1>)["~standard"];
  return props !== undefined && props !== null && typeof props.validate === "function";
}

/**
 * The ClassInfo of `cls`, validated.
 * @throws {TypeError} when `cls` is not a BaseNamespace subclass, or its `acl`/`schemas` are malformed.
 */
export function classInfo(call: string, where: string, cls: unknown): ClassInfo {
  if (typeof cls !== "function" || !(cls.prototype instanceof BaseNamespace)) {
    throw new TypeError(`${call}: expected the class for ${where} to extend BaseNamespace, got ${describe(cls)}`);
  }
  const known = cache.get(cls as NamespaceClass);
  if (known !== undefined) return known;
  const ns = cls as NamespaceClass;
  const methods = collectHandlers(ns, BaseNamespace);
  // onAny is the catch-all, not the handler of an event "any": it receives the event name first.
  const onAny = methods.get(CATCH_ALL);
  methods.delete(CATCH_ALL);
  const main = findMain(call, ns);
  if (main !== null && onAny !== undefined) {
    throw new TypeError(
      `${call}: ${ns.name} defines both main() and onAny(); main() receives every event no on… handler answers, so onAny() would never run: keep one`,
    );
  }
  const catchAll = onAny ?? (main === null ? undefined : toMailbox);

  // `static events`: exact event names mapped to handler methods.
  const exactNames = new Map<string, string>();
  if (ns.events !== undefined) {
    if (ns.events === null || typeof ns.events !== "object" || Array.isArray(ns.events)) {
      throw new TypeError(`${call}: expected ${ns.name}.events to be an object mapping event names to handler method names, got ${describe(ns.events)}`);
    }
    for (const [event, method] of Object.entries(ns.events as Record<string, unknown>)) {
      if (event.length === 0 || event.length > MAX_EVENT_NAME_LENGTH) {
        throw new TypeError(`${call}: expected the keys of ${ns.name}.events to be event names of 1 to ${MAX_EVENT_NAME_LENGTH} characters, got ${describe(event)}`);
      }
      if (typeof method !== "string" || !methods.has(method)) {
        throw new TypeError(
          `${call}: expected ${ns.name}.events[${JSON.stringify(event)}] to name an on… handler method of ${ns.name}, got ${describe(method)}`,
        );
      }
      exactNames.set(event, method);
    }
  }
  const keyOf = (argument: string, event: unknown): string =>
    typeof event === "string" && exactNames.has(event) ? exactNames.get(event)! : normaliseEvent(call, argument, event);

  const schemas = new Map<string, StandardSchemaV1>();
  if (ns.schemas !== undefined) {
    if (ns.schemas === null || typeof ns.schemas !== "object") {
      throw new TypeError(`${call}: expected ${ns.name}.schemas to be an object of Standard Schemas, got ${describe(ns.schemas)}`);
    }
    for (const [event, schema] of Object.entries(ns.schemas)) {
      const key = keyOf(`a key of ${ns.name}.schemas`, event);
      if (!isSchema(schema)) {
        throw new TypeError(`${call}: expected ${ns.name}.schemas[${JSON.stringify(event)}] to be a Standard Schema, got ${describe(schema)}`);
      }
      if (schemas.has(key)) {
        throw new TypeError(`${call}: ${ns.name}.schemas has two keys for the event handled by ${key}()`);
      }
      // A schema for a handler that does not exist is a typo that would leave the real one
      // unchecked; with a catch-all, every valid name has a handler.
      if (!methods.has(key) && catchAll === undefined) {
        throw new TypeError(`${call}: ${ns.name}.schemas[${JSON.stringify(event)}] names no handler (expected a method ${key})`);
      }
      schemas.set(key, schema);
    }
  }

  let acl: Set<string> | null = null;
  if (ns.acl !== undefined) {
    if (!Array.isArray(ns.acl)) throw new TypeError(`${call}: expected ${ns.name}.acl to be an array of event names, got ${describe(ns.acl)}`);
    acl = new Set(ns.acl.map((event: unknown, i) => keyOf(`${ns.name}.acl[${i}]`, event)));
  }

  const settings = checkClassSettings(call, ns.name, ns);
  const rateLimits = ns.rateLimits === undefined ? null : checkRateLimits(call, ns.name, ns.rateLimits, keyOf);

  const handlers = new Map<string, Handler>();
  for (const [key, method] of methods) handlers.set(key, { key, method, schema: schemas.get(key), catchAll: false });
  const exact = new Map<string, Handler>();
  for (const [event, method] of exactNames) exact.set(event, handlers.get(method)!);
  const anySchemas = new Map<string, StandardSchemaV1>();
  for (const [key, schema] of schemas) if (!handlers.has(key)) anySchemas.set(key, schema);
  const table = new HandlerTable(handlers, exact, catchAll === undefined ? null : { method: catchAll, schemas: anySchemas });
  const info: ClassInfo = { cls: ns, table, acl, settings, rateLimits, main };
  cache.set(ns, info);
  return info;
}
