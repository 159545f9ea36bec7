// socket.io's own conventions: event names with ":" and ".", exact names mapped by a class's
// `static events`, an `onAny` catch-all that still goes through the ACL, schemas and rate limits,
// settings per class and per event, and stats per namespace.
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { sleep } from "../../src/index.js";
import { BaseNamespace, mount } from "../../src/socketio/index.js";
import { errorReports, signal, startServer, appsToClose, type TestServer } from "./harness.js";

let server: TestServer;
const { mounted, closeAll } = appsToClose();

before(async () => {
  server = await startServer();
});

after(async () => {
  await closeAll();
  await server.close();
});

const errorOf = (ack: unknown): unknown => (ack as { error?: unknown }).error ?? ack;

test('"chat:message" and "user.update" reach onChatMessage and onUserUpdate; ACL entries and schema keys use the same spelling', async () => {
  class Chat extends BaseNamespace {
    static override acl = ["chat:message", "user.update"];
    static override schemas = { "user.update": z.tuple([z.object({ name: z.string() })]) };
    onChatMessage(text: string) {
      return `message ${text}`;
    }
    onUserUpdate(user: { name: string }) {
      return `user ${user.name}`;
    }
    onSecretThing() {
      return "secret";
    }
  }
  mounted(mount(server.io, { "/colon": Chat }));
  const client = await server.connect("/colon");
  assert.equal(await client.emitWithAck("chat:message", "hi"), "message hi");
  assert.equal(await client.emitWithAck("chat.message", "hi"), "message hi");
  assert.equal(await client.emitWithAck("user.update", { name: "ada" }), "user ada");
  assert.equal((errorOf(await client.emitWithAck("user:update", { name: 1 })) as { name: string }).name, "ValidationError");
  assert.deepEqual(errorOf(await client.emitWithAck("secret:thing")), { name: "AccessDeniedError", message: 'event "secret:thing" is not allowed' });
});

test("static events maps exact names to on… methods; other names follow the rule; mount() refuses a table naming anything else", async () => {
  class Legacy extends BaseNamespace {
    static override events = { "chat/message": "onMessage", "$ping": "onMessage" };
    static override acl = ["chat/message", "message"];
    onMessage(text: string) {
      return `got ${text}`;
    }
    helper() {
      return "never reachable";
    }
  }
  mounted(mount(server.io, { "/legacy": Legacy }));
  const client = await server.connect("/legacy");
  assert.equal(await client.emitWithAck("chat/message", "a"), "got a");
  assert.equal(await client.emitWithAck("$ping", "b"), "got b"); // the ACL entry "message" is onMessage too
  assert.equal(await client.emitWithAck("message", "c"), "got c");
  assert.equal((errorOf(await client.emitWithAck("chat/other")) as { name: string }).name, "InvalidEventNameError");

  const bad = (events: unknown): (() => unknown) => () => {
    class Bad extends BaseNamespace {
      static override events = events as Record<string, string>;
      onOk() {}
      helper() {}
    }
    return mount(server.io, { "/never": Bad });
  };
  assert.throws(bad({ x: "helper" }), { name: "TypeError", message: 'mount(): expected Bad.events["x"] to name an on… handler method of Bad, got "helper" (string)' });
  assert.throws(bad({ x: "constructor" }), { name: "TypeError" });
  assert.throws(bad({ x: "onMissing" }), { name: "TypeError" });
  assert.throws(bad({ x: 1 }), { name: "TypeError" });
  assert.throws(bad({ ["a".repeat(129)]: "onOk" }), { name: "TypeError" });
  assert.throws(bad(["onOk"]), { name: "TypeError", message: "mount(): expected Bad.events to be an object mapping event names to handler method names, got an array of length 1 (object)" });
});

test("onAny receives every valid event no handler answers, after the ACL, the rate limit and a schema keyed by that event", async () => {
  const seen: unknown[][] = [];
  class Catcher extends BaseNamespace {
    static override acl = ["known", "anything", "typed", "limited"];
    static override schemas = { typed: z.tuple([z.number()]) };
    static override rateLimits = { limited: { intervalCap: 1, interval: 60_000 } };
    onKnown() {
      return "known handler";
    }
    onAny(event: string, ...args: unknown[]) {
      seen.push([event, ...args]);
      return `any ${event}`;
    }
  }
  mounted(mount(server.io, { "/any": Catcher }, { refusalLimit: false }));
  const client = await server.connect("/any");
  assert.equal(await client.emitWithAck("known"), "known handler");
  assert.equal(await client.emitWithAck("anything", 1, "two"), "any anything");
  assert.equal(await client.emitWithAck("typed", 3), "any typed");
  assert.equal((errorOf(await client.emitWithAck("typed", "x")) as { name: string }).name, "ValidationError");
  assert.equal((errorOf(await client.emitWithAck("other")) as { name: string }).name, "AccessDeniedError");
  assert.equal((errorOf(await client.emitWithAck("any")) as { name: string }).name, "AccessDeniedError"); // "any" is an event like another
  assert.equal((errorOf(await client.emitWithAck("bad/name")) as { name: string }).name, "InvalidEventNameError");
  assert.equal(await client.emitWithAck("limited"), "any limited");
  assert.equal((errorOf(await client.emitWithAck("limited")) as { name: string }).name, "RateLimitError");
  assert.deepEqual(seen, [["anything", 1, "two"], ["typed", 3], ["limited"]]);
});

