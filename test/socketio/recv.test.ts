// The pull style of session: main(g) takes its events with recv(), in arrival order, from a
// mailbox bounded by maxQueued; main runs until the session ends and its end ends the session.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { Event, GreenletExit, TimeoutError, sleep, type Greenlet } from "../../src/index.js";
import { BaseNamespace, ClientError, mount, type Received } from "../../src/socketio/index.js";
import { appsToClose, errorReports, nextEvent, recordOnError, signal, startServer, type TestServer } from "./harness.js";

let server: TestServer;
const apps = appsToClose();
let paths = 0;

/** Mounts `cls` on a namespace of its own and returns its path and app. */
function mountOwn(cls: new () => BaseNamespace, options?: Parameters<typeof mount>[2]) {
  const path = `/recv-${++paths}`;
  const app = apps.mounted(mount(server.io, { [path]: cls }, options));
  return { path, app };
}

before(async () => {
  server = await startServer();
});

after(async () => {
  await apps.closeAll();
  await server.close();
});

test("main receives every event as [event, ...args] in arrival order, and ack() answers the client", async () => {
  const seen: unknown[][] = [];
  const acks: string[] = [];
  class Echo extends BaseNamespace {
    override async main(g: Greenlet<unknown>) {
      for (;;) {
        const received = await this.recv({ signal: g });
        seen.push([...received]);
        acks.push(received.ack === undefined ? "no ack" : "ack");
        received.ack?.("echo", ...received);
      }
    }
  }
  const { path } = mountOwn(Echo);
  const client = await server.connect(path);
  client.emit("note", 1, { two: 2 });
  const answer = await new Promise<unknown[]>((resolve) => client.emit("user message", "hi", (...values: unknown[]) => resolve(values)));
  assert.deepEqual(answer, ["echo", "user message", "hi"]);
  assert.deepEqual(seen, [
    ["note", 1, { two: 2 }],
    ["user message", "hi"],
  ]);
  assert.deepEqual(acks, ["no ack", "ack"]);
});

test("the ack of a received event is not enumerable, sends once and returns whether it sent", async () => {
  const results = signal<{ keys: string[]; first: boolean; second: boolean }>();
  class Once extends BaseNamespace {
    override async main(g: Greenlet<unknown>) {
      const received = await this.recv({ signal: g });
      const keys = Object.keys(received);
      const first = received.ack!("one");
      const second = received.ack!("two");
      results.resolve({ keys, first, second });
      await sleep(60_000, { signal: g });
    }
  }
  const { path } = mountOwn(Once);
  const client = await server.connect(path);
  assert.equal(await client.emitWithAck("ask"), "one");
  assert.deepEqual(await results.promise, { keys: ["0"], first: true, second: false });
});

test("events that arrive before recv() wait in the mailbox, those behind an async initialize() too", async () => {
  const ready = signal<void>();
  const start = new Event();
  const seen: string[] = [];
  const done = signal<void>();
  let arrivals = 0;
  const arrived = [signal<void>(), signal<void>()];
  class Late extends BaseNamespace {
    override async initialize() {
      // socket.io's own listener sees each event as it arrives, whatever the session does with it.
      this.socket.onAny(() => {
        arrivals++;
        if (arrivals === 2) arrived[0]!.resolve();
        if (arrivals === 4) arrived[1]!.resolve();
      });
      await ready.promise;
    }
    override async main(g: Greenlet<unknown>) {
      await start.wait({ signal: g });
      for (let i = 0; i < 4; i++) seen.push(String((await this.recv({ signal: g }))[1]));
      done.resolve();
      await sleep(60_000, { signal: g });
    }
  }
  const { path } = mountOwn(Late);
  const client = await server.connect(path);
  client.emit("n", "a");
  client.emit("n", "b");
  await arrived[0]!.promise;
  ready.resolve();
  client.emit("n", "c");
  client.emit("n", "d");
  await arrived[1]!.promise;
  await sleep(0);
  assert.deepEqual(seen, [], "main has not called recv() yet");
  start.set();
  await done.promise;
  assert.deepEqual(seen, ["a", "b", "c", "d"]);
});

