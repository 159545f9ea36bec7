// Two nodes (two socket.io servers in this process) sharing one real redis-server through
// @socket.io/redis-adapter: broadcasts and rooms cross nodes; greenlets live, and are reaped, on
// the node that owns the socket. The test starts its own redis-server on a free port, with no
// persistence, and stops it. Without redis-server it is skipped, except under CI=true.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createAdapter } from "@socket.io/redis-adapter";
import { createClient } from "redis";
import { sleep, type GreenletExit } from "../../src/index.js";
import { BaseNamespace, mount, type MountedApp } from "../../src/socketio/index.js";
import { nextEvent, signal, startServer, type ClientSocket, type TestServer } from "./harness.js";
import { redisSkip, startRedis, waitForAdapters, type RedisServer } from "../redis-server.js";

const skip = redisSkip();

const log: string[] = [];
const redisErrors: Error[] = [];
const hooks = new Map<string, ReturnType<typeof signal<string>>>();

class Chat extends BaseNamespace {
  async onJoin(room: string) {
    await this.join(room);
    return "joined";
  }
  onSay(room: string, text: string) {
    return this.emitToRoom(room, "said", text);
  }
  onAll(text: string) {
    return this.broadcastEvent("everyone", text);
  }
  onOthers(text: string) {
    return this.broadcastEventNotMe("others", text);
  }
  onWork(tag: string) {
    this.spawn(async (g) => {
      try {
        await sleep(60_000, { signal: g });
      } catch (error) {
        log.push(`${tag} reaped: ${String((error as GreenletExit).reason)}`);
      }
    });
    return this.greenlets.size;
  }
  override disconnected(reason: string) {
    hooks.get(this.socket.id)?.resolve(reason);
  }
}

interface Node {
  server: TestServer;
  app: MountedApp;
  close(): Promise<void>;
}

async function startNode(url: string): Promise<Node> {
  const server = await startServer();
  const pub = createClient({ url });
  const sub = pub.duplicate();
  for (const client of [pub, sub]) client.on("error", (error: Error) => redisErrors.push(error));
  await Promise.all([pub.connect(), sub.connect()]);
  server.io.adapter(createAdapter(pub, sub));
  const app = mount(server.io, { "/chat": Chat }, { graceMs: 60_000 });
  return {
    server,
    app,
    async close() {
      await app.close();
      await server.close();
      await Promise.all([pub.quit(), sub.quit()]);
    },
  };
}

let redis: RedisServer | undefined;
let one: Node;
let two: Node;

before(async () => {
  if (skip !== false) return;
  redis = await startRedis();
  [one, two] = await Promise.all([startNode(redis.url), startNode(redis.url)]);
  await waitForAdapters(redis.url, "/chat", 2);
});

after(async () => {
  if (redis === undefined) return;
  await Promise.all([one.close(), two.close()]);
  await redis.stop();
  assert.deepEqual(redisErrors, []);
});

/** A round trip on each client: what was sent to it before has arrived. */
async function flush(clients: ClientSocket[]): Promise<void> {
  await Promise.all(clients.map((client) => client.emitWithAck("join", "flush")));
}

test("broadcastEvent and broadcastEventNotMe reach clients on the other node", { skip }, async () => {
  const a = await one.server.connect("/chat");
  const b = await two.server.connect("/chat");
  const heard: string[] = [];
  for (const [name, client] of [["a", a], ["b", b]] as const) {
    client.on("everyone", (text: string) => heard.push(`${name} everyone ${text}`));
    client.on("others", (text: string) => heard.push(`${name} others ${text}`));
  }
  const bHeardAll = nextEvent(b, "everyone");
  assert.equal(await a.emitWithAck("all", "hi"), true);
  await bHeardAll;
  const bHeardOthers = nextEvent(b, "others");
  assert.equal(await a.emitWithAck("others", "psst"), true);
  await bHeardOthers;
  await flush([a, b]);
  assert.deepEqual(heard.sort(), ["a everyone hi", "b everyone hi", "b others psst"]);
  a.disconnect();
  b.disconnect();
});

test("emitToRoom reaches the room's members on the other node, not the sender", { skip }, async () => {
  const a = await one.server.connect("/chat");
  const b = await two.server.connect("/chat");
  const c = await two.server.connect("/chat");
  const heard: string[] = [];
  for (const [name, client] of [["a", a], ["b", b], ["c", c]] as const) client.on("said", (text: string) => heard.push(`${name} ${text}`));
  assert.equal(await a.emitWithAck("join", "lobby"), "joined");
  assert.equal(await b.emitWithAck("join", "lobby"), "joined");
  const bHeard = nextEvent(b, "said");
  assert.equal(await a.emitWithAck("say", "lobby", "hello from node one"), true);
  await bHeard;
  await flush([a, b, c]);
  assert.deepEqual(heard, ["b hello from node one"]);
  for (const client of [a, b, c]) client.disconnect();
});

test("greenlets live on the node that owns the socket, and that node reaps them", { skip }, async () => {
  log.length = 0;
  const a = await one.server.connect("/chat");
  const b = await two.server.connect("/chat");
  const aHook = signal<string>();
  hooks.set(a.id!, aHook);
  const before1 = one.app.stats();
  const before2 = two.app.stats();
  assert.equal(await a.emitWithAck("work", "a1"), 1);
  assert.equal(await a.emitWithAck("work", "a2"), 2);
  assert.equal(await b.emitWithAck("work", "b1"), 1);
  assert.equal(one.app.stats().greenlets, 2);
  assert.equal(two.app.stats().greenlets, 1);
  a.disconnect();
  assert.equal(await aHook.promise, "client namespace disconnect");
  assert.deepEqual(log.sort(), ["a1 reaped: client namespace disconnect", "a2 reaped: client namespace disconnect"]);
  assert.deepEqual(one.app.stats(), { ...before1, sessions: before1.sessions - 1, greenlets: 0, reaped: before1.reaped + 2 });
  assert.deepEqual(two.app.stats(), { ...before2, greenlets: 1 });
  const bHook = signal<string>();
  hooks.set(b.id!, bHook);
  b.disconnect();
  await bHook.promise;
  assert.deepEqual(log.sort(), ["a1 reaped: client namespace disconnect", "a2 reaped: client namespace disconnect", "b1 reaped: client namespace disconnect"]);
  assert.equal(two.app.stats().greenlets, 0);
});
