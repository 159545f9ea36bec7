// Rosetta page (docs/rosetta.md), the greenthread column: a socket.io namespace. One instance per
// session, a method per client event whose return value is the ack, greenlets owned by the
// session and reaped when it ends.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Server } from "socket.io";
import { io as connect } from "socket.io-client";
import { sleep } from "greenthread";
import { BaseNamespace, mount } from "greenthread/socketio";

class ChatNamespace extends BaseNamespace {
  onEcho(text: string) {
    return `echo: ${text}`; // the ack
  }

  onTicks(count: number) {
    this.spawn(async (g) => { // owned by the session: killed when it ends
      for (let i = 1; i <= count; i++) {
        await sleep(20, { signal: g });
        this.emit("tick", i);
      }
    });
  }

  override disconnected(reason: string) { // after the session's greenlets were reaped
    console.log(`socket.io: session ended (${reason})`);
  }
}

const http = createServer();
const io = new Server(http);
const app = mount(io, { "/chat": ChatNamespace });
await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));

const client = connect(`http://127.0.0.1:${(http.address() as AddressInfo).port}/chat`, { transports: ["websocket"] });
console.log("socket.io:", await client.emitWithAck("echo", "hi"));
const second = new Promise<void>((resolve) => client.on("tick", (i: number) => i === 2 && resolve()));
await client.emitWithAck("ticks", 1000);
await second;
client.disconnect(); // 998 ticks to go: the session reaps the greenlet
while (app.stats().sessions > 0) await sleep(10);
console.log("socket.io:", app.stats());
await app.close();
await io.close();
