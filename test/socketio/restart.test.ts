// Graceful restarts: app.close({ reconnect: true }) drops each client's transport the way a dying
// server does, so socket.io-client reconnects by itself to the next server on the same port; and
// app.spawn(): greenlets owned by the app, reaped by close().
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { Server } from "socket.io";
import { GreenletExit, sleep, type Greenlet } from "../../src/index.js";
import { BaseNamespace, SHUTTING_DOWN, StragglerError, mount, type MountedApp } from "../../src/socketio/index.js";
import { connected, nextEvent, recordOnError, signal, startServer } from "./harness.js";

/** A client that reconnects by itself, quickly and without jitter. */
const reconnecting = { reconnection: true, reconnectionDelay: 20, reconnectionDelayMax: 50, randomizationFactor: 0 };

/** A socket.io server on a given port of 127.0.0.1: the "next process" serving the same URL. */
async function serverOn(port: number): Promise<Server> {
  const http = createServer();
  const io = new Server(http, { transports: ["websocket"] });
  await new Promise<void>((resolve) => http.listen(port, "127.0.0.1", resolve));
  return io;
}

const portOf = (url: string) => Number(new URL(url).port);

/** Parks greenlets that log the reason of their kill; the hook logs its reason. */
function worker(log: string[], server: string) {
  return class Worker extends BaseNamespace {
    onStart() {
      this.spawn(async (g) => {
        try {
          await sleep(60_000, { signal: g });
        } catch (error) {
          log.push(`greenlet killed: ${String((error as GreenletExit).reason)}`);
        }
      });
      return server;
    }
    onWhere() {
      return server;
    }
    override disconnected(reason: string) {
      log.push(`hook ${reason}`);
    }
  };
}

test("close({ reconnect: true }): the client sees 'transport close', the session is reaped with 'server shutting down', and the client reconnects by itself to the next server on the port", async () => {
  const first = await startServer();
  const log: string[] = [];
  const app = mount(first.io, { "/w": worker(log, "first") }, { graceMs: 60_000 });
  const client = first.open("/w", reconnecting);
  await connected(client);
  assert.equal(await client.emitWithAck("start"), "first");
  const firstId = client.id;

  const heard = nextEvent(client, "disconnect");
  await app.close({ reconnect: true });
  assert.deepEqual(log, ["greenlet killed: server shutting down", "hook server shutting down"]);
  assert.deepEqual(app.stats(), { sessions: 0, greenlets: 0, reaped: 1, stragglers: 0 });
  assert.equal((await heard)[0], "transport close");
  assert.equal(client.active, true, "the client keeps trying to reconnect");

  await first.io.close();
  const second = await serverOn(portOf(first.url));
  const secondApp = mount(second, { "/w": worker([], "second") });
  await nextEvent(client, "connect");
  assert.notEqual(client.id, firstId);
  assert.equal(await client.emitWithAck("where"), "second");
  assert.equal(secondApp.stats().sessions, 1);
  client.disconnect();
  await secondApp.close();
  await second.close();
});

test("close() without reconnect: the client hears 'io server disconnect' and gives up, as before", async () => {
  const server = await startServer();
  const log: string[] = [];
  const app = mount(server.io, { "/w": worker(log, "only") });
  const client = server.open("/w", reconnecting);
  await connected(client);
  await client.emitWithAck("start");
  const heard = nextEvent(client, "disconnect");
  await app.close();
  assert.equal((await heard)[0], "io server disconnect");
  assert.equal(client.active, false, "socket.io-client does not reconnect after a server disconnect");
  assert.deepEqual(log, ["greenlet killed: server shutting down", "hook server shutting down"]);
  await server.close();
});

