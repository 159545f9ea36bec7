// HTTP long-polling on several processes: Node's `cluster` with @socket.io/sticky. The primary owns
// the port and hands each request to the worker that holds its engine.io session (a polling
// client makes many requests, and every one must reach the process that knows its session id);
// the workers share rooms and broadcasts through Redis. Each worker runs greenthread's layer and
// owns, and reaps, the greenlets of its own sessions.
//
//   REDIS_URL=redis://127.0.0.1:6379 PORT=8080 WORKERS=2 npx tsx examples/cluster/sticky.ts
import cluster from "node:cluster";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { setupMaster, setupWorker } from "@socket.io/sticky";
import { createAdapter } from "@socket.io/redis-adapter";
import { createClient } from "redis";
import { Server } from "socket.io";
import { BaseNamespace, mount } from "greenthread/socketio";

const workers = Number(process.env.WORKERS ?? 2);
const redisUrl = process.env.REDIS_URL;
if (redisUrl === undefined || redisUrl === "") {
  console.error("sticky: set REDIS_URL to a running Redis (the workers share rooms through it)");
  process.exit(2);
}

if (cluster.isPrimary) {
  const http = createServer();
  // Without this the primary would let any worker answer any request: a polling session breaks
  // on its second request ("Session ID unknown").
  setupMaster(http, { loadBalancingMethod: "least-connection" });
  // The primary forwards the first bytes of each request as a Buffer: IPC must carry binary data.
  cluster.setupPrimary({ serialization: "advanced" });
  let ready = 0;
  for (let i = 0; i < workers; i++) {
    cluster.fork().on("message", (message: unknown) => {
      if (message !== "ready" || ++ready < workers) return;
      http.listen(Number(process.env.PORT ?? 8080), "127.0.0.1", () => {
        console.log(`sticky: http://127.0.0.1:${(http.address() as AddressInfo).port} (${workers} workers)`);
      });
    });
  }
  const stop = () => {
    http.close();
    // The primary holds the clients' connections until they go: leave once every worker is done.
    cluster.on("exit", () => {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
    });
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill("SIGTERM");
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
} else {
  const workerId = `worker-${cluster.worker!.id}`;

  class ChatNamespace extends BaseNamespace {
    onWhere() {
      return workerId;
    }
    async onJoin(room: string) {
      await this.join(room);
      return workerId;
    }
    onSay(room: string, text: string) {
      return this.emitToRoom(room, "said", workerId, text); // to the room's members in every worker
    }
  }

  const pub = createClient({ url: redisUrl });
  const sub = pub.duplicate();
  await Promise.all([pub.connect(), sub.connect()]);
  // The worker's server never listens: the primary passes it each connection.
  const io = new Server(createServer());
  io.adapter(createAdapter(pub, sub));
  setupWorker(io);
  const app = mount(io, { "/chat": ChatNamespace }, { nodeId: workerId });
  process.once("SIGTERM", async () => {
    await app.close();
    await io.close();
    await Promise.allSettled([pub.quit(), sub.quit()]);
    process.exit(0);
  });
  process.send!("ready");
}
