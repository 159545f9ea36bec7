// Session-owned greenlets: killed with the disconnect reason on every way a session ends, their
// cleanup run once, before the session counts as closed and before the disconnected hook.
import { test } from "node:test";
import assert from "node:assert/strict";
import { GreenletExit, sleep, type Greenlet } from "../../src/index.js";
import { BaseNamespace, StragglerError, mount, type MountOptions, type MountedApp } from "../../src/socketio/index.js";
import { nextEvent, recordOnError, signal, startServer, type ClientSocket, type TestServer } from "./harness.js";

/** A namespace whose "start" event spawns parked greenlets that log how they end. */
function jobs(log: string[], getApp: () => MountedApp) {
  const hooks = signal<string>();
  const instances: BaseNamespace[] = [];
  class Jobs extends BaseNamespace {
    override initialize() {
      instances.push(this);
    }
    onStart(tag: string, count = 2) {
      for (let i = 0; i < count; i++) {
        this.spawn(async (g, name: string) => {
          try {
            await sleep(60_000, { signal: g });
            log.push(`${name} woke up`);
          } catch (error) {
            const exit = error as GreenletExit;
            const aborted = g.signal.aborted && g.signal.reason === error;
            log.push(`${name} killed: ${exit.name} reason=${String(exit.reason)} signal=${aborted}`);
            throw error;
          } finally {
            log.push(`${name} finally, sessions=${getApp().stats().sessions}`);
          }
        }, `${tag}${i}`);
      }
      return this.greenlets.size;
    }
    override disconnected(reason: string) {
      // Overridden without calling super: reaping does not depend on it.
      log.push(`hook ${reason}, sessions=${getApp().stats().sessions}, greenlets=${getApp().stats().greenlets}`);
      hooks.resolve(reason);
    }
  }
  return { Jobs, hooks, instances };
}

interface Scenario {
  server: TestServer;
  app: MountedApp;
  client: ClientSocket;
  log: string[];
  hooks: ReturnType<typeof signal<string>>;
  instances: BaseNamespace[];
  onError: ReturnType<typeof recordOnError>;
}

async function scenario(serverOptions?: Parameters<typeof startServer>[0], options?: MountOptions): Promise<Scenario> {
  const log: string[] = [];
  const server = await startServer(serverOptions);
  const onError = recordOnError();
  const ref = {} as { app: MountedApp };
  const { Jobs, hooks, instances } = jobs(log, () => ref.app);
  const app = (ref.app = mount(server.io, { "/jobs": Jobs }, { graceMs: 60_000, onError: onError.onError, ...options }));
  const client = await server.connect("/jobs");
  assert.equal(await client.emitWithAck("start", "g"), 2);
  assert.deepEqual(app.stats(), { sessions: 1, greenlets: 2, reaped: 0, stragglers: 0 });
  return { server, app, client, log, hooks, instances, onError };
}

/** The log of a session whose two greenlets were reaped with `reason`. */
function reapedLog(reason: string): string[] {
  return [
    `g0 killed: GreenletExit reason=${reason} signal=true`,
    "g0 finally, sessions=1",
    `g1 killed: GreenletExit reason=${reason} signal=true`,
    "g1 finally, sessions=1",
    `hook ${reason}, sessions=0, greenlets=0`,
  ];
}

async function expectReaped(s: Scenario, reason: string): Promise<void> {
  assert.equal(await s.hooks.promise, reason);
  assert.deepEqual(s.log, reapedLog(reason));
  assert.deepEqual(s.app.stats(), { sessions: 0, greenlets: 0, reaped: 2, stragglers: 0 });
  assert.deepEqual(s.onError.calls, []);
}

async function teardown(s: Scenario): Promise<void> {
  await s.app.close();
  await s.server.close();
}

test("a client disconnect() reaps the session's greenlets with the reason, each finally once, before the hook", async () => {
  const s = await scenario();
  s.client.disconnect();
  await expectReaped(s, "client namespace disconnect");
  await teardown(s);
});

test("get() on a reaped session greenlet rejects with the GreenletExit of the disconnect; the greenlet is successful, onError hears nothing", async () => {
  const s = await scenario();
  const reaped = [...s.instances[0]!.greenlets];
  const gets = reaped.map((g) => g.get().then(() => "resolved", (error: unknown) => error));
  s.client.disconnect();
  await expectReaped(s, "client namespace disconnect");
  const outcomes = await Promise.all(gets);
  for (const [i, g] of reaped.entries()) {
    assert.equal(g.successful(), true);
    assert.ok(outcomes[i] instanceof GreenletExit);
    assert.equal(outcomes[i], g.value);
    assert.equal((outcomes[i] as GreenletExit).reason, "client namespace disconnect");
  }
  await teardown(s);
});

