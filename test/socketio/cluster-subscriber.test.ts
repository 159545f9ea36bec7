// The per-session Redis subscriber of examples/cluster/news.ts against a real redis-server: each
// session's greenlet holds a subscribed connection of its own, "subscribe" adds channels, and when
// sessions end the greenlets are reaped and their connections closed, so Redis counts no
// subscriber and no extra connection once 200 sessions have come and gone.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createClient, type RedisClientType } from "redis";
import { mount, type MountedApp } from "../../src/socketio/index.js";
import { createNewsNamespace } from "../../examples/cluster/news.js";
import { redisSkip, startRedis, type RedisServer } from "../redis-server.js";
import { connected, startServer, type ClientSocket, type TestServer } from "./harness.js";

const skip = redisSkip();
let redis: RedisServer | undefined;
let base: RedisClientType<any, any, any>;
let server: TestServer;
let app: MountedApp;

before(async () => {
  if (skip !== false) return;
  redis = await startRedis();
  base = createClient({ url: redis.url });
  await base.connect();
  server = await startServer();
  app = mount(server.io, { "/news": createNewsNamespace(base) }, { graceMs: 5000 });
});

after(async () => {
  if (redis === undefined) return;
  await app.close();
  await server.close();
  await base.quit();
  await redis.stop();
});

async function connectedClients(): Promise<number> {
  const info = await base.info("clients");
  return Number(/connected_clients:(\d+)/.exec(info)![1]);
}

async function numsub(...channels: string[]): Promise<Record<string, number>> {
  return { ...(await base.pubSubNumSub(channels)) };
}

/** Redis notices a closed connection a moment after the client closed it: asks until `read` gives `expected` (at most 5 s). */
async function settlesTo<T>(read: () => Promise<T>, expected: T, message?: string): Promise<void> {
  for (let i = 0; i < 250; i++) {
    try {
      return assert.deepEqual(await read(), expected, message);
    } catch (error) {
      if (i === 249) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function sessionsGone(): Promise<void> {
  while (app.stats().sessions > 0) await new Promise((resolve) => setTimeout(resolve, 5));
}

function tab(channel: string): ClientSocket {
  return server.open("/news", { auth: { channel } });
}

test("each session relays its channels, the one it opened with and those onSubscribe added", { skip }, async () => {
  const one = await connected(tab("news:general"));
  const two = await connected(tab("news:weather"));
  assert.equal(await one.emitWithAck("subscribe", "news:sports"), "subscribed to news:sports");
  assert.equal(await two.emitWithAck("subscribe", "news:sports"), "subscribed to news:sports");
  assert.deepEqual(await numsub("news:general", "news:weather", "news:sports"), { "news:general": 1, "news:weather": 1, "news:sports": 2 });
  const heard: string[] = [];
  one.on("news", (channel: string, text: string) => heard.push(`one ${channel} ${text}`));
  two.on("news", (channel: string, text: string) => heard.push(`two ${channel} ${text}`));
  await base.publish("news:general", "g1");
  await base.publish("news:weather", "w1");
  await base.publish("news:sports", "s1");
  while (heard.length < 4) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.deepEqual(heard.sort(), ["one news:general g1", "one news:sports s1", "two news:sports s1", "two news:weather w1"]);
  assert.deepEqual(await one.emitWithAck("subscribe", "sports"), { error: { name: "ClientError", message: "no such channel: sports" } });
  one.disconnect();
  two.disconnect();
  await sessionsGone();
});

test("after 200 sessions came and went, Redis counts no subscriber and no connection of theirs", { skip, timeout: 60_000 }, async () => {
  const connectionsBefore = await connectedClients();
  const reapedBefore = app.stats().reaped;
  for (let batch = 0; batch < 10; batch++) {
    const tabs = await Promise.all(Array.from({ length: 20 }, () => connected(tab("news:general"))));
    // Half of them add a channel: what onSubscribe added must go with the connection as well.
    await Promise.all(tabs.slice(0, 10).map((client) => client.emitWithAck("subscribe", "news:extra")));
    assert.deepEqual(await numsub("news:general", "news:extra"), { "news:general": 20, "news:extra": 10 });
    assert.equal(await connectedClients(), connectionsBefore + 20);
    for (const client of tabs) client.disconnect();
    await sessionsGone();
    await settlesTo(connectedClients, connectionsBefore);
  }
  await settlesTo(() => numsub("news:general", "news:extra"), { "news:general": 0, "news:extra": 0 });
  await settlesTo(connectedClients, connectionsBefore, "every duplicated connection was closed");
  assert.deepEqual(app.stats(), { sessions: 0, greenlets: 0, reaped: reapedBefore + 200, stragglers: 0 });
});

test("a session that ends while its subscriber is still connecting closes the connection too", { skip }, async () => {
  const connectionsBefore = await connectedClients();
  const tabs = Array.from({ length: 10 }, () => tab("news:general"));
  await Promise.all(tabs.map(connected));
  // Disconnect at once: some greenlets are still inside connect() or subscribe().
  for (const client of tabs) client.disconnect();
  await sessionsGone();
  assert.equal(app.stats().stragglers, 0);
  await settlesTo(() => numsub("news:general"), { "news:general": 0 });
  await settlesTo(connectedClients, connectionsBefore);
});
