// The dashboard with REDIS_URL: two servers share chat rooms through the Redis adapter, and each
// reaps only the sessions it owns.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { io as connect, type Socket as ClientSocket } from "socket.io-client";
import { startDashboard, type Dashboard } from "../../examples/dashboard/server.js";
import { redisSkip, startRedis, waitForAdapters, type RedisServer } from "../redis-server.js";

const skip = redisSkip();
let redis: RedisServer | undefined;
let one: Dashboard;
let two: Dashboard;

before(async () => {
  if (skip !== false) return;
  redis = await startRedis();
  [one, two] = await Promise.all([startDashboard({ port: 0, redisUrl: redis.url }), startDashboard({ port: 0, redisUrl: redis.url })]);
  await waitForAdapters(redis.url, "/chat", 2);
});

after(async () => {
  if (redis === undefined) return;
  for (const node of [one, two]) {
    await node.close();
    node.http.close();
  }
  await redis.stop();
});

async function chatter(node: Dashboard, nick: string): Promise<ClientSocket> {
  const socket = connect(`${node.url}/chat`, { transports: ["websocket"], forceNew: true, reconnection: false });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("connect_error", reject);
  });
  assert.deepEqual(await socket.emitWithAck("nickname", nick), { nick });
  return socket;
}

test("with REDIS_URL, chat rooms and nicknames span two dashboard servers", { skip, timeout: 30_000 }, async () => {
  const ada = await chatter(one, "ada");
  const bob = await chatter(two, "bob");
  // Nicknames are unique across the nodes: node two sees that node one's session holds "ada".
  assert.deepEqual(await bob.emitWithAck("nickname", "ada"), { error: { name: "NicknameTakenError", message: "the nickname ada is taken; choose another" } });
  assert.deepEqual(await bob.emitWithAck("nickname", "bob"), { nick: "bob" });
  await ada.emitWithAck("join", "lobby");
  const joined = (await bob.emitWithAck("join", "lobby")) as { room: string; online: string[] };
  assert.deepEqual(joined, { room: "lobby", online: ["ada", "bob"] }, "the online list is gathered from both nodes");

  const heard = new Promise<{ nick: string; text: string }>((resolve) => bob.once("message", resolve));
  await ada.emitWithAck("message", "hello across nodes");
  const message = await heard;
  assert.equal(message.nick, "ada");
  assert.equal(message.text, "hello across nodes");

  // Each node counts only its own sessions.
  assert.equal(one.context.app!.stats().sessions, 1);
  assert.equal(two.context.app!.stats().sessions, 1);
  const left = new Promise((resolve) => bob.once("online", resolve));
  ada.disconnect();
  assert.deepEqual(await left, ["bob"]);
  bob.disconnect();
});
