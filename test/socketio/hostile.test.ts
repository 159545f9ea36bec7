// What a hostile or careless client can do to a server, and what it cannot: pin memory with long
// event names, crash the process through an error report, flood the session's queues, hold a
// concurrency slot forever, starve the other clients, or be refused without end.
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join, resolve } from "node:path";
import type { StandardSchemaV1 } from "@standard-schema/spec";
import { BaseNamespace, TOO_MANY_REFUSALS, mount } from "../../src/socketio/index.js";
import { VirtualClock } from "../../src/testing/index.js";
import { errorReports, nextEvent, recordOnError, signal, startServer, appsToClose, type TestServer } from "./harness.js";

const root = resolve(import.meta.dirname, "../..");

function runFixture(name: string, execArgv: string[] = []): Record<string, unknown> {
  const result = spawnSync(process.execPath, [...execArgv, "--import", "tsx", join("test", "fixtures", name)], {
    cwd: root,
    encoding: "utf8",
    timeout: 100_000,
  });
  assert.equal(result.signal, null, `${name} did not exit on its own (killed by ${result.signal})\n${result.stderr}`);
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout.trim().split("\n").at(-1)!) as Record<string, unknown>;
}

test("1,024 distinct unknown event names of 300 kB each leave the heap within 10% and are refused unread, never echoed", { timeout: 120_000 }, () => {
  const report = runFixture("socketio-long-names.ts", ["--expose-gc"]) as {
    heapBefore: number;
    heapAfter: number;
    firstAck: unknown;
    firstReport: { name: string; message: string; event: string };
    reports: number;
    cached: { entries: number; chars: number };
  };
  const growth = (report.heapAfter - report.heapBefore) / report.heapBefore;
  assert.ok(growth <= 0.1, `heap grew by ${(growth * 100).toFixed(1)}% (${report.heapBefore} → ${report.heapAfter} bytes)`);
  const message = "invalid event name: 300000 characters, expected at most 128";
  assert.deepEqual(report.firstAck, { error: { name: "InvalidEventNameError", message } });
  assert.deepEqual(report.firstReport, { name: "InvalidEventNameError", message, event: `naaaaaa0${"x".repeat(24)}…` });
  assert.equal(report.reports, 1024);
  // Only "ping", which reaches a handler, is remembered.
  assert.deepEqual(report.cached, { entries: 1, chars: 4 });
});

test("with exposeErrors, handlers that rethrow client objects whose String() throws are reported, never crash the process", { timeout: 60_000 }, () => {
  // The fixture runs under Node's default --unhandled-rejections=throw: one stray rejection would exit 1.
  const report = runFixture("socketio-hostile-error.ts") as { acks: unknown[]; operator: string[] };
  const shown = { error: { name: "Error", message: "[object Object]" } };
  assert.deepEqual(report.acks, [...Array<unknown>(9).fill(shown), "still here"]);
  assert.deepEqual(report.operator, [
    ...Array<string>(3).fill("handler syncThrow"),
    ...Array<string>(3).fill("handler asyncThrow"),
    ...Array<string>(3).fill("handler asyncReject"),
  ]);
});

let server: TestServer;
const { mounted, closeAll } = appsToClose();

before(async () => {
  server = await startServer();
});

after(async () => {
  await closeAll();
  await server.close();
});

const errorName = (ack: unknown): unknown => (ack as { error?: { name: string } }).error?.name ?? ack;

test("a client refused more than refusalLimit.intervalCap times within the window is disconnected with reason \"too many refused events\"", async () => {
  const ended = signal<string>();
  class Guarded extends BaseNamespace {
    onPing() {
      return "pong";
    }
    override disconnected(reason: string) {
      ended.resolve(reason);
    }
  }
  mounted(mount(server.io, { "/guarded": Guarded }, { refusalLimit: { intervalCap: 5, interval: 60_000 } }));
  const client = await server.connect("/guarded");
  const reports = errorReports(client);
  const gone = nextEvent(client, "disconnect");
  for (let i = 0; i < 5; i++) assert.equal(errorName(await client.emitWithAck(`nope${i}`)), "UnknownEventError");
  assert.equal(await client.emitWithAck("ping"), "pong"); // served events do not count
  client.emit("nope5"); // the sixth refusal: reported, then the connection is closed
  assert.equal((await gone)[0], "io server disconnect");
  assert.equal(await ended.promise, TOO_MANY_REFUSALS);
  assert.deepEqual(reports.map((r) => r.event), ["nope0", "nope1", "nope2", "nope3", "nope4", "nope5"]);
});