test("a transport close (the client's engine closes) reaps with 'transport close'", async () => {
  const s = await scenario();
  s.client.io.engine.close();
  await expectReaped(s, "transport close");
  await teardown(s);
});

test("a ping timeout reaps with 'ping timeout'", async () => {
  const s = await scenario({ pingInterval: 20, pingTimeout: 20 });
  // The client goes silent: it stops answering the server's pings (and sending anything else).
  (s.client.io.engine as unknown as { _sendPacket: () => void })._sendPacket = () => {};
  await expectReaped(s, "ping timeout");
  await teardown(s);
});

test("a server-side socket.disconnect() reaps with 'server namespace disconnect'", async () => {
  const s = await scenario();
  const clientHeard = nextEvent(s.client, "disconnect");
  const socket = [...s.server.io.of("/jobs").sockets.values()][0]!;
  socket.disconnect();
  await expectReaped(s, "server namespace disconnect");
  assert.equal((await clientHeard)[0], "io server disconnect");
  await teardown(s);
});

test("io.close() reaps with 'server shutting down'", async () => {
  const s = await scenario();
  await s.server.io.close();
  await expectReaped(s, "server shutting down");
  await teardown(s);
});

test("app.close() reaps with 'server shutting down' and resolves after the hook", async () => {
  const s = await scenario();
  const clientHeard = nextEvent(s.client, "disconnect");
  await s.app.close();
  assert.equal(s.hooks.done, true);
  await expectReaped(s, "server shutting down");
  assert.equal((await clientHeard)[0], "io server disconnect");
  await s.server.close();
});

test("a greenlet that disconnects its own session is reaped with the others, without deadlock", async () => {
  const log: string[] = [];
  const server = await startServer();
  const hook = signal<string>();
  class Self extends BaseNamespace {
    onQuit() {
      this.spawn(async (g) => {
        try {
          await sleep(60_000, { signal: g });
        } finally {
          log.push("bystander finally");
        }
      });
      this.spawn(async (g) => {
        try {
          await sleep(0);
          this.disconnect();
          log.push(`quitter after disconnect: aborted=${g.signal.aborted}`);
          await sleep(60_000, { signal: g });
        } catch (error) {
          log.push(`quitter killed: ${String((error as GreenletExit).reason)}`);
        } finally {
          log.push("quitter finally");
        }
      });
    }
    override disconnected(reason: string) {
      log.push(`hook ${reason}`);
      hook.resolve(reason);
    }
  }
  const app = mount(server.io, { "/self": Self }, { graceMs: 60_000 });
  const client = await server.connect("/self");
  client.emit("quit");
  assert.equal(await hook.promise, "server namespace disconnect");
  assert.deepEqual(
    log.filter((line) => line.startsWith("quitter")),
    ["quitter after disconnect: aborted=true", "quitter killed: server namespace disconnect", "quitter finally"],
  );
  assert.ok(log.includes("bystander finally"));
  assert.equal(log.at(-1), "hook server namespace disconnect");
  assert.equal(log.length, 5);
  assert.deepEqual(app.stats(), { sessions: 0, greenlets: 0, reaped: 2, stragglers: 0 });
  await app.close();
  await server.close();
});

