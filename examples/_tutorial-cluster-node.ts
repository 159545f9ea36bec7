// Tutorial, chapter 9: one node of the chat cluster, run as a child process by the chapter's
// programs (not on its own: it needs REDIS_URL and NODE_ID). It prints "listening <port>" once
// its adapter is subscribed, and on SIGTERM closes its app (reaping every session) and exits.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createAdapter } from "@socket.io/redis-adapter";
import { createClient } from "redis";
import { Server } from "socket.io";
import { Event } from "greenthread";
import { BaseNamespace, mount } from "greenthread/socketio";
import { createNewsNamespace } from "./cluster/news.js";

const nodeId = process.env.NODE_ID!;
const pub = createClient({ url: process.env.REDIS_URL! });
const sub = pub.duplicate();
await Promise.all([pub.connect(), sub.connect()]);

class ChatNamespace extends BaseNamespace<{ nick: string; node: string }> {
  private room = "";

  override async initialize() {
    const nick = (this.data.nick = String(this.socket.handshake.auth.nick));
    this.data.node = nodeId;
    await pub.sAdd("online", nick); // who is online, cluster-wide, kept in Redis
    this.spawn(async (g) => {
      try {
        await new Event().wait({ signal: g }); // parked for as long as the session lasts
      } finally {
        await pub.sRem("online", nick); // the session's cleanup: runs when it is reaped
      }
    });
  }

  async onJoin(room: string) {
    this.room = room;
    await this.join(room);
    const members = await this.sessionsIn(room); // the sessions of every node
    return members.map((s) => `${s.data.nick}@${s.data.node}`).sort();
  }

  onSay(text: string) {
    this.to(this.room).emit("message", `${this.data.nick}@${nodeId}: ${text}`); // through Redis
  }

  async onCluster() {
    const { self, nodes, totals, missing } = await app.clusterStats({ timeout: 1000 });
    return { self, nodes: Object.keys(nodes).sort(), totals, missing };
  }
}

const http = createServer();
const io = new Server(http, { transports: ["websocket"] });
io.adapter(createAdapter(pub, sub));
const app = mount(io, { "/chat": ChatNamespace, "/news": createNewsNamespace(pub) }, { nodeId });
// Replies on one connection come in order: once this is confirmed, the adapter's subscriptions are
// active and a broadcast from another node cannot miss this one.
await sub.subscribe(`ready:${nodeId}`, () => {});
await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
console.log(`listening ${(http.address() as AddressInfo).port}`);

process.once("SIGTERM", () => {
  void (async () => {
    await app.close(); // every session ends with "server shutting down", its greenlets reaped
    const { sessions, reaped } = app.stats();
    console.log(`${nodeId} closed: sessions ${sessions}, reaped in all ${reaped}`);
    await io.close();
    await Promise.all([pub.quit(), sub.quit()]);
  })();
});
