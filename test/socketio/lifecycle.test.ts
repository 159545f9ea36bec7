// One instance per session; initialize() before any handler; disconnected() once.
import { test } from "node:test";
import assert from "node:assert/strict";
import { sleep, type Greenlet, type GreenletExit } from "../../src/index.js";
import { BaseNamespace, ClientError, mount } from "../../src/socketio/index.js";
import { connected, errorReports, nextEvent, recordOnError, signal, startServer } from "./harness.js";

test("each session gets its own instance, with this.socket, this.data and this.name", async () => {
  const server = await startServer();
  class Counter extends BaseNamespace<{ user: string }> {
    count = 0;
    override initialize() {
      this.data.user = `user-${this.socket.handshake.auth.n as number}`;
    }
    onBump() {
      return ++this.count;
    }
    onWho() {
      return { id: this.socket.id, name: this.name, user: this.data.user, connected: this.connected };
    }
  }
  const app = mount(server.io, { "/counter": Counter });
  const a = await server.connect("/counter", { auth: { n: 1 } });
  const b = await server.connect("/counter", { auth: { n: 2 } });
  assert.equal(await a.emitWithAck("bump"), 1);
  assert.equal(await a.emitWithAck("bump"), 2);
  assert.equal(await b.emitWithAck("bump"), 1);
  assert.deepEqual(await a.emitWithAck("who"), { id: a.id, name: "/counter", user: "user-1", connected: true });
  assert.deepEqual(await b.emitWithAck("who"), { id: b.id, name: "/counter", user: "user-2", connected: true });
  await app.close();
  await server.close();
});

test("events that arrive while an async initialize() runs wait, then are dispatched in arrival order", async () => {
  const server = await startServer();
  const log: string[] = [];
  const initStarted = signal();
  const finishInit = signal();
  class Slow extends BaseNamespace {
    ready = false;
    override async initialize() {
      log.push("initialize start");
      initStarted.resolve();
      await finishInit.promise;
      this.ready = true;
      log.push("initialize end");
    }
    onStep(n: number) {
      log.push(`step ${n} ready=${this.ready}`);
      return n;
    }
    async onAsyncStep(n: number) {
      log.push(`async step ${n} ready=${this.ready}`);
      return n;
    }
  }
  const app = mount(server.io, { "/slow": Slow });
  // A listener of the test's own, registered after mount's: it sees each event arrive at the server.
  const arrived = signal();
  let arrivals = 0;
  server.io.of("/slow").on("connection", (socket) =>
    socket.onAny(() => {
      if (++arrivals === 4) arrived.resolve();
    }),
  );
  const client = await server.connect("/slow");
  await initStarted.promise;
  const acks = [client.emitWithAck("step", 1), client.emitWithAck("async step", 2), client.emitWithAck("step", 3)];
  client.emit("step", 4);
  await arrived.promise;
  await sleep(0);
  assert.deepEqual(log, ["initialize start"], "no handler ran before initialize() resolved");
  finishInit.resolve();
  assert.deepEqual(await Promise.all(acks), [1, 2, 3]);
  assert.deepEqual(log, [
    "initialize start",
    "initialize end",
    "step 1 ready=true",
    "async step 2 ready=true",
    "step 3 ready=true",
    "step 4 ready=true",
  ]);
  await app.close();
  await server.close();
});

test("an initialize() that throws: the client gets the masked report, then the session is disconnected, reaped and the hook runs", async () => {
  const server = await startServer();
  const onError = recordOnError();
  const hook = signal<string>();
  const log: string[] = [];
  class Broken extends BaseNamespace {
    override async initialize() {
      this.spawn(async (g) => {
        try {
          await sleep(60_000, { signal: g });
        } finally {
          log.push("greenlet finally");
        }
      });
      await sleep(0);
      throw new Error("no database");
    }
    onStep() {
      log.push("step ran");
    }
    override disconnected(reason: string) {
      log.push(`hook ${reason}`);
      hook.resolve(reason);
    }
  }
  const app = mount(server.io, { "/broken": Broken }, { onError: onError.onError, graceMs: 60_000 });
  const client = server.open("/broken");
  const reports = errorReports(client);
  const disconnected = nextEvent(client, "disconnect");
  await connected(client);
  client.emit("step");
  assert.equal((await disconnected)[0], "io server disconnect");
  assert.deepEqual(reports, [{ name: "InternalError", message: "internal error", event: "initialize" }]);
  assert.equal(await hook.promise, "server namespace disconnect");
  assert.deepEqual(log, ["greenlet finally", "hook server namespace disconnect"]);
  assert.deepEqual(
    onError.calls.map(({ error, context }) => [(error as Error).message, context.kind, context.event]),
    [["no database", "initialize", "initialize"]],
  );
  assert.deepEqual(app.stats(), { sessions: 0, greenlets: 0, reaped: 1, stragglers: 0 });
  await app.close();
  await server.close();
});