test("a greenlet that ignores its signal is a straggler after graceMs: reported, counted, no longer live, then the hook", async () => {
  const log: string[] = [];
  const server = await startServer();
  const onError = recordOnError();
  const hook = signal();
  let release!: () => void;
  const stubborn = new Promise<void>((resolve) => (release = resolve));
  let straggler!: Greenlet<unknown>;
  const ref = {} as { app: MountedApp };
  class Stubborn extends BaseNamespace {
    onStart() {
      straggler = this.spawn(async () => {
        await stubborn; // not a switch point: the kill cannot land here
        log.push("straggler ended");
      });
      straggler.name = "stubborn-worker";
      this.spawn(async (g) => {
        await sleep(60_000, { signal: g }).catch(() => log.push("polite one ended"));
      });
    }
    override disconnected(reason: string) {
      log.push(`hook ${reason}: ${JSON.stringify(ref.app.stats())}`);
      hook.resolve();
    }
  }
  const app = (ref.app = mount(server.io, { "/s": Stubborn }, { graceMs: 30, onError: onError.onError }));
  const client = await server.connect("/s");
  await client.emitWithAck("start");
  client.disconnect();
  await hook.promise;
  assert.deepEqual(log, [
    "polite one ended",
    `hook client namespace disconnect: ${JSON.stringify({ sessions: 0, greenlets: 0, reaped: 2, stragglers: 1 })}`,
  ]);
  assert.equal(onError.calls.length, 1);
  const { error, context } = onError.calls[0]!;
  assert.ok(error instanceof StragglerError);
  assert.equal(error.name, "StragglerError");
  assert.match(error.message, /stubborn-worker/);
  assert.equal(error.greenlet, "stubborn-worker");
  assert.equal(error.reason, "client namespace disconnect");
  assert.equal(context.kind, "straggler");
  assert.equal(context.greenlet, straggler);
  release();
  await straggler.join();
  assert.deepEqual(log.at(-1), "straggler ended");
  assert.deepEqual(app.stats(), { sessions: 0, greenlets: 0, reaped: 2, stragglers: 1 }, "a straggler's end is not counted twice");
  await app.close();
  await server.close();
});

test("spawn on a closed session returns a dead greenlet whose function never runs; emit returns false", async () => {
  const s = await scenario();
  s.client.disconnect();
  await s.hooks.promise;
  const instance = s.instances[0]!;
  let ran = false;
  const g = instance.spawn(async () => {
    ran = true;
  });
  assert.equal(g.dead, true);
  assert.equal(g.started, false);
  assert.ok(g.value instanceof GreenletExit);
  assert.equal(g.value.reason, "client namespace disconnect");
  assert.equal(instance.emit("late", 1), false);
  assert.equal(instance.connected, false);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(ran, false);
  assert.deepEqual(s.app.stats(), { sessions: 0, greenlets: 0, reaped: 2, stragglers: 0 });
  await teardown(s);
});

test("killAll() kills the session's greenlets without disconnecting and is not counted as reaping", async () => {
  const s = await scenario();
  const instance = s.instances[0]!;
  assert.equal(instance.greenlets.size, 2);
  await instance.killAll();
  assert.equal(instance.greenlets.size, 0);
  assert.deepEqual(s.log, [
    "g0 killed: GreenletExit reason=undefined signal=true",
    "g0 finally, sessions=1",
    "g1 killed: GreenletExit reason=undefined signal=true",
    "g1 finally, sessions=1",
  ]);
  assert.deepEqual(s.app.stats(), { sessions: 1, greenlets: 0, reaped: 0, stragglers: 0 });
  assert.equal(s.client.connected, true);
  assert.equal(await s.client.emitWithAck("start", "h", 1), 1, "the session goes on spawning");
  await teardown(s);
});

test("killAll({ exception, timeout }) kills with the exception and resolves quietly when its own timeout expires", async () => {
  const server = await startServer();
  const onError = recordOnError();
  let release!: () => void;
  const stubborn = new Promise<void>((resolve) => (release = resolve));
  const outcome = signal<string>();
  class K extends BaseNamespace {
    async onGo() {
      const polite = this.spawn(async (g) => {
        await sleep(60_000, { signal: g });
      });
      this.spawn(async () => {
        await stubborn;
      });
      polite.link(() => outcome.resolve(`${(polite.exception as Error).message}, live=${this.greenlets.size}`));
      await sleep(0);
      await this.killAll({ exception: new Error("stop now"), timeout: 10 });
      return this.greenlets.size;
    }
  }
  const app = mount(server.io, { "/k": K }, { onError: onError.onError });
  const client = await server.connect("/k");
  assert.equal(await client.emitWithAck("go"), 1, "killAll resolved on its own timeout with the stubborn one alive");
  assert.equal(await outcome.promise, "stop now, live=1");
  release();
  client.disconnect();
  await app.close();
  assert.deepEqual(onError.calls.map((c) => c.context.kind), [], "the polite one's failure was observed by its link");
  await server.close();
});

