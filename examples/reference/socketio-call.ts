// Reference, socketio.md: call() asks the client and waits for its answer (the client's ack);
// once the session has ended, a call rejects at once with SessionClosedError.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Server } from "socket.io";
import { io as connect } from "socket.io-client";
import { BaseNamespace, SessionClosedError, mount } from "greenthread/socketio";

const items = new Set(["a", "b", "c", "d"]);
function deleteAll(ids: string[]) {
  for (const id of ids) items.delete(id);
  return `deleted ${ids.length}`;
}

let lateCall!: Promise<unknown>;

class ItemsNamespace extends BaseNamespace {
  async onDelete(ids: string[]) {
    const ok = await this.call("confirm", [`delete ${ids.length} items?`], { timeout: 30_000 });
    return ok === true ? deleteAll(ids) : "kept";
  }

  override disconnected() {
    lateCall = this.call("confirm", ["still there?"]); // rejects at once: the session has ended
  }
}

const http = createServer();
const io = new Server(http);
const app = mount(io, { "/items": ItemsNamespace });
await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;

const client = connect(`${url}/items`, { transports: ["websocket"] });
let answer = true;
client.on("confirm", (question: string, ack: (ok: boolean) => void) => {
  console.log(`client asked: ${question} answering ${answer}`);
  ack(answer);
});
console.log("delete a, b:", await client.emitWithAck("delete", ["a", "b"]));
answer = false;
console.log("delete c, d:", await client.emitWithAck("delete", ["c", "d"]));
console.log("left:", [...items].join(" "));

await app.close(); // ends the session; resolves once its disconnected() hook has run
await lateCall.catch((error: unknown) => console.log("after the end:", error instanceof SessionClosedError, (error as Error).message));
client.disconnect();
await io.close();
