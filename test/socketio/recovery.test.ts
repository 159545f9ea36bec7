// Sessions across socket.io's connection-state recovery: a connection that drops and is recovered
// within the window gets its session back (same instance, same greenlets); past the window the
// session is reaped once with "recovery expired"; a clean disconnect ends it at once, as without
// recovery.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Server, type Socket } from "socket.io";
import { GreenletExit, sleep, type Greenlet } from "../../src/index.js";
import { BaseNamespace, SessionClosedError, mount } from "../../src/socketio/index.js";
import { connected, nextEvent, signal, startServer, type ClientSocket, type TestServer } from "./harness.js";

function recoveryServer(maxDisconnectionDuration: number): Promise<TestServer> {
  return startServer({ connectionStateRecovery: { maxDisconnectionDuration } });
}

/** The server-side sockets of `nsp`, in connection order (seen after mount's own listener). */
function serverSockets(server: TestServer, nsp: string): { all: Socket[]; next(): Promise<Socket> } {
  const all: Socket[] = [];
  const waiting: ((socket: Socket) => void)[] = [];
  server.io.of(nsp).on("connection", (socket: Socket) => {
    all.push(socket);
    waiting.shift()?.(socket);
  });
  return { all, next: () => new Promise((resolve) => waiting.push(resolve)) };
}

/**
 * socket.io recovers only a client that holds an offset, which comes with a broadcast; a direct
 * emit carries none. So every test first sends the client one broadcast.
 */
async function giveOffset(server: TestServer, nsp: string, client: ClientSocket): Promise<void> {
  const heard = nextEvent(client, "tick");
  server.io.of(nsp).emit("tick");
  await heard;
}

/** Kills the client's websocket without a closing handshake: the server sees "transport close". */
function dropTransport(client: ClientSocket): void {
  (client.io.engine as unknown as { transport: { ws: { terminate(): void } } }).transport.ws.terminate();
}

/** Drops `client`'s connection and resolves once both ends have noticed, with the server's reason. */
async function drop(client: ClientSocket, serverSocket: Socket, how: () => void = () => dropTransport(client)): Promise<string> {
  const serverSide = nextEvent(serverSocket, "disconnect");
  const clientSide = nextEvent(client, "disconnect");
  how();
  const [reason] = await serverSide;
  assert.equal((await clientSide)[0], "transport close");
  return reason as string;
}

test("a session whose transport dropped and that socket.io recovers within the window keeps its instance, greenlets, ACL and rooms", async () => {
  const server = await recoveryServer(60_000);
  const instances: Keeper[] = [];
  const ended: string[] = [];
  class Keeper extends BaseNamespace {
    static override acl = ["setup", "who", "bump"];
    worker: Greenlet<void> | undefined;
    count = 0;
    override initialize() {
      instances.push(this);
      this.deny("bump");
    }
    async onSetup() {
      this.allow("bump");
      this.worker = this.spawn(async (g) => {
        await sleep(3_600_000, { signal: g });
      });
      await this.join("lobby");
      return "ready";
    }
    onBump() {
      return ++this.count;
    }
    onSecret() {
      return "leaked";
    }
    onWho() {
      return { count: this.count, connected: this.connected, rooms: [...this.socket.rooms].sort() };
    }
    override disconnected(reason: string) {
      ended.push(reason);
    }
  }
  const app = mount(server.io, { "/keep": Keeper });
  const sockets = serverSockets(server, "/keep");
  const client = await server.connect("/keep");
  assert.equal(await client.emitWithAck("setup"), "ready");
  assert.equal(await client.emitWithAck("bump"), 1);
  await giveOffset(server, "/keep", client);
  const first = sockets.all[0]!;
  const instance = instances[0]!;
  const worker = instance.worker!;

  assert.equal(await drop(client, first), "transport close");
  assert.deepEqual(app.stats(), { sessions: 1, greenlets: 1, reaped: 0, stragglers: 0, detached: 1 });
  assert.equal(instance.connected, false);
  assert.equal(instance.socket, first);
  assert.equal(instance.emit("lost"), false);
  assert.equal(worker.dead, false);
  assert.equal(instance.join("later"), undefined); // applied once the connection is back
  server.io.of("/keep").to("lobby").emit("news", "while away"); // socket.io replays it on recovery

  const news = nextEvent(client, "news");
  const reconnected = sockets.next();
  client.connect();
  const second = await reconnected;
  await connected(client);
  assert.equal(second.recovered, true);
  assert.equal(client.recovered, true);
  assert.equal(second.id, first.id);
  assert.notEqual(second, first);
  assert.equal((await news)[0], "while away"); // then socket.io's offset

  assert.equal(instances.length, 1);
  assert.equal(instance.socket, second);
  assert.equal(instance.connected, true);
  assert.deepEqual(await client.emitWithAck("who"), { count: 1, connected: true, rooms: [first.id, "later", "lobby"].sort() });
  assert.equal(await client.emitWithAck("bump"), 2);
  assert.deepEqual(await client.emitWithAck("secret"), { error: { name: "AccessDeniedError", message: 'event "secret" is not allowed' } });
  assert.equal(instance.worker, worker);
  assert.equal(worker.dead, false);
  assert.deepEqual([...instance.greenlets], [worker]);
  assert.deepEqual(app.stats(), { sessions: 1, greenlets: 1, reaped: 0, stragglers: 0, detached: 0 });
  assert.deepEqual(ended, []);

  await app.close();
  assert.deepEqual(ended, ["server shutting down"]);
  assert.equal((worker.value as GreenletExit).reason, "server shutting down");
  await server.close();
});

