// Reference, socketio.md: acks with several arguments. A handler answers with ack(a, b, c);
// call() resolves with the client's first ack argument, or with { all: true } with all of them.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Server } from "socket.io";
import { io as connect } from "socket.io-client";
import { BaseNamespace, ack, mount } from "greenthread/socketio";

const cache = new Map([["a", { value: "apple", version: 3 }]]);

class Store extends BaseNamespace {
  onGet(key: string) {
    const entry = cache.get(key);
    return entry === undefined ? ack(false) : ack(true, entry.value, entry.version);
  }

  onKeys() {
    return [...cache.keys()]; // a plain array is one ack argument
  }

  async onSync() {
    const [count, newest] = await this.call("status", [], { all: true });
    const first = await this.call("status");
    return `client has ${String(count)}, newest ${String(newest)}; first argument alone: ${String(first)}`;
  }
}

const http = createServer();
const io = new Server(http);
const app = mount(io, { "/store": Store });
await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;

const client = connect(`${url}/store`, { transports: ["websocket"] });
client.on("status", (answer: (count: number, newest: string) => void) => answer(2, "b"));
await new Promise<void>((resolve) =>
  client.emit("get", "a", (found: boolean, value: string, version: number) => {
    console.log("get a:", found, value, version);
    resolve();
  }),
);
await new Promise<void>((resolve) =>
  client.emit("get", "z", (...args: unknown[]) => {
    console.log("get z:", args);
    resolve();
  }),
);
console.log("keys:", await client.emitWithAck("keys"));
console.log("sync:", await client.emitWithAck("sync"));

await app.close();
client.disconnect();
await io.close();
