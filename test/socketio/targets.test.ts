// Room targets (to / except, socket.io's builder style), listing a room's sessions (sessionsIn),
// and room sends from a session that is closing or from its disconnected() hook: first on one
// node (the in-memory adapter), then across two nodes over a real redis-server.
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { createAdapter } from "@socket.io/redis-adapter";
import { createClient } from "redis";
import { GreenletExit, TimeoutError, sleep } from "../../src/index.js";
import { BaseNamespace, mount, type MountedApp, type SessionInfo } from "../../src/socketio/index.js";
import { nextEvent, signal, startServer, type ClientSocket, type TestServer } from "./harness.js";
import { redisSkip, startRedis, waitForAdapters, type RedisServer } from "../redis-server.js";

interface Data {
  nick?: string;
}

/** Sessions as sessionsIn reports them, reduced to what the tests compare. */
function summary(sessions: SessionInfo<Data>[]): string[] {
  return sessions.map((s) => `${s.data.nick ?? "?"} [${[...s.rooms].filter((r) => r !== s.id).sort().join(",")}]`).sort();
}

/** What each session's disconnected() hook sent, by socket id, for the sessions a test waits for. */
const hooks = new Map<string, ReturnType<typeof signal<string[]>>>();

/** Resolves with what the hook of `client`'s session sent, once it has run. */
function hookOf(client: ClientSocket): Promise<string[]> {
  const hook = signal<string[]>();
  hooks.set(client.id!, hook);
  return hook.promise;
}

class Chat extends BaseNamespace<Data> {
  private room: string | undefined;

  onPing() {
    return "pong";
  }
  onNick(nick: string) {
    this.data.nick = nick;
    return nick;
  }
  async onJoin(...rooms: string[]) {
    for (const room of rooms) await this.join(room);
    this.room = rooms[0];
    return rooms.length;
  }
  onTo(rooms: string | string[], text: string) {
    return this.to(rooms).emit("said", text);
  }
  onToExcept(rooms: string | string[], except: string | string[], text: string) {
    return this.to(rooms).except(except).emit("said", text);
  }
  onExcept(except: string | string[], text: string) {
    return this.except(except).emit("said", text);
  }
  onChained(text: string) {
    const lobby = this.to("lobby");
    const quiet = lobby.except("muted");
    const wider = lobby.to("eu");
    return [quiet.emit("said", `${text} (quiet)`), lobby.emit("said", `${text} (lobby)`), wider.emit("said", `${text} (wider)`)];
  }
  onBadRooms() {
    const messages: string[] = [];
    for (const attempt of [() => this.to(42 as never), () => this.to(["lobby", 7] as never), () => this.except(undefined as never), () => this.to("lobby").except(null as never)]) {
      try {
        attempt();
      } catch (error) {
        messages.push(`${(error as Error).name}: ${(error as Error).message}`);
      }
    }
    return messages;
  }
  async onWho(rooms: string | string[]) {
    return summary(await this.sessionsIn(rooms));
  }
  onLinger(room: string) {
    this.room = room;
    this.spawn(async (g) => {
      try {
        await sleep(60_000, { signal: g });
      } finally {
        // Reaping: the session is closing, the client is gone, the room still hears.
        this.to(room).emit("said", `${this.data.nick} is closing (connected=${this.connected})`);
      }
    });
  }
  override async disconnected(reason: string) {
    if (this.room === undefined) return;
    const sent = [
      `to: ${this.to(this.room).emit("said", `${this.data.nick} left (${reason})`)}`,
      `emitToRoom: ${this.emitToRoom(this.room, "said", "emitToRoom from the hook")}`,
      `broadcastEvent: ${this.broadcastEvent("everyone", `${this.data.nick} is gone`)}`,
      `emit to self: ${this.emit("said", "nobody hears this")}`,
      `members: ${summary(await this.sessionsIn(this.room)).join(" ")}`,
    ];
    hooks.get(this.socket.id)?.resolve(sent);
  }
}