test("while an app closes with reconnect, a new connection gets no connect_error: its transport is closed, it retries, and it lands on the next server", async () => {
  const first = await startServer();
  let attempts = 0;
  const retried = signal();
  // Registered before mount(), so it runs before the app's middleware: it sees every attempt.
  first.io.of("/w").use((_socket, next) => {
    if (++attempts === 3) retried.resolve();
    next();
  });
  const hookEntered = signal();
  const releaseHook = signal();
  class Slow extends BaseNamespace {
    override async disconnected() {
      hookEntered.resolve();
      await releaseHook.promise;
    }
  }
  const app = mount(first.io, { "/w": Slow });
  const old = await first.connect("/w");
  const closed = app.close({ reconnect: true });
  await hookEntered.promise;

  const connectErrors: string[] = [];
  const late = first.open("/w", reconnecting);
  late.on("connect_error", (error) => connectErrors.push(error.message));
  await retried.promise;
  assert.equal(attempts, 3, "the old client once, the late one twice: it was turned away and came back");
  assert.equal(late.connected, false);
  assert.equal(late.active, true);
  assert.deepEqual(connectErrors.filter((message) => message === SHUTTING_DOWN), []);
  assert.equal(app.stats().sessions, 0, "the late connection got no session");

  releaseHook.resolve();
  await closed;
  assert.equal(old.connected, false);
  await first.io.close();
  const second = await serverOn(portOf(first.url));
  const secondApp = mount(second, { "/w": worker([], "second") });
  await connected(late);
  assert.equal(await late.emitWithAck("where"), "second");
  assert.deepEqual(connectErrors.filter((message) => message === SHUTTING_DOWN), []);
  late.disconnect();
  await secondApp.close();
  await second.close();
});

test("close({ reconnect: true }) on a multiplexed connection: every session on it ends with 'server shutting down', and a namespace the app did not mount loses its socket too", async () => {
  const server = await startServer();
  const log: string[] = [];
  const app = mount(server.io, { "/a": worker(log, "a"), "/b": worker(log, "b") });
  const plainReason = signal<string>();
  server.io.of("/plain").on("connection", (socket) => socket.on("disconnect", (reason) => plainReason.resolve(reason)));
  const manager = server.manager(reconnecting);
  const sockets = ["/a", "/b", "/plain"].map((nsp) => manager.socket(nsp).connect());
  await Promise.all(sockets.map((socket) => connected(socket)));
  await Promise.all([sockets[0]!.emitWithAck("start"), sockets[1]!.emitWithAck("start")]);
  const heard = sockets.map((socket) => nextEvent(socket, "disconnect"));
  await app.close({ reconnect: true });
  assert.deepEqual(
    log.sort(),
    ["greenlet killed: server shutting down", "greenlet killed: server shutting down", "hook server shutting down", "hook server shutting down"],
  );
  assert.deepEqual((await Promise.all(heard)).map(([reason]) => reason), ["transport close", "transport close", "transport close"]);
  assert.equal(await plainReason.promise, "forced close");
  manager.reconnection(false);
  await server.close();
});

test("close() checks reconnect, and a second call returns the first call's promise whatever its options", async () => {
  const server = await startServer();
  const app = mount(server.io, { "/w": worker([], "w") });
  assert.throws(() => app.close({ reconnect: "yes" as never }), {
    name: "TypeError",
    message: 'MountedApp.close(): expected options.reconnect to be a boolean, got "yes" (string)',
  });
  const first = app.close({ reconnect: true });
  assert.equal(app.close(), first);
  assert.equal(app.close({ reconnect: false, graceMs: 0 }), first);
  assert.throws(() => app.close({ reconnect: 1 as never }), { name: "TypeError" });
  await first;
  await server.close();
});

