// Fuzz of the dispatch path: thousands of random event names and payload trees, drawn from fixed
// seeds, sent through a real socket.io server by a real client. A small reference model of the
// naming rule (written here, not taken from src/) says what each event must reach: a handler, or
// which refusal. The tests check that exactly that happened, once per event; that the session
// stayed connected; that no prototype gained a property; and that the spelling cache remembers
// only names that reach a handler, within its bounds.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { z } from "zod";
import { Decoder, Encoder, PacketType, type Packet } from "socket.io-parser";
import { BaseNamespace, mount, type MountedApp } from "../../src/socketio/index.js";
import { classInfo } from "../../src/socketio/classinfo.js";
import { errorReports, nextEvent, recordOnError, startServer, type ClientSocket, type ErrorReport, type TestServer } from "./harness.js";

// ---------------------------------------------------------------------------------------------
// What the handlers saw. Every event carries its sequence number as its first argument, so a
// handler run can be matched with the event that caused it.

interface Run {
  namespace: string;
  handler: string;
  seq: unknown;
  /** The arguments as the handler received them (the catch-all's include the event name). */
  args: string;
  /** The instance still has its class's prototype and no own property beyond its fields. */
  intact: boolean;
}

const runs: Run[] = [];

function ran(self: BaseNamespace, handler: string, args: unknown[], seq: unknown): void {
  const proto = Object.getPrototypeOf(self) as object;
  const ownKeys = Object.keys(self).join(",");
  const intact = (proto === Fuzz.prototype || proto === CatchAll.prototype || proto === Strict.prototype || proto === Spelled.prototype) &&
    (ownKeys === "" || ownKeys === "field,onField");
  runs.push({ namespace: self.name, handler, seq, args: canon(args), intact });
}

const disconnects: [string, string][] = [];

// ---------------------------------------------------------------------------------------------
// The namespace classes under fuzz.

class Parent extends BaseNamespace {
  onInherited(...args: unknown[]) {
    ran(this, "onInherited", args, args[0]);
    return { handler: "onInherited", seq: args[0] };
  }
}

const validatedSchema = z.tuple([z.number(), z.object({ n: z.number() })]);
const configSchema = z.tuple([z.number(), z.record(z.string(), z.unknown())]);

class Fuzz extends Parent {
  // "Ping" (not "ping", which `static events` maps to onEcho) is how the ACL names onPing.
  static override acl = ["echo", "chat message", "Ping", "quiet", "async echo", "validated", "config", "fail", "cycle", "inherited"];
  static override schemas = { validated: validatedSchema, config: configSchema };
  static override events = { "chat/message": "onChatMessage", ping: "onEcho", "legacy echo!": "onEcho" };

  field = "an instance field";
  onField = (...args: unknown[]) => ran(this, "onField (instance field)", args, args[0]);

  static onStatic(...args: unknown[]) {
    runs.push({ namespace: "?", handler: "onStatic (static)", seq: args[0], args: canon(args), intact: false });
  }
  get onGetter() {
    runs.push({ namespace: "?", handler: "onGetter (accessor)", seq: undefined, args: "", intact: false });
    return () => undefined;
  }
  notAHandler(...args: unknown[]) {
    ran(this, "notAHandler", args, args[0]);
  }
  ontoLowercase(...args: unknown[]) {
    ran(this, "ontoLowercase", args, args[0]);
  }
  onlyMe(...args: unknown[]) {
    ran(this, "onlyMe", args, args[0]);
  }

  onEcho(...args: unknown[]) {
    ran(this, "onEcho", args, args[0]);
    return args;
  }
  onChatMessage(...args: unknown[]) {
    ran(this, "onChatMessage", args, args[0]);
    return { handler: "onChatMessage", seq: args[0] };
  }
  onPing(...args: unknown[]) {
    ran(this, "onPing", args, args[0]);
    return { handler: "onPing", seq: args[0] };
  }
  onQuiet(...args: unknown[]) {
    ran(this, "onQuiet", args, args[0]);
  }
  async onAsyncEcho(...args: unknown[]) {
    ran(this, "onAsyncEcho", args, args[0]);
    await null;
    return { handler: "onAsyncEcho", seq: args[0] };
  }
  onValidated(...args: unknown[]) {
    ran(this, "onValidated", args, args[0]);
    return { handler: "onValidated", seq: args[0] };
  }
  onConfig(...args: unknown[]) {
    ran(this, "onConfig", args, args[0]);
    return { handler: "onConfig", seq: args[0] };
  }
  onFail(...args: unknown[]) {
    ran(this, "onFail", args, args[0]);
    throw new Error(`private detail of event ${String(args[0])}`);
  }
  onCycle(...args: unknown[]) {
    ran(this, "onCycle", args, args[0]);
    const value: Record<string, unknown> = { seq: args[0] };
    value.self = value;
    return value;
  }
  onSecret(...args: unknown[]) {
    ran(this, "onSecret", args, args[0]);
    return "the ACL should have refused this";
  }
  override disconnected(reason: string) {
    disconnects.push([this.name, reason]);
  }
}

class CatchAll extends BaseNamespace {
  onEcho(...args: unknown[]) {
    ran(this, "onEcho", args, args[0]);
    return args;
  }
  onAny(event: unknown, ...args: unknown[]) {
    ran(this, "onAny", [event, ...args], args[0]);
    return { handler: "onAny", event, seq: args[0] };
  }
  override disconnected(reason: string) {
    disconnects.push([this.name, reason]);
  }
}

