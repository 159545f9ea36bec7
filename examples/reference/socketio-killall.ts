// Reference, socketio.md: killAll() with greenlets spared. The heartbeat keeps running while the
// workers are killed.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Server } from "socket.io";
import { io as connect } from "socket.io-client";
import { sleep, type Greenlet } from "greenthread";
import { BaseNamespace, mount } from "greenthread/socketio";

class Jobs extends BaseNamespace {
  private heartbeat!: Greenlet<void>;

  override initialize() {
    this.heartbeat = this.spawn(async (g) => {
      for (;;) await sleep(30_000, { signal: g });
    });
    this.heartbeat.name = "heartbeat";
  }

  onWork(name: string) {
    this.spawn(async (g) => {
      await sleep(60_000, { signal: g });
    }).name = name;
    return this.names();
  }

  async onStop() {
    await this.killAll({ except: [this.heartbeat] }); // or { filter: (g) => g !== this.heartbeat }
    return this.names();
  }

  private names() {
    return [...this.greenlets].map((g) => g.name);
  }
}

const http = createServer();
const io = new Server(http);
const app = mount(io, { "/jobs": Jobs });
await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;

const client = connect(`${url}/jobs`, { transports: ["websocket"] });
await client.emitWithAck("work", "resize");
console.log("running:", await client.emitWithAck("work", "upload"));
console.log("after stop:", await client.emitWithAck("stop"));

await app.close();
client.disconnect();
await io.close();