test("refusalLimit: false never disconnects, and refusalLimit is checked at mount()", async () => {
  class Lenient extends BaseNamespace {}
  mounted(mount(server.io, { "/lenient": Lenient }, { refusalLimit: false }));
  const client = await server.connect("/lenient");
  for (let i = 0; i < 150; i++) client.emit(`nope${i}`);
  assert.equal(errorName(await client.emitWithAck("last")), "UnknownEventError");
  assert.equal(client.connected, true);
  class Other extends BaseNamespace {}
  assert.throws(() => mount(server.io, { "/bad-refusals": Other }, { refusalLimit: { intervalCap: 0, interval: 10 } }), {
    name: "RangeError",
    message: "mount(): expected options.refusalLimit.intervalCap to be an integer ≥ 1, got 0 (number)",
  });
  assert.throws(() => mount(server.io, { "/bad-refusals": Other }, { refusalLimit: true as unknown as false }), {
    name: "TypeError",
    message: "mount(): expected options.refusalLimit to be an object { intervalCap, interval }, got true (boolean)",
  });
});

test("under concurrency: 1 at most maxQueued events wait for the slot; the rest are refused with BacklogFullError, none dropped silently", async () => {
  const release = signal();
  const ran: number[] = [];
  class Serial extends BaseNamespace {
    async onWork(n: number) {
      ran.push(n);
      if (n === 0) await release.promise;
      return n;
    }
  }
  mounted(mount(server.io, { "/serial-bounded": Serial }, { concurrency: 1, maxQueued: 3, refusalLimit: false }));
  const client = await server.connect("/serial-bounded");
  const acks = Array.from({ length: 6 }, (_, n) => client.emitWithAck("work", n));
  // 0 runs, 1-3 wait, 4 and 5 are refused at once.
  assert.deepEqual(await acks[4], { error: { name: "BacklogFullError", message: 'event "work" refused: the session already has 3 events waiting' } });
  assert.equal(errorName(await acks[5]), "BacklogFullError");
  assert.deepEqual(ran, [0]);
  release.resolve();
  assert.deepEqual(await Promise.all(acks.slice(0, 4)), [0, 1, 2, 3]);
  assert.deepEqual(ran, [0, 1, 2, 3]);
});

test("while an async initialize() runs, at most maxQueued events wait for it; later ones are refused, the held ones run in order after it", async () => {
  const ready = signal();
  const ran: number[] = [];
  class Slow extends BaseNamespace {
    override async initialize() {
      await ready.promise;
    }
    onWork(n: number) {
      ran.push(n);
      return n;
    }
  }
  mounted(mount(server.io, { "/slow-init": Slow }, { maxQueued: 2, refusalLimit: false }));
  const client = await server.connect("/slow-init");
  const acks = Array.from({ length: 4 }, (_, n) => client.emitWithAck("work", n));
  assert.equal(errorName(await acks[2]), "BacklogFullError");
  assert.equal(errorName(await acks[3]), "BacklogFullError");
  ready.resolve();
  assert.deepEqual(await Promise.all(acks.slice(0, 2)), [0, 1]);
  assert.deepEqual(ran, [0, 1]);
});