/** Records the "said" events of each client, by client name. */
function hear(clients: Record<string, ClientSocket>, event = "said"): string[] {
  const heard: string[] = [];
  for (const [name, client] of Object.entries(clients)) client.on(event, (text: string) => heard.push(`${name}: ${text}`));
  return heard;
}

/** A round trip on every client: whatever was sent to them before has arrived. */
async function flush(clients: ClientSocket[]): Promise<void> {
  await Promise.all(clients.map((c) => c.emitWithAck("ping")));
}

describe("one node", () => {
  let server: TestServer;
  let app: MountedApp;

  before(async () => {
    server = await startServer();
    app = mount(server.io, { "/chat": Chat }, { graceMs: 1000 });
  });

  after(async () => {
    await app.close();
    await server.close();
  });

  /** Connects clients with the given nicknames, each joining the given rooms. */
  async function clients(spec: Record<string, string[]>): Promise<Record<string, ClientSocket>> {
    const result: Record<string, ClientSocket> = {};
    for (const [nick, rooms] of Object.entries(spec)) {
      const client = await server.connect("/chat");
      await client.emitWithAck("nick", nick);
      if (rooms.length > 0) await client.emitWithAck("join", ...rooms);
      result[nick] = client;
    }
    return result;
  }

  function disconnectAll(all: Record<string, ClientSocket>): void {
    for (const client of Object.values(all)) client.disconnect();
  }

  test("to(room).emit reaches the room's members but not the sender; to(rooms) reaches each member of any of them once", async () => {
    const all = await clients({ ann: ["lobby", "eu"], bob: ["lobby", "eu"], cat: ["eu"], dan: ["us"], eve: [] });
    const heard = hear(all);
    assert.equal(await all.ann!.emitWithAck("to", "lobby", "hello lobby"), true);
    assert.equal(await all.ann!.emitWithAck("to", ["lobby", "eu", "us"], "hello world"), true);
    await flush(Object.values(all));
    assert.deepEqual(heard.sort(), ["bob: hello lobby", "bob: hello world", "cat: hello world", "dan: hello world"]);
    disconnectAll(all);
  });

  test("except(rooms) leaves out the sessions in those rooms, from a room target and from the whole namespace", async () => {
    const all = await clients({ ann: ["lobby"], bob: ["lobby", "muted"], cat: ["lobby"], dan: [] });
    const heard = hear(all);
    assert.equal(await all.ann!.emitWithAck("to except", "lobby", "muted", "quiet please"), true);
    assert.equal(await all.ann!.emitWithAck("except", ["muted"], "to everyone unmuted"), true);
    await flush(Object.values(all));
    assert.deepEqual(heard.sort(), ["cat: quiet please", "cat: to everyone unmuted", "dan: to everyone unmuted"]);
    disconnectAll(all);
  });

  test("a target is immutable: to() and except() return new targets and leave the one they came from unchanged", async () => {
    const all = await clients({ ann: ["lobby"], bob: ["lobby", "muted"], cat: ["eu"] });
    const heard = hear(all);
    assert.deepEqual(await all.ann!.emitWithAck("chained", "hi"), [true, true, true]);
    await flush(Object.values(all));
    assert.deepEqual(heard.sort(), ["bob: hi (lobby)", "bob: hi (wider)", "cat: hi (wider)"]);
    disconnectAll(all);
  });

  test("to([]) targets no one: emit sends nothing and returns false", async () => {
    const all = await clients({ ann: ["lobby"], bob: ["lobby"], cat: [] });
    const heard = hear(all);
    assert.equal(await all.ann!.emitWithAck("to", [], "to nobody"), false);
    assert.equal(await all.ann!.emitWithAck("to except", [], "lobby", "still nobody"), false);
    await flush(Object.values(all));
    assert.deepEqual(heard, []);
    disconnectAll(all);
  });

  test("rooms that are not strings are a TypeError at the call, naming the call and the room", async () => {
    const all = await clients({ ann: [] });
    assert.deepEqual(await all.ann!.emitWithAck("bad rooms"), [
      "TypeError: BaseNamespace.to(): expected room to be a string or an iterable of strings, got 42 (number)",
      "TypeError: BaseNamespace.to(): expected room[1] to be a string, got 7 (number)",
      "TypeError: BaseNamespace.except(): expected room to be a string or an iterable of strings, got undefined",
      "TypeError: Targets.except(): expected room to be a string or an iterable of strings, got null",
    ]);
    disconnectAll(all);
  });

  test("sessionsIn lists the sessions in any of the rooms, the caller included, as { id, data, rooms }", async () => {
    const all = await clients({ ann: ["lobby"], bob: ["lobby", "eu"], cat: ["eu"], dan: [] });
    assert.deepEqual(await all.ann!.emitWithAck("who", "lobby"), ["ann [lobby]", "bob [eu,lobby]"]);
    assert.deepEqual(await all.dan!.emitWithAck("who", ["lobby", "eu"]), ["ann [lobby]", "bob [eu,lobby]", "cat [eu]"]);
    assert.deepEqual(await all.dan!.emitWithAck("who", []), []);
    assert.deepEqual(await all.dan!.emitWithAck("who", "nowhere"), []);
    disconnectAll(all);
  });

  test("disconnected() can announce to its room: the other members hear it, emit to the session itself returns false", async () => {
    const all = await clients({ ann: ["lobby"], bob: ["lobby"], cat: [] });
    const heard = hear(all);
    const everyone = hear(all, "everyone");
    const hook = hookOf(all.ann!);
    const bobHeard = nextEvent(all.bob!, "everyone");
    all.ann!.disconnect();
    assert.deepEqual(await hook, [
      "to: true",
      "emitToRoom: true",
      "broadcastEvent: true",
      "emit to self: false",
      "members: bob [lobby]",
    ]);
    await bobHeard;
    await flush([all.bob!, all.cat!]);
    assert.deepEqual(heard, ["bob: ann left (client namespace disconnect)", "bob: emitToRoom from the hook"]);
    assert.deepEqual(everyone.sort(), ["bob: ann is gone", "cat: ann is gone"]);
    disconnectAll(all);
  });

  test("a session greenlet's cleanup can send to its room while the session is closing", async () => {
    const all = await clients({ ann: ["lobby"], bob: ["lobby"] });
    await all.ann!.emitWithAck("linger", "lobby");
    const hook = hookOf(all.ann!);
    const heard = nextEvent(all.bob!, "said");
    all.ann!.disconnect();
    assert.deepEqual(await heard, ["ann is closing (connected=false)"]);
    await hook;
    disconnectAll(all);
  });
});

