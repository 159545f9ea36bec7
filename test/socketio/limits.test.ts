// Per-session handler concurrency and rate limits (through p-queue), and the order of the checks.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { sleep } from "../../src/index.js";
import { BaseNamespace, mount, type MountedApp } from "../../src/socketio/index.js";
import { signal, startServer, type TestServer } from "./harness.js";
import { withVirtualClock } from "../helpers.js";

const log: string[] = [];
type Gate = ReturnType<typeof signal<void>>;
const gates = new Map<string, Gate>();
const hooks = new Map<string, Gate>();

function gate(tag: string): Gate {
  let g = gates.get(tag);
  if (g === undefined) gates.set(tag, (g = signal()));
  return g;
}

class Worker extends BaseNamespace {
  static override acl = ["work", "wait", "move", "ping"];
  static override schemas = { move: z.tuple([z.number()]) };
  async onWait(tag: string) {
    log.push(`${tag} start`);
    await gate(tag).promise;
    log.push(`${tag} end`);
    return tag;
  }
  onWork(tag: string) {
    log.push(`work ${tag}`);
    return tag;
  }
  onMove(n: number) {
    log.push(`move ${n}`);
    return n;
  }
  onPing() {
    return "pong";
  }
  onSecret() {
    log.push("secret ran");
  }
  override disconnected() {
    hooks.get(this.socket.id)?.resolve();
  }
}

let server: TestServer;
let serial: MountedApp;
let limited: MountedApp;
const INTERVAL = 80;

before(async () => {
  server = await startServer();
  serial = mount(server.io, { "/serial": Worker }, { concurrency: 1 });
  limited = mount(server.io, { "/limited": Worker }, { rateLimit: { intervalCap: 3, interval: INTERVAL } });
});

after(async () => {
  await serial.close();
  await limited.close();
  await server.close();
});

test("concurrency: 1 runs one handler at a time per session, the rest in arrival order", async () => {
  log.length = 0;
  gates.clear();
  const client = await server.connect("/serial");
  const other = await server.connect("/serial");
  const a = client.emitWithAck("wait", "a");
  const b = client.emitWithAck("wait", "b");
  const c = client.emitWithAck("work", "c");
  // Another session has its own slot.
  assert.equal(await other.emitWithAck("work", "other"), "other");
  assert.deepEqual(log, ["a start", "work other"]);
  gate("a").resolve();
  assert.equal(await a, "a");
  await sleep(0);
  assert.deepEqual(log, ["a start", "work other", "a end", "b start"]);
  gate("b").resolve();
  assert.deepEqual(await Promise.all([b, c]), ["b", "c"]);
  assert.deepEqual(log, ["a start", "work other", "a end", "b start", "b end", "work c"]);
  client.disconnect();
  other.disconnect();
});

test("events still queued by concurrency when the session closes are dropped", async () => {
  log.length = 0;
  gates.clear();
  const arrived = signal();
  let arrivals = 0;
  server.io.of("/serial").once("connection", (socket) =>
    socket.onAny(() => {
      if (++arrivals === 3) arrived.resolve();
    }),
  );
  const client = await server.connect("/serial");
  const hook = signal();
  hooks.set(client.id!, hook);
  client.emit("wait", "x");
  client.emit("work", "queued 1");
  client.emit("work", "queued 2");
  await arrived.promise;
  client.disconnect();
  await hook.promise;
  assert.deepEqual(log, ["x start"]);
  gate("x").resolve();
  await sleep(0);
  assert.deepEqual(log, ["x start", "x end"], "the queued events never ran");
});

test("rateLimit: events over intervalCap are refused with RateLimitError and not dispatched; the budget recovers with the window", async () => {
  log.length = 0;
  const client = await server.connect("/limited");
  const acks = await Promise.all(["1", "2", "3", "4", "5"].map((tag) => client.emitWithAck("work", tag)));
  const refused = {
    error: { name: "RateLimitError", message: `rate limit exceeded for event "work" (at most 3 events per ${INTERVAL} ms)` },
  };
  assert.deepEqual(acks, ["1", "2", "3", refused, refused]);
  assert.deepEqual(log, ["work 1", "work 2", "work 3"]);
  // The window began at the first event, before the refusals; once a whole interval has passed
  // since them it has ended, whatever the scheduling.
  await sleep(INTERVAL + 20);
  assert.equal(await client.emitWithAck("work", "6"), "6");
  assert.deepEqual(log, ["work 1", "work 2", "work 3", "work 6"]);
  client.disconnect();
});