/** Fuzz's handlers under the default refusal limit (a class of its own, so its spelling cache is too). */
class Strict extends Fuzz {}

/** A class whose spelling cache only the cache test fills. */
class Spelled extends BaseNamespace {
  onEcho(...args: unknown[]) {
    ran(this, "onEcho", args, args[0]);
    return args;
  }
  onChatMessage(...args: unknown[]) {
    ran(this, "onChatMessage", args, args[0]);
    return { handler: "onChatMessage", seq: args[0] };
  }
  onAsyncEcho(...args: unknown[]) {
    ran(this, "onAsyncEcho", args, args[0]);
    return { handler: "onAsyncEcho", seq: args[0] };
  }
}

// ---------------------------------------------------------------------------------------------
// The reference model: what each name must reach in each class.

interface ClassModel {
  /** Handler methods by normalised key (the class's own list, written out here). */
  handlers: ReadonlySet<string>;
  /** `static events`: exact names to handlers. */
  exact: ReadonlyMap<string, string>;
  /** Keys the static ACL allows; null: no ACL. */
  acl: ReadonlySet<string> | null;
  schemas: ReadonlyMap<string, z.ZodType>;
  /** Handlers that fail: their events end as InternalError. */
  failing: ReadonlySet<string>;
  catchAll: boolean;
  /** The spelling cache as the model expects it. */
  cache: { names: Set<string>; chars: number; cleared: number };
}

const FUZZ_HANDLERS = ["onEcho", "onChatMessage", "onPing", "onQuiet", "onAsyncEcho", "onValidated", "onConfig", "onFail", "onCycle", "onSecret", "onInherited"];

function fuzzModel(): ClassModel {
  return {
    handlers: new Set(FUZZ_HANDLERS),
    exact: new Map([
      ["chat/message", "onChatMessage"],
      ["ping", "onEcho"],
      ["legacy echo!", "onEcho"],
    ]),
    acl: new Set(FUZZ_HANDLERS.filter((h) => h !== "onSecret")),
    schemas: new Map<string, z.ZodType>([
      ["onValidated", validatedSchema],
      ["onConfig", configSchema],
    ]),
    failing: new Set(["onFail", "onCycle"]),
    catchAll: false,
    cache: { names: new Set(), chars: 0, cleared: 0 },
  };
}

function catchAllModel(): ClassModel {
  return { handlers: new Set(["onEcho"]), exact: new Map(), acl: null, schemas: new Map(), failing: new Set(), catchAll: true, cache: { names: new Set(), chars: 0, cleared: 0 } };
}

const MAX_NAME = 128;
const SHOWN = 32;
const CACHE_ENTRIES = 1024;
const CACHE_CHARS = 65_536;

const isLetter = (c: string) => (c >= "a" && c <= "z") || (c >= "A" && c <= "Z");
const isDigit = (c: string) => c >= "0" && c <= "9";
const isSeparator = (c: string) => c === " " || c === "_" || c === "-" || c === ":" || c === ".";

/** The rule, character by character: a letter first; letters, digits and separators after; each part after a separator capitalised. */
function modelKey(name: string): string | undefined {
  if (name.length === 0 || name.length > MAX_NAME || !isLetter(name[0]!)) return undefined;
  let key = "on";
  let boundary = true;
  for (let i = 0; i < name.length; i++) {
    const c = name[i]!;
    if (isSeparator(c)) {
      boundary = true;
      continue;
    }
    if (!isLetter(c) && !isDigit(c)) return undefined;
    key += boundary ? c.toUpperCase() : c;
    boundary = false;
  }
  return key;
}

type Refusal = "InvalidEventNameError" | "UnknownEventError" | "AccessDeniedError" | "ValidationError" | "InternalError";

type Expected =
  | { kind: "handler"; handler: string; args: unknown[] }
  | { kind: "error"; name: Refusal; handler: string | null };

/**
 * What an event must end in, given the name and arguments as the server receives them. Also
 * keeps the model's spelling cache: the names the rule resolves to a handler, in arrival order,
 * while the bounds allow.
 */
function expect(model: ClassModel, name: unknown, args: unknown[]): Expected {
  if (typeof name !== "string" || name.length > MAX_NAME) return { kind: "error", name: "InvalidEventNameError", handler: null };
  let handler = model.exact.get(name);
  let key = handler;
  if (handler === undefined) {
    key = modelKey(name);
    if (key === undefined) return { kind: "error", name: "InvalidEventNameError", handler: null };
    if (model.handlers.has(key)) {
      handler = key;
      const cache = model.cache;
      if (!cache.names.has(name)) {
        // A full cache is cleared and filled again.
        if (cache.names.size >= CACHE_ENTRIES || cache.chars + name.length > CACHE_CHARS) {
          cache.names.clear();
          cache.chars = 0;
          cache.cleared++;
        }
        cache.names.add(name);
        cache.chars += name.length;
      }
    } else if (model.catchAll) handler = "onAny";
    else return { kind: "error", name: "UnknownEventError", handler: null };
  }
  if (model.acl !== null && !model.acl.has(key!)) return { kind: "error", name: "AccessDeniedError", handler: null };
  const handlerArgs = handler === "onAny" ? [name, ...args] : args;
  const schema = model.schemas.get(key!);
  let received = handlerArgs;
  if (schema !== undefined) {
    const parsed = schema.safeParse(handlerArgs);
    if (!parsed.success) return { kind: "error", name: "ValidationError", handler: null };
    received = parsed.data as unknown[];
  }
  if (model.failing.has(handler)) return { kind: "error", name: "InternalError", handler };
  return { kind: "handler", handler, args: received };
}

