// Per-event payload validation with Standard Schema (zod 4 here).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import type { StandardSchemaV1 } from "@standard-schema/spec";
import { BaseNamespace, mount, type MountedApp } from "../../src/socketio/index.js";
import { errorReports, recordOnError, signal, startServer, type TestServer } from "./harness.js";

const log: string[] = [];
let releaseCheck = signal();

const throwingSchema: StandardSchemaV1 = {
  "~standard": {
    version: 1,
    vendor: "test",
    validate: () => {
      throw new Error("schema bug");
    },
  },
};

const notAnArray: StandardSchemaV1 = {
  "~standard": { version: 1, vendor: "test", validate: (value) => ({ value: { wrapped: value } }) },
};

class Game extends BaseNamespace {
  static override schemas = {
    move: z.tuple([z.object({ x: z.number(), y: z.number() })]),
    "set name": z.tuple([z.string().min(1).transform((s) => s.toUpperCase())]),
    slowCheck: z.tuple([
      z.string().refine(async () => {
        await releaseCheck.promise;
        return true;
      }),
    ]),
    fast_check: z.tuple([z.string()]),
    broken: throwingSchema,
    wrapped: notAnArray,
  };
  onMove(to: { x: number; y: number }) {
    log.push(`move ${to.x},${to.y}`);
    return to.x + to.y;
  }
  onSetName(name: string) {
    log.push(`name ${name}`);
    return name;
  }
  onSlowCheck(tag: string) {
    log.push(`slow ${tag}`);
    return tag;
  }
  onFastCheck(tag: string) {
    log.push(`fast ${tag}`);
    return tag;
  }
  onBroken() {
    log.push("broken ran");
  }
  onWrapped() {
    log.push("wrapped ran");
  }
  onFree(...args: unknown[]) {
    return args.length;
  }
}

let server: TestServer;
let app: MountedApp;
const onError = recordOnError();

before(async () => {
  server = await startServer();
  app = mount(server.io, { "/game": Game }, { onError: onError.onError });
});

after(async () => {
  await app.close();
  await server.close();
});

test("a valid payload reaches the handler as the schema's output, spread; events without a schema are not checked", async () => {
  log.length = 0;
  const client = await server.connect("/game");
  assert.equal(await client.emitWithAck("move", { x: 2, y: 3 }), 5);
  assert.equal(await client.emitWithAck("setName", "ann"), "ANN", "schema keys are normalised like dispatch");
  assert.equal(await client.emitWithAck("free", 1, 2, 3), 3);
  assert.deepEqual(log, ["move 2,3", "name ANN"]);
  client.disconnect();
});

test("an invalid payload is a ValidationError naming the event and the first issue's path and message; the handler is not called", async () => {
  log.length = 0;
  const client = await server.connect("/game");
  const reports = errorReports(client);
  const message = 'invalid payload for event "move": [0].x: Invalid input: expected number, received string';
  assert.deepEqual(await client.emitWithAck("move", { x: "1", y: 2 }), { error: { name: "ValidationError", message } });
  assert.deepEqual(await client.emitWithAck("move", { x: 1, y: 2 }, "extra"), {
    error: { name: "ValidationError", message: 'invalid payload for event "move": Too big: expected array to have <=1 items' },
  });
  assert.deepEqual(reports[0], { name: "ValidationError", message, event: "move" });
  assert.deepEqual(log, []);
  assert.equal(client.connected, true);
  client.disconnect();
});

test("an asynchronous validation keeps arrival order: a later event with a faster schema does not overtake", async () => {
  log.length = 0;
  releaseCheck = signal();
  const arrived = signal();
  let arrivals = 0;
  const count = (): void => {
    if (++arrivals === 4) arrived.resolve();
  };
  server.io.of("/game").once("connection", (socket) => socket.onAny(count));
  const client = await server.connect("/game");
  const slow = client.emitWithAck("slowCheck", "first");
  const fast = client.emitWithAck("fast check", "second");
  const plain = client.emitWithAck("free", "third");
  const move = client.emitWithAck("move", { x: 0, y: 0 });
  await arrived.promise;
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(log, [], "everything waits behind the pending validation, checked or not");
  releaseCheck.resolve();
  assert.deepEqual(await Promise.all([slow, fast, plain, move]), ["first", "second", 1, 0]);
  assert.deepEqual(log, ["slow first", "fast second", "move 0,0"]);
  client.disconnect();
});

test("a schema that throws, or returns something other than an array, is a bug: InternalError to the client, the error to onError", async () => {
  log.length = 0;
  onError.calls.length = 0;
  const client = await server.connect("/game");
  const internal = { error: { name: "InternalError", message: "internal error" } };
  assert.deepEqual(await client.emitWithAck("broken"), internal);
  assert.deepEqual(await client.emitWithAck("wrapped", 1), internal);
  assert.deepEqual(log, []);
  assert.deepEqual(
    onError.calls.map(({ error, context }) => [(error as Error).message, context.kind, context.event]),
    [
      ["schema bug", "schema", "broken"],
      ['Game.schemas["wrapped"]: expected the validated output to be an array of arguments, got object', "schema", "wrapped"],
    ],
  );
  client.disconnect();
});

test("mount() refuses schemas that name no handler, are not Standard Schemas, or collide after normalisation", () => {
  class Typo extends BaseNamespace {
    static override schemas = { strat: z.tuple([]) };
    onStart() {}
  }
  class NotSchema extends BaseNamespace {
    static override schemas = { start: { parse() {} } as unknown as StandardSchemaV1 };
    onStart() {}
  }
  class Twice extends BaseNamespace {
    static override schemas = { "user message": z.tuple([]), userMessage: z.tuple([]) };
    onUserMessage() {}
  }
  assert.throws(() => mount(server.io, { "/typo": Typo }), {
    name: "TypeError",
    message: 'mount(): Typo.schemas["strat"] names no handler (expected a method onStrat)',
  });
  assert.throws(() => mount(server.io, { "/not-schema": NotSchema }), {
    name: "TypeError",
    message: 'mount(): expected NotSchema.schemas["start"] to be a Standard Schema, got an instance of Object (object)',
  });
  assert.throws(() => mount(server.io, { "/twice": Twice }), {
    name: "TypeError",
    message: "mount(): Twice.schemas has two keys for the event handled by onUserMessage()",
  });
});
