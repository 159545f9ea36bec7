// Reference, socketio.md: a Redis subscriber per session. The session's greenlet opens its own
// Redis connection, subscribes and relays; "subscribe" adds channels; when the tab goes, the
// session reaps the greenlet, whose `finally` closes the connection: Redis then counts no
// subscriber on either channel. Uses REDIS_URL, or starts a redis-server of its own.
import { spawn as spawnProcess } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createClient } from "redis";
import { Server } from "socket.io";
import { io as connect } from "socket.io-client";
import { mount } from "greenthread/socketio";
import { createNewsNamespace } from "../cluster/news.js";

let redis: ReturnType<typeof spawnProcess> | undefined;
let redisUrl = process.env.REDIS_URL;
if (redisUrl === undefined) {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  redis = spawnProcess("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]);
  let output = "";
  for await (const chunk of redis.stdout!) {
    output += String(chunk);
    if (output.includes("Ready to accept connections")) break;
  }
  redisUrl = `redis://127.0.0.1:${port}`;
}

const base = createClient({ url: redisUrl });
await base.connect();
const http = createServer();
const io = new Server(http);
const app = mount(io, { "/news": createNewsNamespace(base) });
await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;

const numsub = async (...channels: string[]) => ({ ...(await base.pubSubNumSub(channels)) });

const tab = connect(`${url}/news`, { transports: ["websocket"], auth: { channel: "news:general" } });
const heard: string[] = [];
tab.on("news", (channel: string, message: string) => heard.push(`${channel}: ${message}`));
console.log(await tab.emitWithAck("subscribe", "news:sports"));
await base.publish("news:general", "rain tomorrow");
await base.publish("news:sports", "3-1");
while (heard.length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
console.log("the tab heard:", heard);
console.log("subscribers while open:", await numsub("news:general", "news:sports"));

tab.disconnect();
while (app.stats().sessions > 0) await new Promise((resolve) => setTimeout(resolve, 10));
console.log("subscribers after the tab left:", await numsub("news:general", "news:sports"));
console.log(app.stats());

await app.close();
await io.close();
await base.quit();
if (redis !== undefined) {
  redis.kill();
  await once(redis, "exit");
}