/** A name as a refusal report shows it. */
function shown(name: unknown): string {
  const text = String(name);
  return text.length <= SHOWN ? text : `${text.slice(0, SHOWN)}…`;
}

// ---------------------------------------------------------------------------------------------
// The wire: what the server receives for what the client sends, by the parser both of them use.
// (The binary encoding rebuilds objects by assignment, so an own "__proto__" key does not survive
// a packet that carries a Buffer; the model must expect what socket.io delivers, not what was sent.)

function wire(type: PacketType, data: unknown[]): unknown[] {
  const packet: Packet = { type, nsp: "/", data, ...(type === PacketType.ACK ? { id: 0 } : {}) };
  const decoder = new Decoder();
  let out: unknown[] | undefined;
  decoder.on("decoded", (decoded: Packet) => (out = decoded.data as unknown[]));
  for (const part of new Encoder().encode(packet)) decoder.add(part);
  decoder.destroy();
  assert.ok(out !== undefined, "the parser decoded what it encoded");
  return out;
}

/** A deterministic text of a value: own enumerable keys in order, binary as hex. One frame per level, for the deep trees. */
function canon(value: unknown): string {
  if (value === undefined) return "undefined";
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (value instanceof ArrayBuffer) return `bin:${Buffer.from(value).toString("hex")}`;
  if (ArrayBuffer.isView(value)) return `bin:${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("hex")}`;
  let text = Array.isArray(value) ? "[" : "{";
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  for (let i = 0; i < keys.length; i++) {
    if (i > 0) text += ",";
    if (!Array.isArray(value)) text += `${JSON.stringify(keys[i])}:`;
    text += canon(record[keys[i]!]);
  }
  return text + (Array.isArray(value) ? "]" : "}");
}

/** How many binary values a tree holds (the server's parser refuses a packet with more than 10). */
function binaries(value: unknown): number {
  if (value === null || typeof value !== "object") return 0;
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return 1;
  let n = 0;
  for (const key of Object.keys(value)) n += binaries((value as Record<string, unknown>)[key]);
  return n;
}

// ---------------------------------------------------------------------------------------------
// Generators.

const LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const DIGITS = "0123456789";
const SEPARATORS = " _-:.";
const ODD = ["/", "\n", "\t", "\0", "é", "ß", "İ", "\u200b", "\ud800", "😀", "$", "(", ")", "!", "?", "[", "'", '"', "\\", "%", "+", ","];
/** socket.io-client refuses to emit these (and the server's parser refuses them): nothing for the layer to see. */
const CLIENT_RESERVED = new Set(["connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"]);

const validChar = fc.constantFrom(...(LETTERS + DIGITS + SEPARATORS));
const separatorRun = fc.string({ unit: fc.constantFrom(...SEPARATORS), minLength: 1, maxLength: 3 });

/** Names from the valid alphabet: a first character that is usually a letter, then valid characters. */
const alphabetName = fc
  .tuple(fc.constantFrom(...LETTERS, ...LETTERS, ...DIGITS, ...SEPARATORS), fc.string({ unit: validChar, maxLength: 40 }))
  .map(([first, rest]) => first + rest);

/** A valid-looking name with one odd character spliced in. */
const nearMiss = fc
  .tuple(alphabetName, fc.constantFrom(...ODD), fc.nat())
  .map(([name, odd, at]) => {
    const i = at % (name.length + 1);
    return name.slice(0, i) + odd + name.slice(i);
  });

/** The words of the handlers, and of things that are not handlers, to spell in every way. */
const HANDLER_WORDS: string[][] = [
  ["echo"], ["chat", "message"], ["ping"], ["quiet"], ["async", "echo"], ["validated"], ["config"], ["fail"], ["cycle"], ["secret"], ["inherited"],
];
const OTHER_WORDS: string[][] = [
  ["any"], ["field"], ["getter"], ["static"], ["to", "lowercase"], ["ly", "me"], ["not", "a", "handler"], ["initialize"], ["disconnected"], ["error"],
];

const casing = (word: string) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant(word) },
    { weight: 2, arbitrary: fc.constant(word[0]!.toUpperCase() + word.slice(1)) },
    { weight: 1, arbitrary: fc.constant(word.toUpperCase()) },
  );

/** A spelling of some handler's name: parts joined by separator runs or camel-cased, maybe prefixed, maybe padded to near the length limit. */
const spelling = fc
  .oneof({ weight: 3, arbitrary: fc.constantFrom(...HANDLER_WORDS) }, { weight: 1, arbitrary: fc.constantFrom(...OTHER_WORDS) })
  .chain((parts) =>
    fc.tuple(
      fc.tuple(...parts.map(casing)),
      fc.array(fc.oneof(separatorRun, fc.constant("")), { minLength: parts.length, maxLength: parts.length }),
      fc.oneof({ weight: 8, arbitrary: fc.constant("") }, { weight: 1, arbitrary: fc.constantFrom("on", "On", "on ", "on_") }),
      fc.oneof(
        { weight: 4, arbitrary: fc.constant("") },
        { weight: 2, arbitrary: separatorRun },
        // Padding to within a few characters of the limit, on both sides of it.
        { weight: 1, arbitrary: fc.integer({ min: -3, max: 3 }).map((offset) => ({ pad: MAX_NAME + offset })) },
      ),
    ),
  )
  .map(([words, seps, prefix, tail]) => {
    let name = prefix + words.map((w, i) => (i === 0 ? w : seps[i]! + w)).join("");
    if (typeof tail === "string") name += tail;
    else if (name.length < tail.pad) name += "_".repeat(tail.pad - name.length);
    return name;
  });

