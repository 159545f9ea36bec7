// Failures: what the client sees (the "error" report and the failed ack), what onError gets,
// masking, and that nothing escapes to the process.
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import {
  BaseNamespace,
  ClientError,
  SessionClosedError,
  ValidationError,
  mount,
  type MountedApp,
} from "../../src/socketio/index.js";
import { z } from "zod";
import { errorReports, recordOnError, startServer, type TestServer } from "./harness.js";
import { captureStderr } from "../helpers.js";

const escaped: unknown[] = [];
const onUncaught = (error: unknown): void => void escaped.push(error);
const onUnhandled = (reason: unknown): void => void escaped.push(reason);

class RoomFullError extends ClientError {}

class Failing extends BaseNamespace {
  onSyncThrow() {
    throw new Error("database password is hunter2");
  }
  async onAsyncThrow() {
    await new Promise((resolve) => setImmediate(resolve));
    throw new Error("stack with internals");
  }
  onRejectNonError() {
    return Promise.reject("a bare string");
  }
  onClientFault() {
    throw new RoomFullError("room lobby is full");
  }
  onPlainClientError() {
    throw new ClientError("bad request");
  }
  onLayerError() {
    throw new ValidationError("x", "handler-made");
  }
  onUnencodable() {
    return 1n; // JSON has no BigInt
  }
  onOk() {
    return "still here";
  }
}

let server: TestServer;
let masked: MountedApp;
let exposed: MountedApp;
const maskedErrors = recordOnError();
const exposedErrors = recordOnError();

before(async () => {
  process.on("uncaughtException", onUncaught);
  process.on("unhandledRejection", onUnhandled);
  server = await startServer();
  masked = mount(server.io, { "/masked": Failing }, { onError: maskedErrors.onError });
  exposed = mount(server.io, { "/exposed": Failing }, { onError: exposedErrors.onError, exposeErrors: true });
});

after(async () => {
  await masked.close();
  await exposed.close();
  await server.close();
  process.off("uncaughtException", onUncaught);
  process.off("unhandledRejection", onUnhandled);
});

test("ClientError's name defaults to the subclass's name", () => {
  assert.equal(new ClientError("x").name, "ClientError");
  assert.equal(new RoomFullError("x").name, "RoomFullError");
  assert.equal(new SessionClosedError("transport close").reason, "transport close");
});

test("a throwing handler reaches the client as InternalError, in the report and the ack, and in full through onError", async () => {
  maskedErrors.calls.length = 0;
  const client = await server.connect("/masked");
  const reports = errorReports(client);
  assert.deepEqual(await client.emitWithAck("sync throw"), { error: { name: "InternalError", message: "internal error" } });
  assert.deepEqual(await client.emitWithAck("async_throw"), { error: { name: "InternalError", message: "internal error" } });
  assert.deepEqual(await client.emitWithAck("rejectNonError"), { error: { name: "InternalError", message: "internal error" } });
  assert.deepEqual(reports, [
    { name: "InternalError", message: "internal error", event: "sync throw" },
    { name: "InternalError", message: "internal error", event: "async_throw" },
    { name: "InternalError", message: "internal error", event: "rejectNonError" },
  ]);
  assert.deepEqual(
    maskedErrors.calls.map(({ error, context }) => [error instanceof Error ? error.message : error, context]),
    [
      ["database password is hunter2", { kind: "handler", namespace: "/masked", sessionId: client.id, event: "sync throw" }],
      ["stack with internals", { kind: "handler", namespace: "/masked", sessionId: client.id, event: "async_throw" }],
      ["a bare string", { kind: "handler", namespace: "/masked", sessionId: client.id, event: "rejectNonError" }],
    ],
  );
  assert.equal(await client.emitWithAck("ok"), "still here", "the session stays connected");
  assert.equal(client.connected, true);
  client.disconnect();
});

