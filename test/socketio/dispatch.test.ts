// Dispatch: event names to handler methods, what is reachable and what never is, order, acks.
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { BaseNamespace, mount, type MountedApp } from "../../src/socketio/index.js";
import { handlerName } from "../../src/socketio/dispatch.js";
import { errorReports, recordOnError, signal, startServer, type TestServer } from "./harness.js";

test("handlerName joins the parts split on spaces, underscores and hyphens, each capitalised, after 'on'", () => {
  assert.equal(handlerName("start"), "onStart");
  assert.equal(handlerName("user message"), "onUserMessage");
  assert.equal(handlerName("user_message"), "onUserMessage");
  assert.equal(handlerName("user-message"), "onUserMessage");
  assert.equal(handlerName("userMessage"), "onUserMessage");
  assert.equal(handlerName("x y"), "onXY");
  assert.equal(handlerName("x_y"), "onXY");
  assert.equal(handlerName("x-y"), "onXY");
  assert.equal(handlerName("xY"), "onXY");
  assert.equal(handlerName("a__b- c"), "onABC");
  assert.equal(handlerName("chat:message"), "onChatMessage");
  assert.equal(handlerName("user.update"), "onUserUpdate");
  assert.equal(handlerName("a".repeat(128)), "onA" + "a".repeat(127));
  assert.equal(handlerName("v2 stats"), "onV2Stats");
});

test("handlerName refuses names that are not a letter followed by letters, digits, spaces, _, -, : or ., or are longer than 128 characters", () => {
  for (const name of ["", "1st", "__proto__", "_x", ".a", ":a", "a/b", "é", " a", "a\n", "toString()", "-x", "a".repeat(129)]) {
    assert.equal(handlerName(name), undefined, JSON.stringify(name));
  }
  for (const name of [1, null, undefined, {}, ["a"], Symbol("a")]) assert.equal(handlerName(name), undefined);
});

let server: TestServer;
let app: MountedApp;
const onError = recordOnError();
const calls: string[] = [];
let releaseSlow = signal();

class Base extends BaseNamespace {
  onInherited() {
    return "inherited";
  }
  onOverridden() {
    return "base";
  }
}

class Echo extends Base {
  field = "instance field";
  onField = () => "an instance field holding a function";

  onStart(n: number) {
    return `started ${n}`;
  }
  onUserMessage(text: string) {
    return `message: ${text}`;
  }
  onXY() {
    return "xy";
  }
  override onOverridden() {
    return "derived";
  }
  onNothing() {
    return undefined;
  }
  onMany(...args: unknown[]) {
    return args;
  }
  async onAsync(n: number) {
    await new Promise((resolve) => setImmediate(resolve));
    return n * 2;
  }
  async onSlow(tag: string) {
    calls.push(`slow ${tag} start`);
    await releaseSlow.promise;
    calls.push(`slow ${tag} end`);
    return tag;
  }
  onFast(tag: string) {
    calls.push(`fast ${tag}`);
    return tag;
  }
  get onGetter() {
    calls.push("getter ran");
    return () => "getter";
  }
  notAHandler() {
    return "unreachable";
  }
  ontoLowercase() {
    return "unreachable";
  }
}

before(async () => {
  server = await startServer();
  app = mount(server.io, { "/echo": Echo }, { onError: onError.onError });
});

after(async () => {
  await app.close();
  await server.close();
});

test("every spelling of an event reaches the same handler, and its return value is the ack", async () => {
  const client = await server.connect("/echo");
  assert.equal(await client.emitWithAck("start", 7), "started 7");
  for (const spelling of ["user message", "user_message", "user-message", "userMessage"]) {
    assert.equal(await client.emitWithAck(spelling, "hi"), "message: hi");
  }
  for (const spelling of ["x y", "x_y", "x-y", "xY"]) assert.equal(await client.emitWithAck(spelling), "xy");
  client.disconnect();
});