const dangerousWords = [
  "constructor", "__proto__", "prototype", "toString", "valueOf", "hasOwnProperty", "isPrototypeOf", "propertyIsEnumerable",
  "toLocaleString", "__defineGetter__", "__defineSetter__", "__lookupGetter__", "__lookupSetter__", "then", "call", "apply", "bind",
  "any", "Any", "ANY", "on any", "onAny", "on_any", "on", "On", "o", "error", "Error", "onError", "onField", "field", "onGetter",
  "getter", "onStatic", "static", "notAHandler", "ontoLowercase", "to lowercase", "onlyMe", "only me", "ly me", "spawn", "emit",
  "initialize", "disconnected", "killAll", "join", "leave", "allow", "deny", "liftAcl", "resetAcl", "socket", "data", "name",
  "greenlets", "connected", "disconnect ", "connect_", "chat/message", "Chat/message", "chat/message ", "ping", "Ping", "ping ",
  "legacy echo!", "legacy echo", "secret", "onSecret", "on secret", "length", "caller", "arguments",
];
const prototypeNames = [Object.prototype, Function.prototype, Array.prototype, BaseNamespace.prototype, Fuzz.prototype, Parent.prototype, CatchAll.prototype]
  .flatMap((proto) => Object.getOwnPropertyNames(proto))
  .flatMap((name) => [name, name.replace(/^on(?=[A-Z])/, ""), `on${name[0]!.toUpperCase()}${name.slice(1)}`]);
const dangerous = fc.constantFrom(...new Set([...dangerousWords, ...prototypeNames]));

const numberName = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -0, 1, 42, Number.MAX_SAFE_INTEGER, 1e21, 5e-324),
);

/** Names over the limit (the rule would accept most of them, were they shorter). */
const longName = fc.oneof(
  fc.integer({ min: MAX_NAME + 1, max: 4000 }).map((n) => "a".repeat(n)),
  fc.string({ unit: validChar, minLength: MAX_NAME + 1, maxLength: 600 }).map((s) => `x${s}`),
  fc.integer({ min: MAX_NAME, max: 2000 }).map((n) => `chat message${" ".repeat(n)}`),
);

const nameArb: fc.Arbitrary<unknown> = fc
  .oneof(
    { weight: 3, arbitrary: fc.string({ unit: "binary", maxLength: 30 }) },
    { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 12 }) },
    { weight: 5, arbitrary: alphabetName },
    { weight: 2, arbitrary: nearMiss },
    { weight: 8, arbitrary: spelling },
    { weight: 3, arbitrary: dangerous },
    { weight: 1, arbitrary: numberName },
    { weight: 1, arbitrary: longName },
  )
  .filter((name) => !(typeof name === "string" && CLIENT_RESERVED.has(name)));

/** An object with exactly these own keys, "__proto__" included, as JSON.parse would build it. */
function own(entries: [string, unknown][]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [key, value] of entries) Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
  return o;
}

const keyArb = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom("__proto__", "constructor", "prototype", "polluted", "toString", "valueOf", "hasOwnProperty", "then", "toJSON", "length", "n", "0") },
  { weight: 2, arbitrary: fc.string({ maxLength: 6 }) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 6 }) },
);

const leaf = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(null, true, false, undefined, 0, -0) },
  { weight: 2, arbitrary: fc.integer() },
  { weight: 2, arbitrary: fc.double() },
  { weight: 3, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 20 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1000, max: 60_000 }).map((n) => "x".repeat(n)) },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 48 }).map((bytes) => Buffer.from(bytes)) },
  { weight: 1, arbitrary: fc.integer({ min: 1000, max: 50_000 }).map((n) => Buffer.alloc(n, n & 0xff)) },
);

const { tree } = fc.letrec<{ tree: unknown }>((tie) => ({
  tree: fc.oneof(
    { depthSize: "small", maxDepth: 5 },
    { weight: 3, arbitrary: leaf },
    { weight: 1, arbitrary: fc.array(tie("tree"), { maxLength: 5 }) },
    { weight: 1, arbitrary: fc.array(fc.tuple(keyArb, tie("tree")), { maxLength: 5 }).map(own) },
  ),
}));

/** One long chain: arrays in arrays, objects in objects, "__proto__" in "__proto__", constructor.prototype. */
const deep = fc.tuple(fc.integer({ min: 50, max: 2000 }), fc.constantFrom("array", "object", "proto", "constructor")).map(([depth, kind]) => {
  let value: unknown = { polluted: "from the deepest level" };
  for (let i = 0; i < depth; i++) {
    if (kind === "array") value = [value];
    else if (kind === "object") value = own([["a", value]]);
    else if (kind === "proto") value = own([["__proto__", value]]);
    else value = own([["constructor", own([["prototype", value]])]]);
  }
  return value;
});

