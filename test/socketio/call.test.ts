// Talking to the client: emit (a no-op once closed) and call (an emit that waits for the ack,
// and gives up on its timeout, on abort, or when the session closes).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { GreenletExit, TimeoutError, sleep } from "../../src/index.js";
import { BaseNamespace, SessionClosedError, mount, type MountedApp } from "../../src/socketio/index.js";
import { signal, startServer, type TestServer } from "./harness.js";

let server: TestServer;
let app: MountedApp;
let instances: BaseNamespace[] = [];
const outcome = { value: signal<unknown>() };

class Caller extends BaseNamespace {
  override initialize() {
    instances.push(this);
  }
  async onAsk(question: string, timeout?: number) {
    return await this.call("confirm", [question, 2], { timeout });
  }
  onEmit() {
    return this.emit("note", "hello");
  }
}

before(async () => {
  server = await startServer();
  app = mount(server.io, { "/call": Caller }, { graceMs: 1000 });
});

after(async () => {
  await app.close();
  await server.close();
});

/** Runs `body` and resolves the outcome with its value or its error. */
function settle(body: Promise<unknown>): void {
  body.then(
    (value) => outcome.value.resolve({ value }),
    (error: unknown) => outcome.value.resolve({ error }),
  );
}

test("emit sends to this client and returns true while the session is open", async () => {
  const client = await server.connect("/call");
  const note = new Promise((resolve) => client.once("note", resolve));
  assert.equal(await client.emitWithAck("emit"), true);
  assert.equal(await note, "hello");
  client.disconnect();
});

test("call resolves with the client's first ack argument, the args spread", async () => {
  const client = await server.connect("/call");
  client.on("confirm", (question: string, n: number, ack: (...args: unknown[]) => void) => ack(`${question} x${n}: yes`, "ignored"));
  assert.equal(await client.emitWithAck("ask", "sure?"), "sure? x2: yes");
  client.disconnect();
});

test("call rejects with TimeoutError on its own timeout", async () => {
  instances = [];
  const client = await server.connect("/call");
  let asked = 0;
  client.on("confirm", () => asked++);
  outcome.value = signal();
  settle(instances[0]!.call("confirm", ["late?"], { timeout: 15 }));
  const { error } = (await outcome.value.promise) as { error: TimeoutError };
  assert.ok(error instanceof TimeoutError);
  assert.equal(error.ms, 15);
  assert.equal(error.message, 'BaseNamespace.call(): no ack for "confirm" within 15 ms');
  assert.equal(asked, 1);
  client.disconnect();
});

test("call rejects with signal.reason, unchanged, when its signal aborts; at once and without asking when already aborted", async () => {
  instances = [];
  const client = await server.connect("/call");
  let asked = 0;
  client.on("confirm", () => asked++);
  const instance = instances[0]!;
  const controller = new AbortController();
  const reason = { why: "user cancelled" };
  outcome.value = signal();
  settle(instance.call("confirm", [], { signal: controller.signal, timeout: 60_000 }));
  await sleep(0);
  controller.abort(reason);
  assert.deepEqual(await outcome.value.promise, { error: reason });
  assert.equal(((await outcome.value.promise) as { error: unknown }).error, reason);

  outcome.value = signal();
  settle(instance.call("confirm", [], { signal: controller.signal }));
  assert.equal(((await outcome.value.promise) as { error: unknown }).error, reason);
  // A round trip after both: the client saw the first call only.
  assert.equal(await client.emitWithAck("emit"), true);
  assert.equal(asked, 1);
  client.disconnect();
});

test("call inside a session greenlet, given the greenlet as signal, rejects with the GreenletExit when the greenlet is killed", async () => {
  instances = [];
  const client = await server.connect("/call");
  client.on("confirm", () => {});
  const instance = instances[0]!;
  outcome.value = signal();
  const g = instance.spawn(async (g) => {
    try {
      await instance.call("confirm", [], { signal: g });
    } catch (error) {
      outcome.value.resolve({ error });
    }
  });
  await sleep(0);
  await instance.killAll();
  const { error } = (await outcome.value.promise) as { error: unknown };
  assert.ok(error instanceof GreenletExit);
  assert.equal(g.dead, true);
  assert.equal(g.signal.reason, error);
  client.disconnect();
});

test("a pending call rejects at once with SessionClosedError carrying the reason when the session closes", async () => {
  instances = [];
  const client = await server.connect("/call");
  const asked = new Promise((resolve) => client.on("confirm", resolve));
  const instance = instances[0]!;
  outcome.value = signal();
  settle(instance.call("confirm", ["never answered"], { timeout: 60_000 }));
  await asked;
  client.disconnect();
  const { error } = (await outcome.value.promise) as { error: SessionClosedError };
  assert.ok(error instanceof SessionClosedError);
  assert.equal(error.reason, "client namespace disconnect");
  assert.equal(error.message, "the session closed (client namespace disconnect)");

  outcome.value = signal();
  settle(instance.call("confirm", []));
  const late = (await outcome.value.promise) as { error: SessionClosedError };
  assert.ok(late.error instanceof SessionClosedError, "a call on a closed session rejects at once");
  assert.equal(late.error.reason, "client namespace disconnect");
});

test("a session greenlet waiting in call({ signal: g }) when the session closes ends cleanly with the disconnect's GreenletExit", async () => {
  instances = [];
  const client = await server.connect("/call");
  const asked = new Promise((resolve) => client.on("confirm", resolve));
  const instance = instances[0]!;
  const g = instance.spawn(async (self) => instance.call("confirm", ["never answered"], { signal: self }));
  await asked;
  client.disconnect();
  await g.join();
  assert.equal(g.successful(), true, "a reaped greenlet is not a failure");
  assert.ok(g.value instanceof GreenletExit);
  assert.equal(g.value.reason, "client namespace disconnect");
});

test("call validates its arguments at the call", async () => {
  instances = [];
  const client = await server.connect("/call");
  const instance = instances[0]!;
  assert.throws(() => instance.call(42 as unknown as string), { name: "TypeError", message: "BaseNamespace.call(): expected event to be a string, got 42 (number)" });
  assert.throws(() => instance.call("x", "no" as unknown as unknown[]), { name: "TypeError", message: 'BaseNamespace.call(): expected args to be an array, got "no" (string)' });
  assert.throws(() => instance.call("x", [], { timeout: -1 }), { name: "RangeError" });
  assert.throws(() => instance.call("x", [], { signal: {} as AbortSignal }), { name: "TypeError" });
  assert.throws(() => instance.call("connect", []), /reserved event name/);
  client.disconnect();
});