test("once the session ends, recv() rejects with the GreenletExit main was killed with, signal or not", async () => {
  const outcome = signal<{ inMain: unknown; inHandler: unknown; after: unknown; value: unknown }>();
  let handlerRecv: Promise<unknown> | undefined;
  const hook = signal<void>();
  class Ending extends BaseNamespace {
    override async main(g: Greenlet<unknown>) {
      try {
        await this.recv({ signal: g });
      } catch (inMain) {
        const inHandler = await handlerRecv!.catch((error: unknown) => error);
        const after = await this.recv().catch((error: unknown) => error);
        outcome.resolve({ inMain, inHandler, after, value: g.value });
        throw inMain;
      }
    }
    onWait() {
      handlerRecv = this.recv();
      handlerRecv.catch(() => {});
      return "waiting";
    }
    override disconnected() {
      hook.resolve();
    }
  }
  const { path, app } = mountOwn(Ending);
  const client = await server.connect(path);
  assert.equal(await client.emitWithAck("wait"), "waiting");
  client.disconnect();
  const { inMain, inHandler, after } = await outcome.promise;
  assert.ok(inMain instanceof GreenletExit);
  assert.equal(inMain.reason, "client namespace disconnect");
  assert.equal(inHandler, inMain, "a recv() given no signal rejects with the same exit");
  assert.equal(after, inMain, "and so does one called after the end");
  await hook.promise;
  assert.deepEqual(app.stats(), { sessions: 0, greenlets: 0, reaped: 1, stragglers: 0 });
});

test("a full mailbox refuses the next events with BacklogFullError, and those it kept are received in order", async () => {
  const start = new Event();
  const seen: unknown[] = [];
  const done = signal<void>();
  class Slow extends BaseNamespace {
    static override maxQueued = 3;
    override async main(g: Greenlet<unknown>) {
      await start.wait({ signal: g });
      for (let i = 0; i < 3; i++) {
        const received = await this.recv({ signal: g });
        seen.push(received[1]);
        received.ack?.("kept");
      }
      done.resolve();
      await sleep(60_000, { signal: g });
    }
  }
  const { path } = mountOwn(Slow, { maxQueued: 1000 });
  const client = await server.connect(path);
  const reports = errorReports(client);
  const answers = [1, 2, 3, 4, 5].map((n) => client.emitWithAck("job", n));
  const refused = await Promise.all(answers.slice(3));
  const message = 'event "job" refused: the session already has 3 events waiting';
  assert.deepEqual(refused, [
    { error: { name: "BacklogFullError", message } },
    { error: { name: "BacklogFullError", message } },
  ]);
  assert.deepEqual(reports, [
    { name: "BacklogFullError", message, event: "job" },
    { name: "BacklogFullError", message, event: "job" },
  ]);
  start.set();
  assert.deepEqual(await Promise.all(answers.slice(0, 3)), ["kept", "kept", "kept"]);
  await done.promise;
  assert.deepEqual(seen, [1, 2, 3]);
});

test("the mount option maxQueued bounds the mailbox of a class without its own", async () => {
  class Idle extends BaseNamespace {
    override async main(g: Greenlet<unknown>) {
      await sleep(60_000, { signal: g });
    }
  }
  const { path } = mountOwn(Idle, { maxQueued: 1 });
  const client = await server.connect(path);
  client.emit("kept");
  assert.deepEqual(await client.emitWithAck("refused"), {
    error: { name: "BacklogFullError", message: 'event "refused" refused: the session already has 1 events waiting' },
  });
});

test("on… handlers answer their own events beside main; the ACL and schemas apply to what main receives", async () => {
  const seen: unknown[][] = [];
  class Mixed extends BaseNamespace {
    static override acl = ["ping", "move"];
    static override schemas = { move: z.tuple([z.number(), z.number()]) };
    onPing() {
      return "pong";
    }
    override async main(g: Greenlet<unknown>) {
      for (;;) {
        const received = await this.recv({ signal: g });
        seen.push([...received]);
        received.ack?.("moved");
      }
    }
  }
  const { path } = mountOwn(Mixed);
  const client = await server.connect(path);
  assert.equal(await client.emitWithAck("ping"), "pong");
  assert.deepEqual(await client.emitWithAck("secret"), { error: { name: "AccessDeniedError", message: 'event "secret" is not allowed' } });
  const invalid = (await client.emitWithAck("move", "x", 2)) as { error: { name: string } };
  assert.equal(invalid.error.name, "ValidationError");
  assert.equal(await client.emitWithAck("move", 1, 2), "moved");
  assert.deepEqual(seen, [["move", 1, 2]], "only the allowed, valid event reached main");
});

