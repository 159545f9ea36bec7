// Reference, socketio.md: two nodes in one process, sharing rooms and broadcasts through Redis.
// A broadcast from a session on node 1 reaches a client of node 2; each node counts and reaps
// only its own sessions' greenlets. Uses REDIS_URL, or starts a redis-server of its own.
import { spawn as spawnProcess } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { createAdapter } from "@socket.io/redis-adapter";
import { createClient } from "redis";
import { Server } from "socket.io";
import { io as connect } from "socket.io-client";
import { sleep } from "greenthread";
import { BaseNamespace, mount } from "greenthread/socketio";

class ChatNamespace extends BaseNamespace {
  onSay(text: string) {
    this.broadcastEventNotMe("message", text); // to the sessions of every node
  }
  onTyping() {
    this.spawn(async (g) => {
      await sleep(60_000, { signal: g }); // reaped when the session ends, on this node
    });
  }
}

async function startNode(redisUrl: string) {
  const pub = createClient({ url: redisUrl });
  const sub = pub.duplicate();
  await Promise.all([pub.connect(), sub.connect()]);
  const http = createServer();
  const io = new Server(http);
  io.adapter(createAdapter(pub, sub));     // before mount()
  const app = mount(io, { "/chat": ChatNamespace });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  return { pub, sub, io, app, url: `http://127.0.0.1:${(http.address() as AddressInfo).port}` };
}

let redis: ReturnType<typeof spawnProcess> | undefined;
let redisUrl = process.env.REDIS_URL;
if (redisUrl === undefined) {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  redis = spawnProcess("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]);
  redis.stderr!.pipe(process.stderr);
  let output = "";
  for await (const chunk of redis.stdout!) {
    output += String(chunk);
    if (output.includes("Ready to accept connections")) break;
  }
  redisUrl = `redis://127.0.0.1:${port}`;
}

const nodes = [await startNode(redisUrl), await startNode(redisUrl)];
// Replies on one connection come in order: once this subscription is confirmed, the adapter's
// own subscriptions (made at mount()) are active, and a broadcast cannot miss a node.
for (const node of nodes) await node.sub.subscribe("ready", () => {});

const alice = connect(`${nodes[0]!.url}/chat`, { transports: ["websocket"] });
const bob = connect(`${nodes[1]!.url}/chat`, { transports: ["websocket"] });
const heard = new Promise<string>((resolve) => bob.on("message", resolve));
await new Promise<void>((resolve) => bob.once("connect", resolve)); // node 2 has bob's session
await alice.emitWithAck("typing");
await alice.emitWithAck("say", "hello from node 1");
console.log("bob, on node 2, heard:", await heard);
// With a Redis adapter, stats() also counts the sends that never reached Redis (adapterErrors).
const line = (stats: object) => inspect(stats, { breakLength: Infinity });
console.log("node 1:", line(nodes[0]!.app.stats()));
console.log("node 2:", line(nodes[1]!.app.stats()));

alice.disconnect();
bob.disconnect();
for (const node of nodes) {
  await node.app.close();
  await node.io.close();
  await Promise.all([node.pub.quit(), node.sub.quit()]);
  console.log("closed:", line(node.app.stats()));
}
if (redis !== undefined) {
  redis.kill();
  await once(redis, "exit");
}