const POLLUTERS = [
  '{"__proto__": {"polluted": "yes"}}',
  '{"constructor": {"prototype": {"polluted": "yes"}}}',
  '[{"__proto__": {"toString": "x", "polluted": 1}}]',
  '{"__proto__": [1, 2, 3]}',
  '{"__proto__": null}',
  '{"__proto__": {"__proto__": {"polluted": true}}}',
  '{"prototype": {"polluted": 1}, "__proto__": {"constructor": {"prototype": {"polluted": 2}}}}',
  '{"n": 1, "__proto__": {"n": "not a number"}}',
];
const polluter = fc.oneof(
  fc.constantFrom(...POLLUTERS).map((text) => JSON.parse(text) as unknown),
  // The same with a Buffer beside it, so the packet takes the binary encoding.
  fc.tuple(fc.constantFrom(...POLLUTERS), fc.uint8Array({ minLength: 1, maxLength: 8 })).map(([text, bytes]) => own([["p", JSON.parse(text)], ["__proto__", JSON.parse(text)], ["b", Buffer.from(bytes)]])),
);

// socket.io's parser refuses (and closes the connection of) a packet with more than 10 binary
// attachments: a limit of socket.io, not of the layer, so the payloads stay within it.
const payloadArb = fc
  .array(
    fc.oneof(
      { weight: 8, arbitrary: tree },
      { weight: 1, arbitrary: deep },
      { weight: 2, arbitrary: polluter },
      { weight: 2, arbitrary: fc.record({ n: fc.integer() }) },
    ),
    { maxLength: 3 },
  )
  .filter((payload) => binaries(payload) <= 10);

/** Mostly random payloads; some of exactly the shapes the schemas accept, so that validated events get through. */
const argsArb = fc.oneof(
  { weight: 5, arbitrary: payloadArb },
  { weight: 2, arbitrary: fc.tuple(fc.oneof(fc.record({ n: fc.integer() }), fc.record({ n: fc.double() }), fc.record({ n: fc.integer(), extra: tree }))) },
  { weight: 2, arbitrary: fc.tuple(fc.array(fc.tuple(keyArb, tree), { maxLength: 4 }).map(own)).filter((payload) => binaries(payload) <= 10) },
);

interface Sample {
  namespace: "/fuzz" | "/any";
  name: unknown;
  payload: unknown[];
}

const sampleArb: fc.Arbitrary<Sample> = fc.record({
  namespace: fc.constantFrom<"/fuzz" | "/any">("/fuzz", "/fuzz", "/fuzz", "/any"),
  name: nameArb,
  payload: argsArb,
});

// ---------------------------------------------------------------------------------------------
// Sending, and checking one event's outcome.

interface Outcome {
  /** The ack's arguments (after socket.io-client's timeout error argument). */
  ack: unknown[];
  acks: number;
  /** The error report that arrived just before the ack, when the ack is an error. */
  report: ErrorReport | undefined;
}

interface Channel {
  client: ClientSocket;
  reports: ErrorReport[];
  /** Reports already matched with an ack. */
  matched: number;
}

function channel(client: ClientSocket): Channel {
  return { client, reports: errorReports(client), matched: 0 };
}

function isErrorAck(ack: unknown[]): boolean {
  return ack.length === 1 && ack[0] !== null && typeof ack[0] === "object" && Object.keys(ack[0]).join() === "error";
}

/** Emits one event with an ack; an error ack is matched with the report that immediately precedes it. */
function send(ch: Channel, name: unknown, args: unknown[]): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const outcome: Outcome = { ack: [], acks: 0, report: undefined };
    (ch.client.timeout(30_000) as unknown as { emit(...a: unknown[]): void }).emit(name, ...args, (error: unknown, ...ack: unknown[]) => {
      if (error) return reject(new Error(`no ack for event ${shown(name)} within 30 s`));
      outcome.acks++;
      outcome.ack = ack;
      if (isErrorAck(ack)) {
        // The layer sends the report and then the ack, back to back on one connection.
        assert.equal(ch.reports.length, ch.matched + 1, `the error ack of ${shown(name)} follows its own report`);
        outcome.report = ch.reports[ch.matched++];
      }
      // A second call of the same ack would show here before the batch is checked.
      setImmediate(() => resolve(outcome));
    });
  });
}

const ERROR_NAMES = new Set(["InvalidEventNameError", "UnknownEventError", "AccessDeniedError", "ValidationError", "RateLimitError", "BacklogFullError", "InternalError"]);

