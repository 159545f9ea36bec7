// The layer driven by a third-party client: python-socketio's synchronous Client, a real child
// process (test/fixtures/python/client.py), over the websocket and the polling transport. The
// script prints what it observed as JSON lines; the server side records what it saw per run.
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { once } from "node:events";
import { z } from "zod";
import { GreenletExit, sleep } from "../../src/index.js";
import { BaseNamespace, ClientError, ack, mount, type MountedApp } from "../../src/socketio/index.js";
import { pythonSocketioSkip, startPython, type Observation, type PythonClient } from "../python-socketio.js";
import { recordOnError, signal, startServer, type TestServer } from "./harness.js";

const CALL_TIMEOUT_MS = 10_000;

/** What the server saw of one python run (one script invocation, told apart by its auth). */
class Run {
  /** Per namespace: the socket.io socket id, the engine.io connection id, the transport. */
  readonly sessions = new Map<string, { id: string; conn: string; transport: string; instance: BaseNamespace }>();
  /** Every session id that opened, in order (a namespace may have several, as /chat does). */
  readonly opened: string[] = [];
  /** The `disconnected()` hook's calls, in the order they ran. */
  readonly hooks: { namespace: string; id: string; reason: string }[] = [];
  /** What python sent to the binary handlers, as Node got it. */
  readonly received: unknown[] = [];
  /** What a session greenlet's call() got from python. */
  readonly answers: unknown[] = [];
  /** How the /jobs greenlets ended. */
  readonly exits: unknown[] = [];
  /** Resolves once a /jobs greenlet of the run is parked in its sleep. */
  readonly parked = signal();
  #waiters: { count: number; resolve: () => void }[] = [];

  hookRan(namespace: string, id: string, reason: string): void {
    this.hooks.push({ namespace, id, reason });
    for (const waiter of this.#waiters) if (this.hooks.length >= waiter.count) waiter.resolve();
  }

  /** Resolves once `count` sessions of the run have run their hook. */
  ended(count: number): Promise<void> {
    if (this.hooks.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ count, resolve }));
  }
}

const runs = new Map<string, Run>();

function runOf(instance: BaseNamespace): Run {
  const tag = String((instance.socket.handshake.auth as { run?: unknown }).run);
  let run = runs.get(tag);
  if (!run) runs.set(tag, (run = new Run()));
  return run;
}

/** The bookkeeping every namespace of this file shares. */
class Recorded extends BaseNamespace {
  override initialize() {
    const { socket } = this;
    const run = runOf(this);
    // The engine.io connection id: the sid the client got in its handshake (typed private).
    const conn = String(Reflect.get(socket.conn, "id"));
    run.sessions.set(this.name, { id: socket.id, conn, transport: socket.conn.transport.name, instance: this });
    run.opened.push(socket.id);
  }
  override disconnected(reason: string) {
    runOf(this).hookRan(this.name, this.socket.id, reason);
  }
}

class RoomFullError extends ClientError {}

class App extends Recorded {
  static override schemas = { move: z.tuple([z.object({ x: z.number(), y: z.number() })]) };
  onAdd(a: number, b: number) {
    return a + b;
  }
  onEcho(value: unknown) {
    return value;
  }
  onNote() {}
  onExplode() {
    throw new Error("the database password is hunter2");
  }
  onRefuse() {
    throw new RoomFullError("room lobby is full");
  }
  onMove(to: { x: number; y: number }) {
    return to.x + to.y;
  }
  onReverse(data: Buffer) {
    runOf(this).received.push(data);
    return Buffer.from(data).reverse();
  }
  onWrap(file: { name: string; data: Buffer }) {
    runOf(this).received.push(file);
    return { name: file.name, size: file.data.length, tail: file.data.subarray(-3) };
  }
  onSendBlob() {
    return this.emit("blob", Buffer.from([0, 255, 10, 13]), { inner: Buffer.from("\u00e9t\u00e9") });
  }
  async onQuiz(x: number) {
    return { "server saw": await this.call("ask", [x], { timeout: CALL_TIMEOUT_MS }) };
  }
  onQuizLater(x: number) {
    this.spawn(async (g) => {
      const answer = await this.call("ask", [x], { timeout: CALL_TIMEOUT_MS, signal: g });
      runOf(this).answers.push(answer);
      this.emit("told", answer);
    });
    return "spawned";
  }
  async onQuizPair() {
    return await this.call("pair", [], { timeout: CALL_TIMEOUT_MS });
  }
  async onQuizPairAll() {
    return await this.call("pair", [], { timeout: CALL_TIMEOUT_MS, all: true });
  }
  onChatMessage(text: string) {
    return ack("got", text, text.length);
  }
  onBye() {
    this.disconnect();
  }
}

class Guarded extends Recorded {
  static override acl = ["login", "bye"];
  #user = "nobody";
  onLogin(user: string) {
    this.#user = user;
    this.liftAcl();
    return `welcome ${user}`;
  }
  onSecret() {
    return `the secret of ${this.#user}`;
  }
  onBye() {
    this.disconnect();
  }
}