test("a handler that never settles under concurrency: 1 is timed out after handlerTimeout: its ack fails, onError hears, the next event runs", async () => {
  const errors = recordOnError();
  const ran: string[] = [];
  class Hanging extends BaseNamespace {
    onHang() {
      ran.push("hang");
      return new Promise(() => {});
    }
    onNext() {
      ran.push("next");
      return "next ran";
    }
  }
  mounted(mount(server.io, { "/hanging": Hanging }, { concurrency: 1, handlerTimeout: 50, onError: errors.onError }));
  const client = await server.connect("/hanging");
  const hung = client.emitWithAck("hang");
  const next = client.emitWithAck("next");
  assert.deepEqual(await hung, { error: { name: "HandlerTimeoutError", message: 'the handler of event "hang" did not settle within 50 ms' } });
  assert.equal(await next, "next ran");
  assert.deepEqual(ran, ["hang", "next"]);
  assert.deepEqual(
    errors.calls.map(({ error, context }) => [(error as Error).name, context.kind, context.event]),
    [["HandlerTimeoutError", "handler", "hang"]],
  );
});

test("one client flooding events cannot starve another: the other's event is served while most of the flood still waits", async () => {
  const order: string[] = [];
  const firstFlood = signal();
  class Shared extends BaseNamespace {
    onFlood(n: number) {
      order.push(`flood ${n}`);
      if (n === 0) firstFlood.resolve();
    }
    onQuiet() {
      order.push("quiet");
      return "served";
    }
  }
  const FLOOD = 3000;
  mounted(mount(server.io, { "/shared": Shared }, { maxQueued: FLOOD, eventsPerTurn: 16 }));
  const flooder = await server.connect("/shared");
  const quiet = await server.connect("/shared");
  const lastFlood = new Promise((resolve) => {
    for (let n = 0; n < FLOOD; n++) flooder.emit("flood", n, n === FLOOD - 1 ? resolve : undefined);
  });
  await firstFlood.promise;
  assert.equal(await quiet.emitWithAck("quiet"), "served");
  const served = order.indexOf("quiet");
  const waiting = FLOOD - served;
  assert.ok(waiting > FLOOD / 2, `the quiet client was served after ${served} flood events (${waiting} still waiting)`);
  await lastFlood;
  assert.equal(order.length, FLOOD + 1);
  // The flood itself kept its order.
  assert.deepEqual(order.filter((e) => e !== "quiet"), Array.from({ length: FLOOD }, (_, n) => `flood ${n}`));
});

test("maxQueued, eventsPerTurn and handlerTimeout are checked at mount()", () => {
  class Any extends BaseNamespace {}
  const cases: [Record<string, unknown>, string, string][] = [
    [{ maxQueued: -1 }, "RangeError", "mount(): expected options.maxQueued to be an integer ≥ 0 or Infinity, got -1 (number)"],
    [{ eventsPerTurn: 0 }, "RangeError", "mount(): expected options.eventsPerTurn to be an integer ≥ 1 or Infinity, got 0 (number)"],
    [{ handlerTimeout: 0 }, "RangeError", "mount(): expected options.handlerTimeout to be a number of milliseconds > 0 or Infinity, got 0 (number)"],
    [{ handlerTimeout: "1s" }, "TypeError", 'mount(): expected options.handlerTimeout to be a finite number of milliseconds ≥ 0, got "1s" (string)'],
  ];
  for (const [options, name, message] of cases) assert.throws(() => mount(server.io, { "/never": Any }, options), { name, message });
});


test("events waiting behind an unsettled async validation count against maxQueued: beyond it they are refused, and the rest run in order", async () => {
  const gate = signal();
  const ran: string[] = [];
  const slow: StandardSchemaV1 = {
    "~standard": {
      version: 1,
      vendor: "test",
      validate: async (value) => {
        await gate.promise;
        return { value: value as unknown[] };
      },
    },
  };
  class Gated extends BaseNamespace {
    static override schemas = { slow };
    onSlow() {
      ran.push("slow");
    }
    onPing(n: number) {
      ran.push(`ping ${n}`);
      return n;
    }
  }
  mounted(mount(server.io, { "/gated": Gated }, { maxQueued: 3, refusalLimit: false }));
  const client = await server.connect("/gated");
  const slowAck = client.emitWithAck("slow");
  const pings = Array.from({ length: 6 }, (_, n) => client.emitWithAck("ping", n));
  // "slow" waits for its schema; pings 0 and 1 wait behind it (3 waiting), 2-5 are refused.
  for (const ack of pings.slice(2)) assert.equal(errorName(await ack), "BacklogFullError");
  assert.deepEqual(ran, []);
  gate.resolve();
  await slowAck;
  assert.deepEqual(await Promise.all(pings.slice(0, 2)), [0, 1]);
  assert.deepEqual(ran, ["slow", "ping 0", "ping 1"]);
});