test("a connection the server closed is recovered too (socket.io's \"forced close\"), and a session survives one drop after another", async () => {
  const server = await recoveryServer(60_000);
  const instances: BaseNamespace[] = [];
  class Kept extends BaseNamespace {
    override initialize() {
      instances.push(this);
    }
    onPing() {
      return instances.indexOf(this);
    }
  }
  const app = mount(server.io, { "/kept": Kept });
  const sockets = serverSockets(server, "/kept");
  const client = await server.connect("/kept");
  await giveOffset(server, "/kept", client);
  const first = sockets.all[0]!;
  assert.equal(await drop(client, first, () => first.conn.close()), "forced close");
  assert.equal(app.stats().detached, 1);
  const reconnected = sockets.next();
  client.connect();
  assert.equal((await reconnected).recovered, true);
  await connected(client);
  assert.equal(await client.emitWithAck("ping"), 0);

  const second = sockets.all[1]!;
  assert.equal(await drop(client, second), "transport close");
  const again = sockets.next();
  client.connect();
  assert.equal((await again).recovered, true);
  await connected(client);
  assert.equal(await client.emitWithAck("ping"), 0);
  assert.equal(instances.length, 1);
  assert.equal(instances[0]!.socket, sockets.all[2]);
  assert.deepEqual(app.stats(), { sessions: 1, greenlets: 0, reaped: 0, stragglers: 0, detached: 0 });
  await app.close();
  await server.close();
});

test("a call pending when the connection drops rejects with SessionClosedError for the drop's reason, and one made while detached at once", async () => {
  const server = await recoveryServer(60_000);
  const outcomes: unknown[] = [];
  const settled = signal();
  const instances: Asker[] = [];
  class Asker extends BaseNamespace {
    override initialize() {
      instances.push(this);
    }
    onAsk() {
      this.spawn(async (g) => {
        try {
          outcomes.push(await this.call("question", [], { signal: g }));
        } catch (error) {
          outcomes.push(error);
        }
        settled.resolve();
        await sleep(3_600_000, { signal: g });
      });
    }
  }
  const app = mount(server.io, { "/ask": Asker });
  const sockets = serverSockets(server, "/ask");
  const client = await server.connect("/ask");
  const asked = nextEvent(client, "question"); // never acked
  await client.emitWithAck("ask");
  await asked;
  await giveOffset(server, "/ask", client);

  await drop(client, sockets.all[0]!);
  const instance = instances[0]!;
  await settled.promise;
  assert.equal(outcomes.length, 1);
  assert.ok(outcomes[0] instanceof SessionClosedError);
  assert.equal(outcomes[0].reason, "transport close");
  await assert.rejects(instance.call("later", [], { timeout: 60_000 }), (error: unknown) => {
    assert.ok(error instanceof SessionClosedError);
    assert.equal(error.reason, "transport close");
    return true;
  });
  // The greenlet that saw the failed call lives on; the session is only detached.
  assert.deepEqual(app.stats(), { sessions: 1, greenlets: 1, reaped: 0, stragglers: 0, detached: 1 });

  const reconnected = sockets.next();
  client.connect();
  await reconnected;
  await connected(client);
  client.once("question", (answer: (value: string) => void) => answer("yes"));
  assert.equal(await instance.call("question", [], { timeout: 60_000 }), "yes");
  await app.close();
  await server.close();
});

