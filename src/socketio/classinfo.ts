/**
 * What `mount()` learns from a namespace class, once: its reachable handlers with their schemas,
 * and its initial ACL. Mistakes in `static acl` and `static schemas` are thrown at `mount()`,
 * not discovered when a client sends an event.
 * @module
 */
import type { StandardSchemaV1 } from "@standard-schema/spec";
import { describe } from "../core/validate.js";
import { HandlerTable, collectHandlers, normaliseEvent, type Handler } from "./dispatch.js";
import { BaseNamespace, type NamespaceClass } from "./namespace.js";

export interface ClassInfo {
  readonly cls: NamespaceClass;
  readonly table: HandlerTable;
  /** The normalised `static acl`, or null when the class has none. */
  readonly acl: ReadonlySet<string> | null;
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

  const schemas = new Map<string, StandardSchemaV1>();
  if (ns.schemas !== undefined) {
    if (ns.schemas === null || typeof ns.schemas !== "object") {
      throw new TypeError(`${call}: expected ${ns.name}.schemas to be an object of Standard Schemas, got ${describe(ns.schemas)}`);
    }
    for (const [event, schema] of Object.entries(ns.schemas)) {
      const key = normaliseEvent(call, `a key of ${ns.name}.schemas`, event);
      if (!isSchema(schema)) {
        throw new TypeError(`${call}: expected ${ns.name}.schemas[${JSON.stringify(event)}] to be a Standard Schema, got ${describe(schema)}`);
      }
      if (schemas.has(key)) {
        throw new TypeError(`${call}: ${ns.name}.schemas has two keys for the event handled by ${key}()`);
      }
      // A schema for a handler that does not exist is a typo that would leave the real one unchecked.
      if (!methods.has(key)) {
        throw new TypeError(`${call}: ${ns.name}.schemas[${JSON.stringify(event)}] names no handler (expected a method ${key})`);
      }
      schemas.set(key, schema);
    }
  }

  let acl: Set<string> | null = null;
  if (ns.acl !== undefined) {
    if (!Array.isArray(ns.acl)) throw new TypeError(`${call}: expected ${ns.name}.acl to be an array of event names, got ${describe(ns.acl)}`);
    acl = new Set(ns.acl.map((event: unknown, i) => normaliseEvent(call, `${ns.name}.acl[${i}]`, event)));
  }

  const handlers = new Map<string, Handler>();
  for (const [key, method] of methods) handlers.set(key, { key, method, schema: schemas.get(key) });
  const info: ClassInfo = { cls: ns, table: new HandlerTable(handlers), acl };
  cache.set(ns, info);
  return info;
}