test("a ClientError (or subclass) reaches the client with its name and message, and not onError", async () => {
  maskedErrors.calls.length = 0;
  const client = await server.connect("/masked");
  const reports = errorReports(client);
  assert.deepEqual(await client.emitWithAck("client fault"), { error: { name: "RoomFullError", message: "room lobby is full" } });
  assert.deepEqual(await client.emitWithAck("plainClientError"), { error: { name: "ClientError", message: "bad request" } });
  assert.deepEqual(await client.emitWithAck("layerError"), {
    error: { name: "ValidationError", message: 'invalid payload for event "x": handler-made' },
  });
  assert.deepEqual(
    reports.map((r) => [r.name, r.event]),
    [
      ["RoomFullError", "client fault"],
      ["ClientError", "plainClientError"],
      ["ValidationError", "layerError"],
    ],
  );
  assert.deepEqual(maskedErrors.calls, []);
  client.disconnect();
});

test("with exposeErrors every handler error shows its name and message, and non-ClientErrors still go to onError", async () => {
  exposedErrors.calls.length = 0;
  const client = await server.connect("/exposed");
  assert.deepEqual(await client.emitWithAck("syncThrow"), { error: { name: "Error", message: "database password is hunter2" } });
  assert.deepEqual(await client.emitWithAck("rejectNonError"), { error: { name: "Error", message: "a bare string" } });
  assert.deepEqual(await client.emitWithAck("clientFault"), { error: { name: "RoomFullError", message: "room lobby is full" } });
  assert.deepEqual(
    exposedErrors.calls.map(({ context }) => context.event),
    ["syncThrow", "rejectNonError"],
  );
  client.disconnect();
});

test("an ack value socket.io cannot encode is the handler's failure: the ack settles with InternalError", async () => {
  maskedErrors.calls.length = 0;
  const client = await server.connect("/masked");
  assert.deepEqual(await client.emitWithAck("unencodable"), { error: { name: "InternalError", message: "internal error" } });
  assert.equal(maskedErrors.calls.length, 1);
  assert.equal(maskedErrors.calls[0]!.context.kind, "handler");
  assert.equal(await client.emitWithAck("ok"), "still here");
  client.disconnect();
});

test("an onError that throws is reported on stderr and never reaches the process", async () => {
  const server2 = await startServer();
  const app = mount(server2.io, { "/x": Failing }, {
    onError: () => {
      throw new Error("onError is broken");
    },
  });
  const written = await captureStderr(async () => {
    const client = await server2.connect("/x");
    assert.deepEqual(await client.emitWithAck("syncThrow"), { error: { name: "InternalError", message: "internal error" } });
  });
  assert.ok(written.some((line) => line.includes("onError is broken")));
  assert.ok(written.some((line) => line.includes("database password is hunter2")));
  await app.close();
  await server2.close();
});

test("every kind of refusal (invalid name, unknown, denied, invalid payload, rate limit) reports, acks and keeps the session", async () => {
  class Strict extends BaseNamespace {
    static override acl = ["move"];
    static override schemas = { move: z.tuple([z.number()]) };
    onMove(n: number) {
      return n;
    }
    onSecret() {}
  }
  const app = mount(server.io, { "/strict": Strict }, { rateLimit: { intervalCap: 2, interval: 60_000 } });
  const client = await server.connect("/strict");
  const reports = errorReports(client);
  const errorName = async (...args: unknown[]): Promise<unknown> => {
    const ack = (await (client.emitWithAck as (...a: unknown[]) => Promise<unknown>)(...args)) as { error?: { name: string } };
    return ack.error?.name ?? ack;
  };
  assert.equal(await errorName("bad/name"), "InvalidEventNameError");
  assert.equal(await errorName("nope"), "UnknownEventError");
  assert.equal(await errorName("secret"), "AccessDeniedError");
  assert.equal(await errorName("move", "x"), "ValidationError");
  assert.equal(await errorName("move", 1), 1);
  assert.equal(await errorName("move", 2), "RateLimitError");
  assert.deepEqual(
    reports.map((r) => [r.name, r.event]),
    [
      ["InvalidEventNameError", "bad/name"],
      ["UnknownEventError", "nope"],
      ["AccessDeniedError", "secret"],
      ["ValidationError", "move"],
      ["RateLimitError", "move"],
    ],
  );
  assert.equal(client.connected, true);
  client.disconnect();
  await app.close();
});

test("none of the failures above escaped as an uncaughtException or unhandledRejection", async () => {
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(escaped, []);
});