test("a session not recovered within the window is reaped once with the reason \"recovery expired\"", async () => {
  const server = await recoveryServer(300);
  const log: string[] = [];
  const hookRan = signal();
  const instances: Brief[] = [];
  class Brief extends BaseNamespace {
    worker: Greenlet<void> | undefined;
    override initialize() {
      instances.push(this);
      this.worker = this.spawn(async (g) => {
        try {
          await sleep(3_600_000, { signal: g });
        } finally {
          log.push(`greenlet: ${(g.signal.reason as GreenletExit).reason}`);
        }
      });
    }
    override disconnected(reason: string) {
      log.push(`hook: ${reason}`);
      hookRan.resolve();
    }
  }
  const app = mount(server.io, { "/brief": Brief });
  const sockets = serverSockets(server, "/brief");
  const client = await server.connect("/brief");
  await giveOffset(server, "/brief", client);

  // Read at the drop itself: a loaded machine may take the whole window to deliver the client's side.
  let atDrop: unknown;
  sockets.all[0]!.once("disconnect", () => (atDrop = { detached: app.stats().detached, sessions: app.stats().sessions, log: [...log] }));
  await drop(client, sockets.all[0]!);
  assert.deepEqual(atDrop, { detached: 1, sessions: 1, log: [] });
  await hookRan.promise;
  assert.deepEqual(log, ["greenlet: recovery expired", "hook: recovery expired"]);
  const worker = instances[0]!.worker!;
  assert.ok(worker.value instanceof GreenletExit);
  assert.equal(worker.value.reason, "recovery expired");
  assert.equal(instances[0]!.connected, false);
  assert.deepEqual(app.stats(), { sessions: 0, greenlets: 0, reaped: 1, stragglers: 0, detached: 0 });

  // Coming back later is a new session, whatever socket.io says about its state.
  const reconnected = sockets.next();
  client.connect();
  await reconnected;
  await connected(client);
  assert.equal(instances.length, 2);
  assert.notEqual(instances[1], instances[0]);
  await app.close();
  assert.deepEqual(log, ["greenlet: recovery expired", "hook: recovery expired", "greenlet: server shutting down", "hook: server shutting down"]);
  await server.close();
});

test("with recovery on, a client's or the server's disconnect() ends the session at once, as without it", async () => {
  const server = await recoveryServer(60_000);
  const ended: { reason: string; detached: number | undefined }[] = [];
  const bothEnded = signal();
  class Plain extends BaseNamespace {
    override initialize() {
      this.spawn(async (g) => {
        await sleep(3_600_000, { signal: g });
      });
    }
    onLeave() {
      this.disconnect();
    }
    override disconnected(reason: string) {
      ended.push({ reason, detached: app.stats().detached });
      if (ended.length === 2) bothEnded.resolve();
    }
  }
  const app = mount(server.io, { "/plain": Plain });
  const sockets = serverSockets(server, "/plain");
  const leaving = await server.connect("/plain");
  const kicked = await server.connect("/plain");
  await giveOffset(server, "/plain", leaving);
  await giveOffset(server, "/plain", kicked);
  const [leavingSocket, kickedSocket] = sockets.all;
  const closes = [nextEvent(leavingSocket!, "disconnect"), nextEvent(kickedSocket!, "disconnect")];

  leaving.disconnect();
  kicked.emit("leave");
  const reasons = (await Promise.all(closes)).map(([reason]) => reason);
  assert.deepEqual(reasons, ["client namespace disconnect", "server namespace disconnect"]);
  assert.equal(app.stats().detached, 0);
  await bothEnded.promise;
  assert.deepEqual(ended.map((e) => e.reason).sort(), ["client namespace disconnect", "server namespace disconnect"]);
  assert.deepEqual(ended.map((e) => e.detached), [0, 0]);
  assert.deepEqual(app.stats(), { sessions: 0, greenlets: 0, reaped: 2, stragglers: 0, detached: 0 });
  await app.close();
  await server.close();
});

