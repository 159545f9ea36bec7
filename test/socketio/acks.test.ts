// Acks with several arguments, both ways: a handler answers with ack(a, b, c); call() resolves
// with the client's first ack argument, or with { all: true } with every one of them.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { AckValues, BaseNamespace, ack, mount, type MountedApp } from "../../src/socketio/index.js";
import { startServer, type TestServer } from "./harness.js";

let server: TestServer;
let app: MountedApp;
const instances: Answers[] = [];

class Answers extends BaseNamespace {
  override initialize() {
    instances.push(this);
  }
  onThree() {
    return ack(1, "two", [3]);
  }
  async onLater() {
    await new Promise((resolve) => setImmediate(resolve));
    return ack("later", null);
  }
  onArray() {
    return [1, "two", [3]];
  }
  onNone() {
    return ack();
  }
  onOne() {
    return ack(undefined);
  }
  async onAsk(all: boolean) {
    return await this.call("question", ["how many?"], { all });
  }
}

before(async () => {
  server = await startServer();
  app = mount(server.io, { "/acks": Answers });
});

after(async () => {
  await app.close();
  await server.close();
});

/** Emits `event` and resolves with every argument of its ack. */
function ackArgs(client: ReturnType<TestServer["open"]>, event: string): Promise<unknown[]> {
  return new Promise((resolve) => client.emit(event, (...args: unknown[]) => resolve(args)));
}

test("a handler that returns ack(a, b, c) acks with three arguments, also after awaiting", async () => {
  const client = await server.connect("/acks");
  assert.deepEqual(await ackArgs(client, "three"), [1, "two", [3]]);
  assert.deepEqual(await ackArgs(client, "later"), ["later", null]);
  client.disconnect();
});

test("a handler that returns a plain array acks with that one array", async () => {
  const client = await server.connect("/acks");
  assert.deepEqual(await ackArgs(client, "array"), [[1, "two", [3]]]);
  client.disconnect();
});

test("ack() acks with no argument; ack(undefined) with one (null on the wire)", async () => {
  const client = await server.connect("/acks");
  assert.deepEqual(await ackArgs(client, "none"), []);
  assert.deepEqual(await ackArgs(client, "one"), [null]);
  client.disconnect();
});

test("ack() makes a frozen AckValues holding its arguments", () => {
  const reply = ack(1, "two");
  assert.ok(reply instanceof AckValues);
  assert.deepEqual(reply.values, [1, "two"]);
  assert.ok(Object.isFrozen(reply) && Object.isFrozen(reply.values));
});

test("call() resolves with the client's first ack argument by default, with every one of them with { all: true }", async () => {
  const client = await server.connect("/acks");
  client.on("question", (question: string, answer: (...args: unknown[]) => void) => answer(3, "three", { asked: question }));
  assert.equal(await client.emitWithAck("ask", false), 3);
  assert.deepEqual(await client.emitWithAck("ask", true), [3, "three", { asked: "how many?" }]);
  client.disconnect();
});

test("call({ all: true }) resolves with an empty array when the client acks with no argument", async () => {
  const client = await server.connect("/acks");
  client.on("question", (_question: string, answer: () => void) => answer());
  assert.deepEqual(await client.emitWithAck("ask", true), []);
  assert.equal(await client.emitWithAck("ask", false), undefined);
  client.disconnect();
});

test("call() with an `all` that is not a boolean is a TypeError at the call", async () => {
  const client = await server.connect("/acks");
  const instance = instances.at(-1)!;
  assert.throws(() => instance.call("question", [], { all: "yes" as never }), {
    name: "TypeError",
    message: 'BaseNamespace.call(): expected all to be a boolean or undefined, got "yes" (string)',
  });
  client.disconnect();
});