/** Checks one event against the model. `runsOf` are the handler runs recorded for its sequence number. */
function check(label: string, expected: Expected, name: unknown, args: unknown[], outcome: Outcome, runsOf: Run[]): void {
  assert.equal(outcome.acks, 1, `${label}: exactly one ack`);
  if (expected.kind === "handler") {
    assert.equal(runsOf.length, 1, `${label}: ${expected.handler} ran once (runs: ${runsOf.map((r) => r.handler).join(", ")})`);
    const run = runsOf[0]!;
    assert.equal(run.handler, expected.handler, `${label}: the handler`);
    assert.equal(run.args, canon(expected.args), `${label}: the arguments ${expected.handler} received`);
    assert.ok(run.intact, `${label}: the instance is intact`);
    assert.equal(outcome.report, undefined, `${label}: no error report`);
    const seq = args[0];
    let value: unknown;
    if (expected.handler === "onEcho") value = wire(PacketType.ACK, [expected.args])[0];
    else if (expected.handler === "onAny") value = { handler: "onAny", event: name, seq };
    else if (expected.handler === "onQuiet") value = undefined;
    else value = { handler: expected.handler, seq };
    assert.equal(canon(outcome.ack), canon(value === undefined ? [] : [value]), `${label}: the ack is ${expected.handler}'s return value`);
    return;
  }
  if (expected.handler === null) assert.deepEqual(runsOf, [], `${label}: no handler ran`);
  else assert.deepEqual(runsOf.map((r) => r.handler), [expected.handler], `${label}: only ${expected.handler} ran`);
  assert.ok(isErrorAck(outcome.ack), `${label}: an error ack, got ${canon(outcome.ack).slice(0, 200)}`);
  const error = (outcome.ack[0] as { error: Record<string, unknown> }).error;
  assert.deepEqual(Object.keys(error), ["name", "message"], `${label}: the ack's error has a name and a message only`);
  const { name: errorName, message } = error as { name: string; message: string };
  assert.ok(ERROR_NAMES.has(errorName), `${label}: ${errorName} is one of the layer's error names`);
  assert.equal(errorName, expected.name, `${label}: the error name (message: ${message})`);
  assert.equal(typeof message, "string");
  assert.ok(message.length > 0 && message.length <= 300, `${label}: a message of 1 to 300 characters, got ${message.length}`);
  if (expected.name === "InternalError") assert.equal(message, "internal error", `${label}: internals stay private`);
  const text = String(name);
  if (text.length > SHOWN + 1) assert.ok(!message.includes(text.slice(0, SHOWN + 1)), `${label}: the message shows at most ${SHOWN} characters of the name`);
  const report = outcome.report!;
  assert.deepEqual({ name: report.name, message: report.message }, { name: errorName, message }, `${label}: the report says what the ack says`);
  assert.ok(report.event.length <= SHOWN + 1, `${label}: the report's event has at most ${SHOWN} characters and "…", got ${report.event.length}`);
  assert.equal(report.event, shown(name), `${label}: the report's event`);
}

/** Own property names and values of `target`, to compare before and after. */
function snapshot(target: object): Map<PropertyKey, unknown> {
  const out = new Map<PropertyKey, unknown>();
  for (const key of Reflect.ownKeys(target)) {
    const d = Object.getOwnPropertyDescriptor(target, key)!;
    out.set(key, "value" in d ? [d.value] : [d.get, d.set]);
  }
  return out;
}

const WATCHED: [string, object][] = [
  ["Object.prototype", Object.prototype],
  ["Array.prototype", Array.prototype],
  ["Function.prototype", Function.prototype],
  ["String.prototype", String.prototype],
  ["BaseNamespace.prototype", BaseNamespace.prototype],
  ["Parent.prototype", Parent.prototype],
  ["Fuzz.prototype", Fuzz.prototype],
  ["CatchAll.prototype", CatchAll.prototype],
  ["Fuzz", Fuzz],
];

// ---------------------------------------------------------------------------------------------

let server: TestServer;
let app: MountedApp;
let strictApp: MountedApp;
const onError = recordOnError();

before(async () => {
  server = await startServer();
  app = mount(server.io, { "/fuzz": Fuzz, "/any": CatchAll, "/spelled": Spelled }, { refusalLimit: false, onError: onError.onError });
  // The default refusal limit: 100 refusals per 10 s.
  strictApp = mount(server.io, { "/strict": Strict }, { onError: onError.onError });
});

after(async () => {
  await app.close();
  await strictApp.close();
  await server.close();
});

const SEED = 0x5eed_0001;
const RUNS = 5000;
const BATCH = 250;