describe("sessionsIn options", () => {
  let server: TestServer;
  let app: MountedApp;
  const instances: Chat[] = [];

  class Listed extends Chat {
    override initialize() {
      instances.push(this);
    }
  }

  before(async () => {
    server = await startServer();
    app = mount(server.io, { "/slow": Listed }, { graceMs: 1000 });
    // A node that never answers: the adapter's fetchSockets() never settles.
    server.io.of("/slow").adapter.fetchSockets = () => new Promise(() => {});
  });

  after(async () => {
    await app.close();
    await server.close();
  });

  test("sessionsIn rejects with TimeoutError on its own timeout, with signal.reason on abort, at once when already aborted", async () => {
    const client = await server.connect("/slow");
    const instance = instances.at(-1)!;
    const timedOut = await instance.sessionsIn("lobby", { timeout: 10 }).catch((error: unknown) => error);
    assert.ok(timedOut instanceof TimeoutError);
    assert.equal(timedOut.message, "BaseNamespace.sessionsIn(): no answer from every node within 10 ms");
    assert.equal(timedOut.ms, 10);
    const controller = new AbortController();
    const pending = instance.sessionsIn("lobby", { signal: controller.signal }).catch((error: unknown) => error);
    const reason = new Error("user gave up");
    controller.abort(reason);
    assert.equal(await pending, reason);
    const greenlet = instance.spawn(() => sleep(60_000));
    await greenlet.kill();
    const killed = await instance.sessionsIn("lobby", { signal: greenlet }).catch((error: unknown) => error);
    assert.ok(killed instanceof GreenletExit);
    client.disconnect();
  });

  test("sessionsIn throws a TypeError or RangeError at the call for malformed arguments", async () => {
    const client = await server.connect("/slow");
    const instance = instances.at(-1)!;
    assert.throws(() => instance.sessionsIn(5 as never), {
      name: "TypeError",
      message: "BaseNamespace.sessionsIn(): expected room to be a string or an iterable of strings, got 5 (number)",
    });
    assert.throws(() => instance.sessionsIn("lobby", { timeout: -1 }), {
      name: "RangeError",
      message: "BaseNamespace.sessionsIn(): expected timeout to be a number of milliseconds ≥ 0 or undefined, got -1 (number)",
    });
    assert.throws(() => instance.sessionsIn("lobby", "fast" as never), {
      name: "TypeError",
      message: 'BaseNamespace.sessionsIn(): expected options to be an object or undefined, got "fast" (string)',
    });
    client.disconnect();
  });
});