test("an async schema that resolves to no result, or a handler under concurrency whose value's then getter throws, is a reported bug, never an unhandled rejection", async () => {
  const errors = recordOnError();
  const broken: StandardSchemaV1 = {
    "~standard": { version: 1, vendor: "test", validate: async () => undefined as unknown as StandardSchemaV1.Result<unknown> },
  };
  class Buggy extends BaseNamespace {
    static override schemas = { broken };
    onBroken() {
      return "never";
    }
    onHostile() {
      return {
        get then() {
          throw new Error("hostile then");
        },
      };
    }
    onOk() {
      return "ok";
    }
  }
  mounted(mount(server.io, { "/buggy": Buggy }, { concurrency: 1, onError: errors.onError }));
  const client = await server.connect("/buggy");
  assert.deepEqual(await client.emitWithAck("broken"), { error: { name: "InternalError", message: "internal error" } });
  assert.deepEqual(await client.emitWithAck("hostile"), { error: { name: "InternalError", message: "internal error" } });
  assert.equal(await client.emitWithAck("ok"), "ok");
  assert.deepEqual(
    errors.calls.map(({ error, context }) => [context.kind, context.event, (error as Error).message]),
    [
      ["schema", "broken", "Buggy.schemas[\"broken\"]: expected a Standard Schema result, got undefined"],
      ["handler", "hostile", "hostile then"],
    ],
  );
});

test("a handler's timeout timer ends with its session: no HandlerTimeoutError after close, no timer left behind", async () => {
  const clock = new VirtualClock().install();
  try {
    const errors = recordOnError();
    const started = signal();
    class Hanging extends BaseNamespace {
      onHang() {
        started.resolve();
        return new Promise(() => {});
      }
    }
    const app = mount(server.io, { "/hanging-close": Hanging }, { concurrency: 1, handlerTimeout: 60_000, onError: errors.onError });
    const client = await server.connect("/hanging-close");
    client.emit("hang");
    await started.promise;
    assert.equal(clock.pendingTimers, 1, "the handler's timeout timer");
    await app.close();
    assert.equal(clock.pendingTimers, 0, "close() cleared it");
    await clock.advance(120_000);
    assert.deepEqual(errors.calls, []);
  } finally {
    clock.uninstall();
  }
});

test("close({ reconnect: true }) of one app does not cut off a connection that also carries another app's namespace", async () => {
  class Closing extends BaseNamespace {}
  class Staying extends BaseNamespace {
    onPing() {
      return "pong";
    }
  }
  const closing = mount(server.io, { "/closing": Closing });
  mounted(mount(server.io, { "/staying": Staying }));
  const manager = server.manager({ reconnection: true, reconnectionDelay: 10, reconnectionDelayMax: 10 });
  const staying = manager.socket("/staying");
  const gone = manager.socket("/closing");
  await Promise.all([nextEvent(staying, "connect"), nextEvent(gone, "connect")]);
  let stayingDrops = 0;
  staying.on("disconnect", () => stayingDrops++);
  // The app closes for a restart: its own session ends by closing the transport, which the
  // staying namespace rides on too; after the reconnect, the closing namespace's retries are
  // refused with a connect_error instead of closing the connection again.
  const refused = nextEvent(gone, "connect_error");
  await closing.close({ reconnect: true });
  const [error] = (await refused) as [Error];
  assert.equal(error.message, "server shutting down");
  if (!staying.connected) await nextEvent(staying, "connect");
  assert.equal(await staying.emitWithAck("ping"), "pong");
  assert.ok(stayingDrops <= 1, `the staying namespace dropped ${stayingDrops} times`);
  // Disconnecting both sockets closes the manager for good (no reconnect after the server closes).
  staying.disconnect();
  gone.disconnect();
});