class Chat extends Recorded {
  async onJoin(room: string) {
    await this.join(room);
    return room;
  }
  onSay(room: string, text: string) {
    return this.emitToRoom(room, "said", text, this.socket.id);
  }
  onBye() {
    this.disconnect();
  }
}

class Jobs extends Recorded {
  onStart() {
    const run = runOf(this);
    this.spawn(async (g) => {
      run.parked.resolve();
      try {
        await sleep(60_000, { signal: g });
      } catch (error) {
        run.exits.push(error);
        throw error;
      }
    });
    return "started";
  }
}

const skip = pythonSocketioSkip();

describe("python-socketio's Client against BaseNamespace sessions", { skip }, () => {
  let server: TestServer;
  let app: MountedApp;
  const onError = recordOnError();
  const children: PythonClient[] = [];

  before(async () => {
    server = await startServer({ transports: ["polling", "websocket"] });
    app = mount(server.io, { "/app": App, "/guarded": Guarded, "/chat": Chat, "/jobs": Jobs }, { graceMs: 5000, onError: onError.onError });
  });

  after(async () => {
    await Promise.all(children.map((child) => child.kill()));
    await app.close();
    await server.close();
  });

  function python(transport: string, scenario: string, run: string): PythonClient {
    const child = startPython("client.py", [server.url, transport, scenario, run]);
    children.push(child);
    return child;
  }

  /** Runs `scenario` to its end; the observations by step. A "failed" step fails the test. */
  async function completed(transport: string, scenario: string, run: string): Promise<Map<string, Observation>> {
    const child = python(transport, scenario, run);
    const code = await child.exited;
    const failed = child.observations.find((o) => o.step === "failed");
    assert.equal(failed, undefined, `${JSON.stringify(failed)}\nstderr:\n${child.stderr()}`);
    assert.equal(code, 0, `client.py ${scenario} exited ${code}; stderr:\n${child.stderr()}`);
    return new Map(child.observations.map((o) => [o.step, o]));
  }

  const bytes = (hex: string) => ({ bytes: hex });
  const hexOf = (value: unknown) => (Buffer.isBuffer(value) ? value.toString("hex") : `not a Buffer: ${String(value)}`);

  for (const transport of ["websocket", "polling"] as const) {
    describe(`over ${transport}`, () => {
      const tag = `features-${transport}`;
      let steps: Map<string, Observation>;
      let run: Run;

      before(async () => {
        onError.calls.length = 0;
        steps = await completed(transport, "features", tag);
        run = runs.get(tag)!;
        await run.ended(2);
      });

      test("one connection carries two namespaces, each its own session", () => {
        const { eio, app: appSid, guarded, transport: used } = steps.get("connected")!;
        assert.equal(used, transport);
        const sessions = run.sessions;
        assert.deepEqual([...sessions.keys()], ["/app", "/guarded"]);
        assert.deepEqual(
          [...sessions.values()].map(({ id, conn, transport }) => ({ id, conn, transport })),
          [
            { id: appSid, conn: eio, transport },
            { id: guarded, conn: eio, transport },
          ],
        );
        assert.notEqual(appSid, guarded);
      });

      test("a handler's return value is the ack python's call() returns; no value acks None", () => {
        assert.deepEqual(steps.get("acks"), {
          step: "acks",
          add: 5,
          echo: { list: [1, null, "x"], nested: { ok: true }, text: "h\u00e9llo" },
          none: null,
        });
      });

      test("a handler's own error reaches python masked, on the error event and in the ack; onError gets it in full", () => {
        const internal = { name: "InternalError", message: "internal error" };
        assert.deepEqual(steps.get("internal error"), {
          step: "internal error",
          ack: { error: internal },
          report: [{ ...internal, event: "explode" }],
        });
        const handlerErrors = onError.calls.map(({ error, context }) => ({
          message: (error as Error).message,
          kind: context.kind,
          namespace: context.namespace,
          event: context.event,
          sessionId: context.sessionId,
        }));
        assert.deepEqual(handlerErrors, [
          { message: "the database password is hunter2", kind: "handler", namespace: "/app", event: "explode", sessionId: run.sessions.get("/app")!.id },
        ]);
      });

      test("a ClientError subclass reaches python with its own name and message", () => {
        const refused = { name: "RoomFullError", message: "room lobby is full" };
        assert.deepEqual(steps.get("client error"), { step: "client error", ack: { error: refused }, report: [{ ...refused, event: "refuse" }] });
      });

      test("static acl refuses an event with AccessDeniedError until the login handler lifts it", () => {
        const denied = { name: "AccessDeniedError", message: 'event "secret" is not allowed' };
        assert.deepEqual(steps.get("acl"), {
          step: "acl",
          denied: { error: denied },
          report: [{ ...denied, event: "secret" }],
          login: "welcome alice",
          after: "the secret of alice",
        });
      });

      test("a zod tuple schema refuses a bad payload with ValidationError and passes a good one", () => {
        const invalid = { name: "ValidationError", message: 'invalid payload for event "move": [0].y: Invalid input: expected number, received string' };
        assert.deepEqual(steps.get("validation"), { step: "validation", bad: { error: invalid }, report: [{ ...invalid, event: "move" }], good: 3 });
      });

      test("python bytes arrive as Node Buffers and Buffers go back as python bytes, byte for byte", () => {
        const [reversed, wrapped] = run.received as [Buffer, { name: string; data: Buffer }];
        assert.equal(hexOf(reversed), "00017f80feff");
        assert.equal(wrapped.name, "photo");
        assert.equal(hexOf(wrapped.data), Buffer.from(Array.from({ length: 256 }, (_, i) => i)).toString("hex"));
        assert.deepEqual(steps.get("binary"), {
          step: "binary",
          reversed: bytes("fffe807f0100"),
          reversed_type: "bytes",
          wrapped: { name: "photo", size: 256, tail: bytes("fdfeff") },
          sent: true,
          pushed: [bytes("00ff0a0d"), { inner: bytes("c3a974c3a9") }],
        });
      });

      test("call() from a handler and from a session greenlet gets python's handler return value; a tuple acks several values, call() takes the first, call({ all: true }) all", () => {
        assert.deepEqual(steps.get("server call"), {
          step: "server call",
          quiz: { "server saw": { doubled: 42 } },
          later: "spawned",
          told: [{ doubled: 10 }],
          asked: [21, 5],
          pair: 1,
          pair_all: [1, "two"],
        });
        assert.deepEqual(run.answers, [{ doubled: 10 }]);
      });

      test('"chat:message" and "chat.message" reach onChatMessage; ack(a, b, c) reaches python as a tuple of three', () => {
        assert.deepEqual(steps.get("conventions"), { step: "conventions", colon: ["got", "hi", 2], dot: ["got", "yo!", 3] });
      });

      test("disconnect() from the server ends both sessions; python hears both namespaces close", () => {
        assert.deepEqual(steps.get("bye"), { step: "bye", goodbye: [[], []], connected: false });
        assert.deepEqual(
          run.hooks.map(({ namespace, reason }) => ({ namespace, reason })).sort((a, b) => a.namespace.localeCompare(b.namespace)),
          [
            { namespace: "/app", reason: "server namespace disconnect" },
            { namespace: "/guarded", reason: "server namespace disconnect" },
          ],
        );
      });

      test("emitToRoom reaches the other python client in the room, not the sender", async () => {
        const roomTag = `rooms-${transport}`;
        const steps = await completed(transport, "rooms", roomTag);
        const rooms = steps.get("rooms")!;
        assert.deepEqual(rooms, {
          step: "rooms",
          a: rooms.a,
          b: rooms.b,
          joined: ["lobby", "lobby"],
          said: true,
          b_heard: ["hi from a", rooms.a],
          a_heard: [],
        });
        assert.equal(typeof rooms.a, "string");
        const run = runs.get(roomTag)!;
        await run.ended(2);
        assert.deepEqual(run.hooks.map(({ reason }) => reason), ["server namespace disconnect", "server namespace disconnect"]);
        assert.deepEqual(steps.get("bye"), { step: "bye", goodbye: [[], []] });
      });

      test("a SIGKILLed python process is reaped: GreenletExit with socket.io's reason, stats back to 0, the hook once", async () => {
        const jobsTag = `idle-${transport}`;
        const before = app.stats();
        const child = python(transport, "idle", jobsTag);
        const started = await child.step("started");
        const jobs = runs.get(jobsTag)!;
        await jobs.parked.promise;
        const session = jobs.sessions.get("/jobs")!;
        assert.deepEqual(started, { step: "started", sid: session.id, ack: "started" });
        assert.deepEqual(app.stats(), { ...before, sessions: 1, greenlets: 1 });
        // Over polling the connection is only seen to drop while a long-poll GET is pending; the
        // client sends the next one right after each response, so wait for it rather than race it.
        const engine = session.instance.socket.conn.transport;
        if (!engine.writable) await once(engine, "ready");

        assert.equal(await child.kill(), "SIGKILL");
        await jobs.ended(1);
        const reason = transport === "websocket" ? "transport close" : "transport error";
        assert.deepEqual(jobs.hooks, [{ namespace: "/jobs", id: session.id, reason }]);
        assert.equal(jobs.exits.length, 1);
        const exit = jobs.exits[0] as GreenletExit;
        assert.ok(exit instanceof GreenletExit);
        assert.equal(exit.reason, reason);
        assert.deepEqual(app.stats(), { ...before, sessions: 0, greenlets: 0, reaped: before.reaped + 1 });
        assert.equal(session.instance.connected, false);
      });
    });
  }

  test("every session's disconnected() hook ran exactly once; app.close() finds nothing left", async () => {
    await app.close();
    for (const [tag, run] of runs) {
      assert.deepEqual(run.hooks.map(({ id }) => id).sort(), [...run.opened].sort(), tag);
    }
    assert.deepEqual([app.stats().sessions, app.stats().greenlets, app.stats().stragglers], [0, 0, 0]);
  });
});
