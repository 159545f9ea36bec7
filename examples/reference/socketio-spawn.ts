// Reference, socketio.md: a session greenlet that watches a directory for its client; when the
// client goes away, the session kills it, the watch ends and its finally block runs, once.
import { mkdtemp, rm, watch, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Server } from "socket.io";
import { io as connect } from "socket.io-client";
import { BaseNamespace, mount } from "greenthread/socketio";

class FilesNamespace extends BaseNamespace {
  onWatch(path: string) {
    this.spawn(async (g) => {
      try {
        for await (const change of watch(path, { signal: g.signal })) this.emit("change", change);
      } finally {
        console.log("watch ended"); // runs once when the session ends
      }
    });
  }
}

const dir = await mkdtemp(join(tmpdir(), "greenthread-watch-"));
const http = createServer();
const io = new Server(http);
const app = mount(io, { "/files": FilesNamespace });
await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;

const client = connect(`${url}/files`, { transports: ["websocket"] });
const changed = new Promise<string>((resolve) => client.once("change", (change: { filename: string }) => resolve(change.filename)));
// The greenlet starts watching in the handler's turn, before the client can read the ack.
await client.emitWithAck("watch", dir);
await writeFile(join(dir, "notes.txt"), "hello");
console.log("client: changed", await changed);
client.disconnect();
await app.close(); // resolves once every session is done, this one included
console.log(app.stats());
await io.close();
await rm(dir, { recursive: true });