const skip = redisSkip();

describe("two nodes over redis", { skip }, () => {
  let redis: RedisServer;
  const nodes: { server: TestServer; app: MountedApp; close(): Promise<void> }[] = [];
  const redisErrors: Error[] = [];

  before(async () => {
    redis = await startRedis();
    for (let i = 0; i < 2; i++) {
      const server = await startServer();
      const pub = createClient({ url: redis.url });
      const sub = pub.duplicate();
      for (const client of [pub, sub]) client.on("error", (error: Error) => redisErrors.push(error));
      await Promise.all([pub.connect(), sub.connect()]);
      server.io.adapter(createAdapter(pub, sub));
      const app = mount(server.io, { "/chat": Chat }, { graceMs: 1000 });
      nodes.push({
        server,
        app,
        async close() {
          await app.close();
          await server.close();
          await Promise.all([pub.quit(), sub.quit()]);
        },
      });
    }
    await waitForAdapters(redis.url, "/chat", 2);
  });

  after(async () => {
    await Promise.all(nodes.map((node) => node.close()));
    await redis.stop();
    assert.deepEqual(redisErrors, []);
  });

  async function join(node: number, nick: string, ...rooms: string[]): Promise<ClientSocket> {
    const client = await nodes[node]!.server.connect("/chat");
    await client.emitWithAck("nick", nick);
    if (rooms.length > 0) await client.emitWithAck("join", ...rooms);
    return client;
  }

  test("to(room).except(room) reaches the right members on the other node; sessionsIn lists both nodes", async () => {
    const ann = await join(0, "ann", "lobby");
    const bob = await join(1, "bob", "lobby");
    const cat = await join(1, "cat", "lobby", "muted");
    const heard = hear({ ann, bob, cat });
    const bobHeard = nextEvent(bob, "said");
    assert.equal(await ann.emitWithAck("to except", "lobby", "muted", "across nodes"), true);
    await bobHeard;
    assert.deepEqual(await ann.emitWithAck("who", "lobby"), ["ann [lobby]", "bob [lobby]", "cat [lobby,muted]"]);
    await flush([ann, bob, cat]);
    assert.deepEqual(heard, ["bob: across nodes"]);
    for (const client of [ann, bob, cat]) client.disconnect();
  });

  test("disconnected() on one node announces to the room's members on the other", async () => {
    const ann = await join(0, "ann", "lobby");
    const bob = await join(1, "bob", "lobby");
    const annHook = hookOf(ann);
    const bobHeard = nextEvent(bob, "said");
    ann.disconnect();
    assert.deepEqual(await bobHeard, ["ann left (client namespace disconnect)"]);
    assert.equal((await annHook).at(-1), "members: bob [lobby]");
    // bob's hook asks the other node too: let it finish before the nodes close.
    const bobHook = hookOf(bob);
    bob.disconnect();
    assert.equal((await bobHook).at(-1), "members: ");
  });
});