test("main returning ends the session: the client is disconnected and the hook runs", async () => {
  const hook = signal<string>();
  class Brief extends BaseNamespace {
    override async main(g: Greenlet<unknown>) {
      const [, name] = await this.recv({ signal: g });
      this.emit("bye", `bye ${String(name)}`);
    }
    override disconnected(reason: string) {
      hook.resolve(reason);
    }
  }
  const { path, app } = mountOwn(Brief);
  const client = await server.connect(path);
  const bye = nextEvent(client, "bye");
  const gone = nextEvent(client, "disconnect");
  client.emit("hello", "ada");
  assert.deepEqual(await bye, ["bye ada"]);
  assert.equal((await gone)[0], "io server disconnect");
  assert.equal(await hook.promise, "server namespace disconnect");
  assert.deepEqual(app.stats(), { sessions: 0, greenlets: 0, reaped: 0, stragglers: 0 });
});

test("main failing tells the client (masked) and onError (once, kind greenlet), then ends the session", async () => {
  const { calls, onError } = recordOnError();
  class Broken extends BaseNamespace {
    override async main(g: Greenlet<unknown>) {
      await this.recv({ signal: g });
      throw new TypeError("cannot parse the order");
    }
  }
  const { path } = mountOwn(Broken, { onError });
  const client = await server.connect(path);
  const report = nextEvent(client, "error");
  const gone = nextEvent(client, "disconnect");
  client.emit("order");
  assert.deepEqual(await report, [{ name: "InternalError", message: "internal error", event: "main" }]);
  assert.equal((await gone)[0], "io server disconnect");
  assert.equal(calls.length, 1);
  assert.equal((calls[0]!.error as Error).message, "cannot parse the order");
  assert.equal(calls[0]!.context.kind, "greenlet");
  assert.equal(calls[0]!.context.greenlet?.name, "Broken.main");
  assert.equal(calls[0]!.context.namespace, path);
});

test("main throwing a ClientError shows it to the client and not to onError", async () => {
  const { calls, onError } = recordOnError();
  class Banned extends BaseNamespace {
    override async main() {
      throw new ClientError("you are banned");
    }
  }
  const { path } = mountOwn(Banned, { onError });
  const client = server.open(path);
  const report = nextEvent(client, "error");
  const gone = nextEvent(client, "disconnect");
  assert.deepEqual(await report, [{ name: "ClientError", message: "you are banned", event: "main" }]);
  assert.equal((await gone)[0], "io server disconnect");
  assert.deepEqual(calls, []);
});

test("killAll() spares main, which keeps receiving", async () => {
  const names = signal<string[]>();
  class Keeper extends BaseNamespace {
    override async main(g: Greenlet<unknown>) {
      for (;;) {
        const received = await this.recv({ signal: g });
        if (received[0] === "stop") {
          const worker = this.spawn(async (w) => sleep(60_000, { signal: w }));
          worker.name = "worker";
          await sleep(0);
          const before = [...this.greenlets].map((x) => x.name);
          await this.killAll();
          names.resolve([...before, "|", ...[...this.greenlets].map((x) => x.name)]);
        }
        received.ack?.("still here");
      }
    }
  }
  const { path } = mountOwn(Keeper);
  const client = await server.connect(path);
  assert.equal(await client.emitWithAck("stop"), "still here");
  assert.deepEqual(await names.promise, ["Keeper.main", "worker", "|", "Keeper.main"]);
  assert.equal(await client.emitWithAck("again"), "still here");
});