test("a session greenlet's failure that nobody observes goes to onError with the greenlet; an observed one does not", async () => {
  const server = await startServer();
  const onError = recordOnError();
  let failed!: Greenlet<unknown>;
  class F extends BaseNamespace {
    onUnobserved() {
      failed = this.spawn(async () => {
        throw new Error("worker crashed");
      });
    }
    async onObserved() {
      const g = this.spawn(async () => {
        throw new Error("handled by the handler");
      });
      try {
        await g.get();
      } catch (error) {
        return (error as Error).message;
      }
    }
  }
  const app = mount(server.io, { "/f": F }, { onError: onError.onError });
  const client = await server.connect("/f");
  assert.equal(await client.emitWithAck("observed"), "handled by the handler");
  await client.emitWithAck("unobserved");
  await failed.join();
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(
    onError.calls.map(({ error, context }) => [(error as Error).message, context.kind, context.greenlet, context.namespace, context.sessionId]),
    [["worker crashed", "greenlet", failed, "/f", client.id]],
  );
  client.disconnect();
  await app.close();
  await server.close();
});

test("one client's disconnect never touches another client's greenlets", async () => {
  const s = await scenario();
  const other = await s.server.connect("/jobs");
  assert.equal(await other.emitWithAck("start", "o"), 2);
  const [mine, theirs] = s.instances as [BaseNamespace, BaseNamespace];
  const theirGreenlets = [...theirs.greenlets];
  s.client.disconnect();
  await s.hooks.promise;
  assert.equal(mine.greenlets.size, 0);
  assert.equal(theirs.greenlets.size, 2);
  assert.ok(theirGreenlets.every((g) => !g.dead && !g.signal.aborted));
  assert.deepEqual(s.app.stats(), { sessions: 1, greenlets: 2, reaped: 2, stragglers: 0 });
  assert.ok(!s.log.some((line) => line.startsWith("o")));
  await teardown(s);
  assert.ok(theirGreenlets.every((g) => g.dead));
});

test("on a multiplexed connection, one namespace's disconnect never touches the other namespace's greenlets", async () => {
  const log: string[] = [];
  const server = await startServer();
  const ref = {} as { app: MountedApp };
  const a = jobs(log, () => ref.app);
  const b = jobs(log, () => ref.app);
  const app = (ref.app = mount(server.io, { "/a": a.Jobs, "/b": b.Jobs }, { graceMs: 60_000 }));
  const manager = server.manager();
  const onA = manager.socket("/a");
  const onB = manager.socket("/b");
  await Promise.all([nextEvent(onA, "connect"), nextEvent(onB, "connect")]);
  assert.equal(await onA.emitWithAck("start", "a"), 2);
  assert.equal(await onB.emitWithAck("start", "b"), 2);
  onA.disconnect();
  assert.equal(await a.hooks.promise, "client namespace disconnect");
  assert.deepEqual(app.stats(), { sessions: 1, greenlets: 2, reaped: 2, stragglers: 0 });
  assert.equal(b.instances[0]!.greenlets.size, 2);
  assert.ok(!log.some((line) => line.startsWith("b")));
  assert.equal(await onB.emitWithAck("start", "b2", 1), 3, "the other namespace's session goes on");
  onB.disconnect();
  assert.equal(await b.hooks.promise, "client namespace disconnect");
  assert.deepEqual(app.stats(), { sessions: 0, greenlets: 0, reaped: 5, stragglers: 0 });
  await app.close();
  await server.close();
});

test("disconnect(true) from a handler closes the whole connection: every namespace's session on it is reaped", async () => {
  const log: string[] = [];
  const server = await startServer();
  const ref = {} as { app: MountedApp };
  const a = jobs(log, () => ref.app);
  const b = jobs(log, () => ref.app);
  class Closer extends a.Jobs {
    onHangUp() {
      this.disconnect(true);
    }
  }
  const app = (ref.app = mount(server.io, { "/a": Closer, "/b": b.Jobs }, { graceMs: 60_000 }));
  const manager = server.manager();
  const onA = manager.socket("/a");
  const onB = manager.socket("/b");
  await Promise.all([nextEvent(onA, "connect"), nextEvent(onB, "connect")]);
  assert.equal(await onA.emitWithAck("start", "a", 1), 1);
  assert.equal(await onB.emitWithAck("start", "b", 1), 1);
  onA.emit("hang up");
  assert.deepEqual(await Promise.all([a.hooks.promise, b.hooks.promise]), ["server namespace disconnect", "server namespace disconnect"]);
  assert.deepEqual(app.stats(), { sessions: 0, greenlets: 0, reaped: 2, stragglers: 0 });
  await app.close();
  await server.close();
});