test("a handler returning undefined acks with no value; several arguments arrive as given", async () => {
  const client = await server.connect("/echo");
  const acked = await new Promise<unknown[]>((resolve) => client.emit("nothing", (...args: unknown[]) => resolve(args)));
  assert.deepEqual(acked, []);
  assert.deepEqual(await client.emitWithAck("many", 1, "two", { three: 3 }, [4]), [1, "two", { three: 3 }, [4]]);
  client.disconnect();
});

test("methods inherited from an intermediate class are reachable, and the most derived definition wins", async () => {
  const client = await server.connect("/echo");
  assert.equal(await client.emitWithAck("inherited"), "inherited");
  assert.equal(await client.emitWithAck("overridden"), "derived");
  client.disconnect();
});

test("async handlers ack with their resolved value", async () => {
  const client = await server.connect("/echo");
  assert.equal(await client.emitWithAck("async", 21), 42);
  client.disconnect();
});

test("constructor, __proto__, toString, base-class methods, instance fields, accessors and odd names never run anything", async () => {
  const client = await server.connect("/echo");
  const reports = errorReports(client);
  const unknown = [
    "constructor",
    "toString",
    "valueOf",
    "hasOwnProperty",
    "spawn",
    "emit",
    "initialize",
    "disconnected",
    "killAll",
    "join",
    "allow",
    "emitToRoom",
    "call",
    "field",
    "getter",
    "notAHandler",
    "to lowercase",
    "a handler",
  ];
  const invalid = ["__proto__", "__defineGetter__", "on/start", "start/x", "1start", "9", "_start", "start()", "on start!"];
  for (const name of unknown) {
    assert.deepEqual(await client.emitWithAck(name), { error: { name: "UnknownEventError", message: `unknown event ${JSON.stringify(name)}` } }, name);
  }
  for (const name of invalid) {
    const ack = (await client.emitWithAck(name)) as { error: { name: string } };
    assert.equal(ack.error.name, "InvalidEventNameError", name);
  }
  // "field" (an instance field) is unknown even though the instance has it; "onField" is a
  // field holding a function, equally unreachable.
  assert.deepEqual(await client.emitWithAck("onField"), { error: { name: "UnknownEventError", message: 'unknown event "onField"' } });
  assert.equal(reports.length, unknown.length + invalid.length + 1);
  assert.deepEqual(
    reports.map((r) => r.event),
    [...unknown, ...invalid, "onField"],
  );
  assert.ok(!calls.includes("getter ran"), "an accessor named like a handler was read");
  assert.equal(client.connected, true);
  assert.deepEqual(onError.calls, [], "the layer's own refusals do not go to onError");
  client.disconnect();
});

test("a non-string event name is an InvalidEventNameError whose event is the name as a string", async () => {
  const client = await server.connect("/echo");
  const reports = errorReports(client);
  const ack = await (client as unknown as { emitWithAck(event: unknown): Promise<unknown> }).emitWithAck(42);
  assert.deepEqual((ack as { error: { name: string } }).error.name, "InvalidEventNameError");
  assert.deepEqual(reports.map((r) => [r.name, r.event]), [["InvalidEventNameError", "42"]]);
  client.disconnect();
});

test("handlers start in arrival order; an async handler does not hold back the next event", async () => {
  calls.length = 0;
  releaseSlow = signal();
  const client = await server.connect("/echo");
  const slow = client.emitWithAck("slow", "a");
  const fast = client.emitWithAck("fast", "b");
  assert.equal(await fast, "b");
  assert.deepEqual(calls, ["slow a start", "fast b"]);
  releaseSlow.resolve();
  assert.equal(await slow, "a");
  assert.deepEqual(calls, ["slow a start", "fast b", "slow a end"]);
  client.disconnect();
});

test("events without an ack request run their handler all the same", async () => {
  calls.length = 0;
  const client = await server.connect("/echo");
  client.emit("fast", "no ack");
  assert.equal(await client.emitWithAck("fast", "with ack"), "with ack");
  assert.deepEqual(calls, ["fast no ack", "fast with ack"]);
  client.disconnect();
});