test("a synchronous initialize() throwing a ClientError reaches the client with its name, not onError", async () => {
  const server = await startServer();
  const onError = recordOnError();
  class Refuse extends BaseNamespace {
    override initialize() {
      throw new ClientError("come back later");
    }
  }
  const app = mount(server.io, { "/refuse": Refuse }, { onError: onError.onError });
  const client = server.open("/refuse");
  const reports = errorReports(client);
  const [reason] = await nextEvent(client, "disconnect");
  assert.equal(reason, "io server disconnect");
  assert.deepEqual(reports, [{ name: "ClientError", message: "come back later", event: "initialize" }]);
  assert.deepEqual(onError.calls, []);
  await app.close();
  await server.close();
});

test("a class whose constructor throws: the client is told and disconnected, greenlets spawned before the throw are reaped", async () => {
  const server = await startServer();
  const onError = recordOnError();
  let ran = false;
  let early!: Greenlet<unknown>;
  class Explodes extends BaseNamespace {
    early = (early = this.spawn(async () => {
      ran = true;
    }));
    field = (() => {
      throw new Error("bad field");
    })();
  }
  const app = mount(server.io, { "/x": Explodes }, { onError: onError.onError });
  const client = server.open("/x");
  const reports = errorReports(client);
  const [reason] = await nextEvent(client, "disconnect");
  assert.equal(reason, "io server disconnect");
  assert.deepEqual(reports, [{ name: "InternalError", message: "internal error", event: "initialize" }]);
  assert.deepEqual(onError.calls.map((c) => [(c.error as Error).message, c.context.kind]), [["bad field", "initialize"]]);
  await app.close();
  // Reaped in the same turn, before its scheduled start: it never ran.
  assert.equal(early.dead, true);
  assert.equal((early.value as GreenletExit).reason, "server namespace disconnect");
  assert.equal(ran, false);
  assert.deepEqual(app.stats(), { sessions: 0, greenlets: 0, reaped: 1, stragglers: 0 });
  await app.close();
  await server.close();
});

test("the disconnected hook runs once, is awaited, and a throwing one goes to onError", async () => {
  const server = await startServer();
  const onError = recordOnError();
  let hookCalls = 0;
  const hookEnd = signal();
  class Hooked extends BaseNamespace {
    override async disconnected() {
      hookCalls++;
      await sleep(0);
      hookEnd.resolve();
      throw new Error("hook failed");
    }
  }
  const app = mount(server.io, { "/h": Hooked }, { onError: onError.onError });
  const client = await server.connect("/h");
  client.disconnect();
  await app.close(); // waits for the hook
  assert.equal(hookEnd.done, true);
  assert.equal(hookCalls, 1);
  assert.deepEqual(onError.calls.map((c) => [(c.error as Error).message, c.context.kind]), [["hook failed", "disconnected"]]);
  await server.close();
  assert.equal(hookCalls, 1);
});

test("disconnected() waits for an initialize() still running, for at most graceMs", async () => {
  const server = await startServer();
  const onError = recordOnError();
  const log: string[] = [];
  const initStarted = signal();
  const hook = signal();
  let finishInit!: () => void;
  class Pending extends BaseNamespace {
    override async initialize() {
      initStarted.resolve();
      await new Promise<void>((resolve) => (finishInit = resolve));
      log.push("initialize end");
    }
    override disconnected() {
      log.push("hook");
      hook.resolve();
    }
  }
  const app = mount(server.io, { "/p": Pending }, { onError: onError.onError, graceMs: 60_000 });
  const serverSawDisconnect = signal();
  server.io.of("/p").on("connection", (socket) => socket.on("disconnect", () => serverSawDisconnect.resolve()));
  const client = await server.connect("/p");
  await initStarted.promise;
  client.disconnect();
  await serverSawDisconnect.promise;
  await sleep(0);
  assert.deepEqual(log, [], "the hook waits for initialize()");
  finishInit();
  await hook.promise;
  assert.deepEqual(log, ["initialize end", "hook"]);

  // An initialize() that outlives the grace period is reported, and the hook runs without it.
  const app2 = mount(server.io, { "/q": Pending }, { onError: onError.onError, graceMs: 10 });
  await server.connect("/q");
  await app2.close();
  assert.deepEqual(
    onError.calls.map((c) => [c.error instanceof Error ? c.error.name : c.error, c.context.kind]),
    [["StragglerError", "initialize"]],
  );
  assert.match((onError.calls[0]!.error as Error).message, /^initialize\(\) still running 10 ms after its session ended/);
  assert.deepEqual(log, ["initialize end", "hook", "hook"]);
  finishInit();
  await app.close();
  await server.close();
});

test("new BaseNamespace subclasses cannot be constructed outside mount()", () => {
  class Alone extends BaseNamespace {}
  assert.throws(() => new Alone(), { name: "TypeError", message: "new Alone(): namespace instances are created by mount(), one per session" });
});
