// mount(): the forms it takes, namespace middleware, dynamic namespaces, argument errors, and the
// app: stats() and close().
import { test } from "node:test";
import assert from "node:assert/strict";
import { sleep, type GreenletExit } from "../../src/index.js";
import { BaseNamespace, SHUTTING_DOWN, mount } from "../../src/socketio/index.js";
import { nextEvent, signal, startServer } from "./harness.js";

class Named extends BaseNamespace {
  onName() {
    return this.name;
  }
}

test("mount takes { path: Class }, [path, Class] pairs and a Map, and creates one session per client and namespace", async () => {
  const server = await startServer();
  const a = mount(server.io, { "/obj": Named });
  const b = mount(server.io, [["/pair", Named]]);
  const c = mount(server.io, new Map([["/map", Named]]));
  for (const nsp of ["/obj", "/pair", "/map"]) {
    const client = await server.connect(nsp);
    assert.equal(await client.emitWithAck("name"), nsp);
  }
  assert.deepEqual([a.stats().sessions, b.stats().sessions, c.stats().sessions], [1, 1, 1]);
  assert.deepEqual([...a.namespaces.keys()], ["/obj"]);
  assert.equal(a.namespaces.get("/obj"), server.io.of("/obj"));
  await Promise.all([a.close(), b.close(), c.close()]);
  await server.close();
});

test("dynamic namespaces by RegExp: each child namespace has its own sessions, reaped alike", async () => {
  const server = await startServer();
  const reasons: string[] = [];
  const hooks = signal();
  let hookCount = 0;
  class Job extends BaseNamespace {
    onStart() {
      this.spawn(async (g) => {
        try {
          await sleep(60_000, { signal: g });
        } catch (error) {
          reasons.push(`${this.name}: ${String((error as GreenletExit).reason)}`);
        }
      });
      return this.name;
    }
    override disconnected() {
      if (++hookCount === 2) hooks.resolve();
    }
  }
  const app = mount(server.io, [[/^\/job-\d+$/, Job]], { graceMs: 60_000 });
  const seven = await server.connect("/job-7");
  const eight = await server.connect("/job-8");
  await assert.rejects(server.connect("/job-x"), { message: "Invalid namespace" });
  assert.equal(await seven.emitWithAck("start"), "/job-7");
  assert.equal(await eight.emitWithAck("start"), "/job-8");
  assert.deepEqual(app.stats(), { sessions: 2, greenlets: 2, reaped: 0, stragglers: 0 });
  seven.disconnect();
  eight.io.engine.close();
  const again = await server.connect("/job-7");
  assert.equal(await again.emitWithAck("start"), "/job-7");
  await hooks.promise;
  assert.deepEqual(reasons.sort(), ["/job-7: client namespace disconnect", "/job-8: transport close"]);
  assert.deepEqual(app.stats(), { sessions: 1, greenlets: 1, reaped: 2, stragglers: 0 });
  await app.close();
  assert.deepEqual(app.stats(), { sessions: 0, greenlets: 0, reaped: 3, stragglers: 0 });
  await server.close();
});

test("namespace middleware keeps working: a connection it rejects creates no session", async () => {
  const server = await startServer();
  let constructed = 0;
  class Counted extends BaseNamespace {
    override initialize() {
      constructed++;
    }
  }
  server.io.of("/guarded").use((socket, next) => {
    if (socket.handshake.auth.token === "secret") next();
    else next(new Error("not authorized"));
  });
  const app = mount(server.io, { "/guarded": Counted });
  const dynamic = mount(server.io, [[/^\/room-\d+$/, Counted]]);
  // A RegExp namespace's middleware goes on the parent namespace mount() created.
  const [regex] = [...dynamic.namespaces.keys()];
  dynamic.namespaces.get(regex!)!.use((socket, next) => next(socket.handshake.auth.token === "secret" ? undefined : new Error("no room for you")));
  await assert.rejects(server.connect("/guarded"), { message: "not authorized" });
  await assert.rejects(server.connect("/room-1"), { message: "no room for you" });
  assert.deepEqual(app.stats().sessions + dynamic.stats().sessions, 0);
  assert.equal(constructed, 0);
  await server.connect("/guarded", { auth: { token: "secret" } });
  await server.connect("/room-1", { auth: { token: "secret" } });
  assert.equal(constructed, 2);
  assert.deepEqual([app.stats().sessions, dynamic.stats().sessions], [1, 1]);
  await Promise.all([app.close(), dynamic.close()]);
  await server.close();
});

test("app.close() refuses new sessions with connect_error 'server shutting down', returns the same promise twice, and leaves sessions at zero", async () => {
  const server = await startServer();
  const app = mount(server.io, { "/n": Named });
  const client = await server.connect("/n");
  const clientHeard = nextEvent(client, "disconnect");
  const first = app.close({ graceMs: 100 });
  const second = app.close();
  assert.equal(first, second);
  await first;
  assert.equal((await clientHeard)[0], "io server disconnect");
  await assert.rejects(server.connect("/n"), { message: SHUTTING_DOWN });
  assert.equal(SHUTTING_DOWN, "server shutting down");
  assert.deepEqual(app.stats(), { sessions: 0, greenlets: 0, reaped: 0, stragglers: 0 });
  await server.close();
});

test("mount() validates its arguments at the call", async () => {
  const server = await startServer();
  class NotANamespace {}
  assert.throws(() => mount({} as never, { "/a": Named }), { name: "TypeError", message: "mount(): expected io to be a socket.io Server, got an instance of Object (object)" });
  assert.throws(() => mount(server.io, null as never), { name: "TypeError" });
  assert.throws(() => mount(server.io, {}), { name: "TypeError", message: "mount(): expected at least one namespace, got none" });
  assert.throws(() => mount(server.io, { "/a": NotANamespace as never }), {
    name: "TypeError",
    message: "mount(): expected the class for namespace /a to extend BaseNamespace, got function NotANamespace (function)",
  });
  assert.throws(() => mount(server.io, [[42 as never, Named]]), { name: "TypeError", message: "mount(): expected a namespace path to be a string or a RegExp, got 42 (number)" });
  assert.throws(() => mount(server.io, [["/a"] as never]), { name: "TypeError", message: "mount(): expected namespaces[0] to be a [path, class] pair, got an array of length 1 (object)" });
  assert.throws(() => mount(server.io, { "/a": Named }, { graceMs: -1 }), { name: "RangeError", message: "mount(): expected options.graceMs to be a finite number of milliseconds ≥ 0, got -1 (number)" });
  assert.throws(() => mount(server.io, { "/a": Named }, { exposeErrors: "yes" as never }), { name: "TypeError", message: 'mount(): expected options.exposeErrors to be a boolean, got "yes" (string)' });
  assert.throws(() => mount(server.io, { "/a": Named }, { onError: 1 as never }), { name: "TypeError", message: "mount(): expected options.onError to be a function, got 1 (number)" });
  const app = mount(server.io, { "/a": Named });
  assert.throws(() => mount(server.io, { "/a": Named }), { name: "Error", message: "mount(): namespace /a is mounted already" });
  assert.throws(() => app.close({ graceMs: Number.NaN }), { name: "RangeError" });
  await app.close();
  await server.close();
});