test("5,000 random event names and payload trees each get exactly the outcome the naming model predicts, the session stays connected and no prototype changes", async () => {
  const samples = fc.sample(sampleArb, { seed: SEED, numRuns: RUNS });
  // Names far over the limit, which must be refused without being read or echoed.
  for (const name of ["a".repeat(300_000), `chat message${" ".repeat(300_000)}`, "é".repeat(300_000)]) {
    samples.splice(samples.length >> 1, 0, { namespace: "/fuzz", name, payload: [] }, { namespace: "/any", name, payload: [] });
  }
  const before = WATCHED.map(([label, target]) => [label, snapshot(target)] as const);
  const channels = { "/fuzz": channel(await server.connect("/fuzz")), "/any": channel(await server.connect("/any")) };
  const models = { "/fuzz": fuzzModel(), "/any": catchAllModel() };
  const kinds = new Map<string, number>();
  let failing = 0;

  for (let start = 0; start < samples.length; start += BATCH) {
    runs.length = 0;
    const batch = samples.slice(start, start + BATCH).map((sample, i) => {
      const seq = start + i;
      const args = [seq, ...sample.payload];
      const [name, ...received] = wire(PacketType.EVENT, [sample.name, ...args]);
      const expected = expect(models[sample.namespace], name, received);
      const kind = expected.kind === "handler" ? expected.handler : expected.name;
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      if (expected.kind === "error" && expected.name === "InternalError") failing++;
      return { sample, seq, name, args, expected, outcome: send(channels[sample.namespace], sample.name, args) };
    });
    const outcomes = await Promise.all(batch.map((b) => b.outcome));
    const bySeq = new Map<string, Run[]>();
    for (const run of runs) {
      const key = `${run.namespace} ${String(run.seq)}`;
      bySeq.set(key, [...(bySeq.get(key) ?? []), run]);
    }
    batch.forEach(({ sample, seq, name, args, expected }, i) => {
      const label = `sample ${seq} (${sample.namespace}, name ${JSON.stringify(shown(sample.name))})`;
      check(label, expected, name, args, outcomes[i]!, bySeq.get(`${sample.namespace} ${seq}`) ?? []);
      bySeq.delete(`${sample.namespace} ${seq}`);
    });
    assert.deepEqual([...bySeq.keys()], [], "no handler ran for an event that was not sent");
    for (const ch of Object.values(channels)) assert.equal(ch.reports.length, ch.matched, "every report belongs to an error ack");
  }

  // The mix reached every handler and every refusal the classes can produce.
  for (const kind of [...FUZZ_HANDLERS.filter((h) => h !== "onSecret" && h !== "onFail" && h !== "onCycle"), "onAny"]) {
    assert.ok((kinds.get(kind) ?? 0) >= 5, `${kind} ran ${kinds.get(kind) ?? 0} times`);
  }
  for (const kind of ["InvalidEventNameError", "UnknownEventError", "AccessDeniedError", "ValidationError", "InternalError"]) {
    assert.ok((kinds.get(kind) ?? 0) >= 20, `${kind} happened ${kinds.get(kind) ?? 0} times`);
  }

  for (const ch of Object.values(channels)) assert.equal(ch.client.connected, true, "the client is still connected");
  assert.deepEqual(disconnects, [], "no session ended");
  assert.equal(app.stats().sessions, 2);
  assert.equal(onError.calls.length, failing, "onError got each failing handler's error, and nothing else");
  for (const { context } of onError.calls) assert.equal(context.kind, "handler");

  for (const [label, snap] of before) {
    const now = snapshot(WATCHED.find(([l]) => l === label)![1]);
    assert.deepEqual([...now.keys()], [...snap.keys()], `${label} has the same own properties`);
    for (const [key, value] of snap) assert.deepEqual(now.get(key), value, `${label}.${String(key)} is unchanged`);
  }
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(([] as unknown as Record<string, unknown>).polluted, undefined);
  assert.equal(Object.getPrototypeOf(Fuzz.prototype), Parent.prototype);

  // The spelling caches hold exactly the names the model says resolved to a handler.
  for (const [cls, model] of [[Fuzz, models["/fuzz"]], [CatchAll, models["/any"]]] as const) {
    assert.deepEqual(classInfo("test", "test", cls).table.cached, { entries: model.cache.names.size, chars: model.cache.chars }, `${cls.name}'s spelling cache`);
  }
  for (const ch of Object.values(channels)) ch.client.disconnect();
});

test("the spelling cache stays empty under thousands of unknown and over-long names, holds only names that reach a handler, within 1,024 entries and 65,536 characters, and starts again when full", async () => {
  const ch = channel(await server.connect("/spelled"));
  const model: ClassModel = { ...catchAllModel(), handlers: new Set(["onEcho", "onChatMessage", "onAsyncEcho"]), catchAll: false };
  const table = classInfo("test", "test", Spelled).table;
  let seq = 0;
  const sendAll = async (names: unknown[]) => {
    for (let start = 0; start < names.length; start += BATCH) {
      runs.length = 0;
      const batch = names.slice(start, start + BATCH).map((name) => {
        const args = [seq++];
        return { name, args, expected: expect(model, name, args), outcome: send(ch, name, args) };
      });
      const outcomes = await Promise.all(batch.map((b) => b.outcome));
      batch.forEach(({ name, args, expected }, i) => {
        check(`name ${JSON.stringify(shown(name))}`, expected, name, args, outcomes[i]!, runs.filter((r) => r.seq === args[0]));
      });
    }
  };

  const resolves = (name: unknown) => typeof name === "string" && model.handlers.has(modelKey(name) ?? "");
  const unknown = [...new Set(fc.sample(fc.oneof(alphabetName, spelling, longName, nearMiss), { seed: SEED + 1, numRuns: 4000 }))].filter(
    (name) => !resolves(name),
  );
  unknown.push("a".repeat(300_000), `echo${"_".repeat(300_000)}`, `Echo${" ".repeat(MAX_NAME - 3)}`);
  assert.ok(unknown.length >= 3000, `${unknown.length} distinct names that reach no handler`);
  await sendAll(unknown);
  assert.deepEqual(table.cached, { entries: 0, chars: 0 }, "names that reach no handler leave nothing behind");

  // Every spelling of the three handlers: short ones, and ones padded to the length limit.
  const spell = fc
    .tuple(
      fc.constantFrom(["echo"], ["chat", "message"], ["async", "echo"]),
      fc.string({ unit: fc.constantFrom(...SEPARATORS), maxLength: 6 }),
      fc.string({ unit: fc.constantFrom(...SEPARATORS), maxLength: 40 }),
      fc.boolean(),
      fc.boolean(),
    )
    .map(([parts, middle, tail, capital, padded]) => {
      const head = capital ? parts[0]![0]!.toUpperCase() + parts[0]!.slice(1) : parts[0]!;
      const rest = parts.slice(1).map((p) => (middle === "" ? p[0]!.toUpperCase() + p.slice(1) : middle + p));
      const name = head + rest.join("") + tail;
      return padded ? name.padEnd(MAX_NAME, ".") : name;
    });
  const spellings = [...new Set(fc.sample(spell, { seed: SEED + 2, numRuns: 6000 }))].filter(resolves);
  assert.ok(spellings.length >= 2000, `${spellings.length} distinct spellings`);

  await sendAll(spellings.slice(0, 200));
  const first = spellings.slice(0, 200);
  assert.deepEqual(table.cached, { entries: 200, chars: first.reduce((sum, name) => sum + name.length, 0) }, "each spelling that reached a handler is remembered once");

  await sendAll(spellings);
  const full = table.cached;
  assert.ok(full.entries <= 1024 && full.chars <= 65_536, `within bounds: ${full.entries} entries, ${full.chars} characters`);
  assert.ok(model.cache.cleared >= 1, "the spellings filled the cache at least once");
  assert.deepEqual(full, { entries: model.cache.names.size, chars: model.cache.chars });

  // A cache that filled changes nothing for the client: new spellings, unknown names and cached
  // ones are served as before, and the spellings clients keep using come back into it.
  await sendAll([...unknown.slice(0, 500), ...spellings.slice(-300), ...spellings.slice(0, 300)]);
  assert.deepEqual(table.cached, { entries: model.cache.names.size, chars: model.cache.chars }, "the cache follows the model");
  assert.ok(table.cached.entries <= 1024 && table.cached.chars <= 65_536);
  assert.equal(ch.client.connected, true);
  ch.client.disconnect();
});