test("checks run in order: name, handler, ACL, rate limit, validation; only events past the ACL use budget", async () => {
  log.length = 0;
  const client = await server.connect("/limited");
  const name = (ack: unknown) => (ack as { error?: { name: string } }).error?.name ?? ack;
  // Refused before the rate limit: they use no budget.
  assert.equal(name(await client.emitWithAck("bad/name")), "InvalidEventNameError");
  assert.equal(name(await client.emitWithAck("missing")), "UnknownEventError");
  assert.equal(name(await client.emitWithAck("secret")), "AccessDeniedError");
  assert.equal(name(await client.emitWithAck("secret")), "AccessDeniedError");
  // Past the ACL: uses budget even though the payload then fails validation.
  assert.equal(name(await client.emitWithAck("move", "not a number")), "ValidationError");
  assert.equal(await client.emitWithAck("move", 1), 1);
  assert.equal(await client.emitWithAck("ping"), "pong");
  // Budget spent: the rate limit answers before validation, the ACL before the rate limit.
  assert.equal(name(await client.emitWithAck("move", "not a number")), "RateLimitError");
  assert.equal(name(await client.emitWithAck("move", 2)), "RateLimitError");
  assert.equal(name(await client.emitWithAck("secret")), "AccessDeniedError");
  assert.equal(name(await client.emitWithAck("missing")), "UnknownEventError");
  assert.deepEqual(log, ["move 1"]);
  client.disconnect();
});

test("each session has its own rate budget", async () => {
  const a = await server.connect("/limited");
  const b = await server.connect("/limited");
  for (let i = 0; i < 3; i++) assert.equal(await a.emitWithAck("ping"), "pong");
  assert.equal(((await a.emitWithAck("ping")) as { error: { name: string } }).error.name, "RateLimitError");
  assert.equal(await b.emitWithAck("ping"), "pong");
  a.disconnect();
  b.disconnect();
});

test("mount() validates concurrency and rateLimit", () => {
  assert.throws(() => mount(server.io, { "/c0": Worker }, { concurrency: 0 }), {
    name: "RangeError",
    message: "mount(): expected options.concurrency to be an integer ≥ 1 or Infinity, got 0 (number)",
  });
  assert.throws(() => mount(server.io, { "/c1": Worker }, { rateLimit: { intervalCap: 0, interval: 10 } }), {
    name: "RangeError",
    message: "mount(): expected options.rateLimit.intervalCap to be an integer ≥ 1, got 0 (number)",
  });
  assert.throws(() => mount(server.io, { "/c2": Worker }, { rateLimit: { intervalCap: 1, interval: 0 } }), {
    name: "RangeError",
    message: "mount(): expected options.rateLimit.interval to be a finite number of milliseconds > 0, got 0 (number)",
  });
  assert.throws(() => mount(server.io, { "/c3": Worker }, { rateLimit: 5 as unknown as { intervalCap: number; interval: number } }), {
    name: "TypeError",
  });
});

test("rate-limit windows run on the library clock: under a VirtualClock a 60 s window recovers when the clock advances, with no real waiting", async () => {
  class Clocked extends BaseNamespace {
    static override acl = ["ping", "burst"];
    static override rateLimits = { burst: { intervalCap: 1, interval: 120_000 } };
    onPing() {
      return "pong";
    }
    onBurst() {
      return "burst";
    }
  }
  const name = (ack: unknown) => (ack as { error?: { name: string } }).error?.name ?? ack;
  await withVirtualClock(async (clock) => {
    const app = mount(server.io, { "/clocked": Clocked }, { rateLimit: { intervalCap: 2, interval: 60_000 } });
    const client = await server.connect("/clocked");
    try {
      assert.equal(await client.emitWithAck("ping"), "pong");
      assert.equal(await client.emitWithAck("burst"), "burst");
      assert.equal(name(await client.emitWithAck("ping")), "RateLimitError", "the session-wide window is spent");
      await clock.advance(59_999);
      assert.equal(name(await client.emitWithAck("ping")), "RateLimitError", "one virtual ms before the window ends");
      await clock.advance(1);
      assert.equal(await client.emitWithAck("ping"), "pong", "the session-wide window recovered");
      assert.equal(name(await client.emitWithAck("burst")), "RateLimitError", "the per-event 120 s window has not");
      await clock.advance(120_000);
      assert.equal(await client.emitWithAck("burst"), "burst");
    } finally {
      client.disconnect();
      await app.close();
    }
  });
});