test("static rateLimits limit one event per session; other events keep their own budget", async () => {
  class Limited extends BaseNamespace {
    static override rateLimits = { "chat:message": { intervalCap: 2, interval: 60_000 } };
    onChatMessage() {
      return "sent";
    }
    onPing() {
      return "pong";
    }
  }
  mounted(mount(server.io, { "/per-event": Limited }));
  const a = await server.connect("/per-event");
  const b = await server.connect("/per-event");
  const reports = errorReports(a);
  assert.equal(await a.emitWithAck("chat message"), "sent");
  assert.equal(await a.emitWithAck("chat:message"), "sent");
  assert.deepEqual(errorOf(await a.emitWithAck("chat.message")), {
    name: "RateLimitError",
    message: 'rate limit exceeded for event "chat.message" (at most 2 events per 60000 ms)',
  });
  for (let i = 0; i < 5; i++) assert.equal(await a.emitWithAck("ping"), "pong");
  assert.equal(await b.emitWithAck("chat:message"), "sent"); // per session
  assert.deepEqual(reports.map((r) => r.event), ["chat.message"]);
});

test("static graceMs, concurrency, rateLimit, handlerTimeout and maxQueued override mount()'s for that class only", async () => {
  const release = signal();
  class Strict extends BaseNamespace {
    static override concurrency = 1;
    static override maxQueued = 1;
    static override rateLimit = { intervalCap: 4, interval: 60_000 };
    async onWork(n: number) {
      if (n === 0) await release.promise;
      return n;
    }
  }
  class Loose extends BaseNamespace {
    async onWork(n: number) {
      if (n === 0) await release.promise;
      return n;
    }
  }
  mounted(mount(server.io, { "/strict": Strict, "/loose": Loose }, { concurrency: 100, maxQueued: 100 }));
  const strict = await server.connect("/strict");
  const loose = await server.connect("/loose");
  const strictAcks = [0, 1, 2, 3, 4].map((n) => strict.emitWithAck("work", n));
  const looseAcks = [0, 1, 2].map((n) => loose.emitWithAck("work", n));
  // Strict: 0 runs, 1 waits, 2 and 3 are refused (backlog), 4 is over the rate limit.
  assert.equal((errorOf(await strictAcks[2]) as { name: string }).name, "BacklogFullError");
  assert.equal((errorOf(await strictAcks[3]) as { name: string }).name, "BacklogFullError");
  assert.equal((errorOf(await strictAcks[4]) as { name: string }).name, "RateLimitError");
  // Loose: 1 and 2 ran beside the blocked 0.
  assert.deepEqual(await Promise.all(looseAcks.slice(1)), [1, 2]);
  release.resolve();
  assert.deepEqual(await Promise.all([strictAcks[0], strictAcks[1], looseAcks[0]]), [0, 1, 0]);

  class Bad extends BaseNamespace {
    static override graceMs = -1;
  }
  assert.throws(() => mount(server.io, { "/never": Bad }), { name: "RangeError", message: "mount(): expected Bad.graceMs to be a finite number of milliseconds ≥ 0, got -1 (number)" });
  class BadLimit extends BaseNamespace {
    static override rateLimits = { "bad/name": { intervalCap: 1, interval: 1 } };
  }
  assert.throws(() => mount(server.io, { "/never": BadLimit }), { name: "TypeError" });
});

test("static graceMs sets how long that class's greenlets get after their kill", async () => {
  const straggled = signal<string>();
  class Stubborn extends BaseNamespace {
    static override graceMs = 20;
    onStart() {
      const g = this.spawn(async () => {
        await sleep(200); // ignores its kill
      });
      g.name = "stubborn";
    }
  }
  mounted(mount(server.io, { "/stubborn": Stubborn }, { graceMs: 60_000, onError: (error, context) => straggled.resolve(`${context.kind} ${(error as Error).name}`) }));
  const client = await server.connect("/stubborn");
  await client.emitWithAck("start");
  client.disconnect();
  assert.equal(await straggled.promise, "straggler StragglerError");
});

test("stats(path) gives one mounted namespace's counts and namespaceStats() all of them; stats() stays the app's totals", async () => {
  const started = signal();
  class Jobs extends BaseNamespace {
    onStart() {
      this.spawn(async (g) => {
        started.resolve();
        await sleep(60_000, { signal: g });
      });
    }
  }
  class Idle extends BaseNamespace {}
  const app = mounted(mount(server.io, [["/stats-jobs", Jobs], ["/stats-idle", Idle], [/^\/stats-dyn-\d+$/, Idle]]));
  const jobs = await server.connect("/stats-jobs");
  await server.connect("/stats-idle");
  await server.connect("/stats-dyn-1");
  await server.connect("/stats-dyn-2");
  await jobs.emitWithAck("start");
  await started.promise;
  assert.deepEqual(app.stats(), { sessions: 4, greenlets: 1, reaped: 0, stragglers: 0 });
  assert.deepEqual(app.stats("/stats-jobs"), { sessions: 1, greenlets: 1, reaped: 0, stragglers: 0 });
  assert.deepEqual(app.stats(/^\/stats-dyn-\d+$/), { sessions: 2, greenlets: 0, reaped: 0, stragglers: 0 });
  assert.deepEqual(app.namespaceStats(), {
    "/stats-jobs": { sessions: 1, greenlets: 1, reaped: 0, stragglers: 0 },
    "/stats-idle": { sessions: 1, greenlets: 0, reaped: 0, stragglers: 0 },
    "/^\\/stats-dyn-\\d+$/": { sessions: 2, greenlets: 0, reaped: 0, stragglers: 0 },
  });
  assert.throws(() => app.stats("/elsewhere"), {
    name: "TypeError",
    message: 'MountedApp.stats(): expected namespace to be a path this app mounted (/stats-jobs, /stats-idle, /^\\/stats-dyn-\\d+$/), got "/elsewhere" (string)',
  });
});