test('with the default refusal limit, the 101st refused event within the window ends the session with reason "too many refused events"', async () => {
  const model = fuzzModel();
  // Refusals of every kind, drawn from the same generators.
  const refused = fc
    .sample(sampleArb, { seed: SEED + 3, numRuns: 1000 })
    .map((s) => ({ name: s.name, args: [0, ...s.payload] }))
    .filter(({ name, args }) => {
      const [wName, ...wArgs] = wire(PacketType.EVENT, [name, ...args]);
      const e = expect({ ...model, cache: { names: new Set(), chars: 0, cleared: 0 } }, wName, wArgs);
      return e.kind === "error" && e.name !== "InternalError";
    })
    .slice(0, 150);
  assert.equal(refused.length, 150);
  disconnects.length = 0;
  const ch = channel(await server.connect("/strict"));
  for (const [i, { name, args }] of refused.slice(0, 100).entries()) {
    const outcome = await send(ch, name, args);
    assert.ok(isErrorAck(outcome.ack), `refusal ${i}`);
  }
  assert.equal(ch.client.connected, true, "100 refusals are within the limit");
  assert.deepEqual(disconnects, []);

  const gone = nextEvent(ch.client, "disconnect");
  for (const { name, args } of refused.slice(100)) (ch.client as unknown as { emit(...a: unknown[]): void }).emit(name, ...args);
  await gone;
  while (disconnects.length === 0) await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(disconnects, [["/strict", "too many refused events"]]);
  assert.equal(ch.reports.length, 101, "the 101st refusal was reported before the session ended; nothing after it");
  assert.deepEqual(runs.filter((r) => r.namespace === "/strict"), []);
});

test("an event name that is neither a string nor a number is refused by socket.io's parser: that connection closes, no handler runs, and the server serves the next client", async () => {
  disconnects.length = 0;
  runs.length = 0;
  // Raw socket.io packets (engine.io adds the message type "4"): type 2 (event), namespace, ack id, JSON data.
  const names = ["{}", "[]", "null", "true", '{"toString": "echo"}', '["echo"]', '"disconnect"', '"connect"'];
  for (const [i, name] of names.entries()) {
    const client = await server.connect("/fuzz");
    const gone = nextEvent(client, "disconnect");
    client.io.engine.write(`2/fuzz,${i}[${name},${i},{"__proto__":{"polluted":1}}]`);
    await gone;
    while (disconnects.length === i) await new Promise((resolve) => setImmediate(resolve));
  }
  assert.equal(disconnects.length, names.length);
  assert.deepEqual(runs, [], "no handler ran");
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  const client = await server.connect("/fuzz");
  // The same raw encoding with a string name reaches the handler: the packets above were well formed.
  const echoed = nextEvent(client, "error");
  client.io.engine.write(`2/fuzz,99["nope",1]`);
  assert.deepEqual((await echoed)[0], { name: "UnknownEventError", message: 'unknown event "nope"', event: "nope" });
  assert.deepEqual(await client.emitWithAck("echo", 1, [2]), [1, [2]]);
  client.disconnect();
});

test("a report shows at most 32 characters of a long valid name whatever failed (an invalid payload, a failing handler), while onError gets the name in full", async () => {
  const client = await server.connect("/fuzz");
  const reports = errorReports(client);
  const calls = onError.calls.length;
  const validated = `validated${"_".repeat(MAX_NAME - 9)}`;
  const failing = `fail${".".repeat(MAX_NAME - 4)}`;
  const invalid = (await client.emitWithAck(validated, 1, { n: "one" })) as { error: { name: string; message: string } };
  assert.equal(invalid.error.name, "ValidationError");
  assert.equal(invalid.error.message, `invalid payload for event ${JSON.stringify(shown(validated))}: [1].n: Invalid input: expected number, received string`);
  assert.deepEqual(await client.emitWithAck(failing, 2), { error: { name: "InternalError", message: "internal error" } });
  assert.deepEqual(
    reports.map((r) => r.event),
    [`validated${"_".repeat(SHOWN - 9)}…`, `fail${".".repeat(SHOWN - 4)}…`],
  );
  assert.deepEqual(onError.calls.slice(calls).map(({ context }) => context.event), [failing]);
  client.disconnect();
});