test("app.spawn runs fn(g, ...args) in a greenlet of the app, counted in stats() and app.greenlets, killed by close() with 'server shutting down' once the sessions are done", async () => {
  const server = await startServer();
  const log: string[] = [];
  const ref = {} as { app: MountedApp };
  class Session extends BaseNamespace {
    override disconnected(reason: string) {
      log.push(`hook ${reason}, app greenlets=${ref.app.greenlets.size}`);
    }
  }
  const app = (ref.app = mount(server.io, { "/s": Session }, { graceMs: 60_000 }));
  const started = signal<string>();
  const producer = app.spawn(async (g, topic: string, every: number) => {
    started.resolve(`${topic} every ${every} ms, own greenlet=${String(g === producer)}`);
    try {
      await sleep(60_000, { signal: g });
    } finally {
      log.push(`producer ends: ${String((g.signal.reason as GreenletExit).reason)}`);
    }
  }, "feed", 100);
  assert.equal(await started.promise, "feed every 100 ms, own greenlet=true");
  assert.deepEqual([...app.greenlets], [producer]);
  assert.deepEqual(app.stats(), { sessions: 0, greenlets: 1, reaped: 0, stragglers: 0 });
  await server.connect("/s");
  await app.close();
  assert.deepEqual(log, ["hook server shutting down, app greenlets=1", "producer ends: server shutting down"]);
  assert.equal(producer.dead, true);
  assert.ok(producer.value instanceof GreenletExit);
  assert.equal(app.greenlets.size, 0);
  assert.deepEqual(app.stats(), { sessions: 0, greenlets: 0, reaped: 1, stragglers: 0 });
  await server.close();
});

test("an app greenlet's failure nobody observes goes to onError with kind 'greenlet' and no namespace or session; an observed one does not", async () => {
  const server = await startServer();
  const onError = recordOnError();
  const app = mount(server.io, { "/s": worker([], "s") }, { onError: onError.onError });
  const observed = app.spawn(async () => {
    throw new Error("handled");
  });
  await assert.rejects(observed.get(), { message: "handled" });
  const failed = app.spawn(async () => {
    throw new Error("producer crashed");
  });
  await failed.join();
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(
    onError.calls.map(({ error, context }) => [(error as Error).message, context]),
    [["producer crashed", { kind: "greenlet", greenlet: failed }]],
  );
  await app.close();
  await server.close();
});

test("an app greenlet still running graceMs after close() is a straggler: reported once, counted, no longer live", async () => {
  const server = await startServer();
  const onError = recordOnError();
  const app = mount(server.io, { "/s": worker([], "s") }, { graceMs: 0, onError: onError.onError });
  const release = signal();
  const stubborn = app.spawn(async () => {
    await release.promise; // not a switch point: the kill cannot land here
  });
  stubborn.name = "stubborn-producer";
  await sleep(0);
  await app.close();
  assert.deepEqual(app.stats(), { sessions: 0, greenlets: 0, reaped: 1, stragglers: 1 });
  assert.equal(app.greenlets.size, 0);
  assert.equal(onError.calls.length, 1);
  const { error, context } = onError.calls[0]!;
  assert.ok(error instanceof StragglerError);
  assert.equal(error.message, "greenlet stubborn-producer still running 0 ms after the app closed (server shutting down); it ignores its signal");
  assert.deepEqual(context, { kind: "straggler", greenlet: stubborn });
  release.resolve();
  await stubborn.join();
  assert.deepEqual(app.stats(), { sessions: 0, greenlets: 0, reaped: 1, stragglers: 1 }, "a straggler's end is not counted twice");
  await server.close();
});

test("app.spawn once close() was called returns a dead greenlet whose function never runs; a non-function is a TypeError", async () => {
  const server = await startServer();
  const app = mount(server.io, { "/s": worker([], "s") });
  assert.throws(() => app.spawn(1 as never), { name: "TypeError", message: "MountedApp.spawn(): expected fn to be a function, got 1 (number)" });
  const closed = app.close();
  let ran = false;
  const late: Greenlet<void> = app.spawn(() => {
    ran = true;
  });
  assert.equal(late.dead, true);
  assert.ok(late.value instanceof GreenletExit);
  assert.equal((late.value as GreenletExit).reason, SHUTTING_DOWN);
  await closed;
  await sleep(0);
  assert.equal(ran, false);
  assert.deepEqual(app.stats(), { sessions: 0, greenlets: 0, reaped: 0, stragglers: 0 });
  await server.close();
});