test("app.close() reaps detached sessions at once with \"server shutting down\", and a recovery after it gets no session", async () => {
  const server = await recoveryServer(60_000);
  const ended: string[] = [];
  class Waiting extends BaseNamespace {
    override initialize() {
      this.spawn(async (g) => {
        await sleep(3_600_000, { signal: g });
      });
    }
    override disconnected(reason: string) {
      ended.push(reason);
    }
  }
  const app = mount(server.io, { "/waiting": Waiting });
  const sockets = serverSockets(server, "/waiting");
  const client = await server.connect("/waiting");
  await giveOffset(server, "/waiting", client);
  await drop(client, sockets.all[0]!);
  assert.equal(app.stats().detached, 1);

  await app.close();
  assert.deepEqual(ended, ["server shutting down"]);
  assert.deepEqual(app.stats(), { sessions: 0, greenlets: 0, reaped: 1, stragglers: 0, detached: 0 });

  // socket.io recovers the connection (skipping middleware, its default), and the app turns it away.
  const reconnected = sockets.next();
  const turnedAway = nextEvent(client, "disconnect");
  client.connect();
  assert.equal((await reconnected).recovered, true);
  assert.equal((await turnedAway)[0], "io server disconnect");
  assert.deepEqual(ended, ["server shutting down"]);
  assert.equal(app.stats().sessions, 0);
  await server.close();
});

test("io.close() ends sessions at once with \"server shutting down\" although socket.io keeps their state", async () => {
  const server = await recoveryServer(60_000);
  const ended = signal<string>();
  class Closing extends BaseNamespace {
    override disconnected(reason: string) {
      ended.resolve(reason);
    }
  }
  const app = mount(server.io, { "/closing": Closing });
  const client = await server.connect("/closing");
  await giveOffset(server, "/closing", client);
  const closed = server.io.close();
  assert.equal(app.stats().detached, 0);
  assert.equal(await ended.promise, "server shutting down");
  await closed;
  await app.close();
});

test("mount() rejects a recovery window it cannot time", () => {
  const expectation = "io's connectionStateRecovery.maxDisconnectionDuration to be";
  const cases: [unknown, RegExp][] = [
    ["2 minutes", new RegExp(`^TypeError: mount\\(\\): expected ${expectation} a finite number of milliseconds ≥ 0, got "2 minutes" \\(string\\)$`)],
    [-1, new RegExp(`^RangeError: mount\\(\\): expected ${expectation} a finite number of milliseconds ≥ 0, got -1 \\(number\\)$`)],
    [Infinity, new RegExp(`^RangeError: mount\\(\\): expected ${expectation} a finite number of milliseconds ≥ 0, got Infinity \\(number\\)$`)],
    [2 ** 31, new RegExp(`^RangeError: mount\\(\\): expected ${expectation} a number of milliseconds ≤ 2147483647, got 2147483648 \\(number\\)$`)],
  ];
  class Any extends BaseNamespace {}
  for (const [maxDisconnectionDuration, message] of cases) {
    const io = new Server({ connectionStateRecovery: { maxDisconnectionDuration: maxDisconnectionDuration as number } });
    assert.throws(() => mount(io, { "/any": Any }), (error: Error) => {
      assert.match(String(error), message);
      return true;
    });
    assert.equal(io._nsps.has("/any"), false);
  }
});