test("recv() with its own timeout rejects with TimeoutError; an aborted signal rejects with its reason", async () => {
  const outcome = signal<unknown[]>();
  class Waiting extends BaseNamespace {
    override async main(g: Greenlet<unknown>) {
      const timedOut = await this.recv({ timeout: 10, signal: g }).catch((e: unknown) => e);
      const controller = new AbortController();
      controller.abort(new Error("stop waiting"));
      const aborted = await this.recv({ signal: controller.signal }).catch((e: unknown) => e);
      this.emit("send it");
      const received = await this.recv({ timeout: 5000, signal: g });
      outcome.resolve([timedOut, aborted, [...received]]);
    }
  }
  const { path } = mountOwn(Waiting);
  const client = server.open(path);
  await nextEvent(client, "send it");
  client.emit("late");
  const [timedOut, aborted, received] = await outcome.promise;
  assert.ok(timedOut instanceof TimeoutError);
  assert.equal(timedOut.message, "BaseNamespace.recv(): no event within 10 ms");
  assert.equal((aborted as Error).message, "stop waiting");
  assert.deepEqual(received, ["late"], "the timed-out and aborted calls took nothing");
});

test("recv() on a class without main(), or with bad options, is a clear error at the call", async () => {
  const noMain = signal<unknown>();
  const checked = signal<unknown[]>();
  class Plain extends BaseNamespace {
    onTry() {
      try {
        void this.recv();
      } catch (error) {
        noMain.resolve(error);
      }
    }
  }
  class Pulling extends BaseNamespace {
    override async main(g: Greenlet<unknown>) {
      const caught: unknown[] = [];
      for (const options of ["fast", { timeout: -1 }, { signal: "now" }] as never[]) {
        try {
          void this.recv(options);
        } catch (error) {
          caught.push(error);
        }
      }
      checked.resolve(caught);
      await sleep(60_000, { signal: g });
    }
  }
  const plain = mountOwn(Plain);
  const pulling = mountOwn(Pulling);
  const client = await server.connect(plain.path);
  client.emit("try");
  const error = (await noMain.promise) as Error;
  assert.ok(error instanceof TypeError);
  assert.equal(error.message, "BaseNamespace.recv(): Plain has no main() method, so its events go to its on… handlers and none would ever arrive here");
  await server.connect(pulling.path);
  const [options, timeout, sig] = (await checked.promise) as Error[];
  assert.ok(options instanceof TypeError);
  assert.equal(options.message, 'BaseNamespace.recv(): expected options to be an object or undefined, got "fast" (string)');
  assert.ok(timeout instanceof RangeError);
  assert.equal(timeout.message, "BaseNamespace.recv(): expected timeout to be a number of milliseconds ≥ 0 or undefined, got -1 (number)");
  assert.ok(sig instanceof TypeError);
  assert.match(sig.message, /^BaseNamespace\.recv\(\): expected signal to be/);
});

test("mount() refuses a class with both main() and onAny(), and a main that is not a method", () => {
  class Both extends BaseNamespace {
    override async main() {}
    onAny() {}
  }
  assert.throws(() => mount(server.io, { "/recv-both": Both }), {
    name: "TypeError",
    message:
      "mount(): Both defines both main() and onAny(); main() receives every event no on… handler answers, so onAny() would never run: keep one",
  });
  class Accessor extends BaseNamespace {}
  Object.defineProperty(Accessor.prototype, "main", { get: () => async () => {} });
  assert.throws(() => mount(server.io, { "/recv-accessor": Accessor }), {
    name: "TypeError",
    message: "mount(): expected Accessor.prototype.main to be a method main(g), got an accessor",
  });
});

test("with a typed ClientEvents map, the event name narrows the arguments and the ack", () => {
  interface ClientEvents {
    move: (x: number, y: number, ack: (where: string) => void) => void;
    say: (text: string) => void;
  }
  const handle = (received: Received<ClientEvents>): string => {
    const [event] = received;
    if (received[0] === "move") {
      const [, x, y] = received;
      received.ack?.(`${x + y}`);
      return `${event} ${x},${y}`;
    }
    const [, text] = received;
    // @ts-expect-error: "say" declares no ack
    received.ack?.("x");
    return text.toUpperCase();
  };
  const move = Object.assign(["move", 1, 2] as [event: "move", x: number, y: number], { ack: (_where: string) => true });
  assert.equal(handle(move), "move 1,2");
  assert.equal(handle(["say", "hi"] as [event: "say", text: string]), "HI");
});
