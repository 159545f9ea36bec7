// Reference, socketio.md: typed events. The event maps are socket.io's style; ServerEvents checks
// emit, the room sends and call(); Handlers<ClientEvents> checks the handlers; a handler with a
// schema takes the schema's output (SchemaArgs).
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Server } from "socket.io";
import { io as connect, type Socket } from "socket.io-client";
import { z } from "zod";
import { BaseNamespace, mount, type Handlers, type SchemaArgs } from "greenthread/socketio";

interface ClientEvents {
  "user message": (text: string) => void;
  join: (room: string, ack: (members: number) => void) => void;
  move: (to: { x: number; y: number }, ack: (where: string) => void) => void;
}

interface ServerEvents {
  message: (from: string, text: string) => void;
  confirm: (question: string, ack: (ok: boolean) => void) => void;
}

interface Data {
  user: string;
}

class Chat extends BaseNamespace<Data, ClientEvents, ServerEvents> implements Handlers<ClientEvents, typeof Chat.schemas> {
  static override schemas = { move: z.tuple([z.object({ x: z.number(), y: z.number() })]) };

  override initialize() {
    this.data.user = String(this.socket.handshake.auth.user);
  }

  async onJoin(room: string) {
    await this.join(room);
    return (await this.sessionsIn(room)).length; // the ack: (members: number)
  }

  async onUserMessage(text: string) {
    const ok = await this.call("confirm", [`send "${text}"?`]); // ok: boolean
    if (ok) this.emit("message", this.data.user, text);
  }

  onMove(...[to]: SchemaArgs<typeof Chat.schemas, "move">) {
    return `moved to ${to.x},${to.y}`; // to: { x: number; y: number }
  }
}

const http = createServer();
const io = new Server(http);
const app = mount(io, { "/chat": Chat });
await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;

const client: Socket<ServerEvents, ClientEvents> = connect(`${url}/chat`, { transports: ["websocket"], auth: { user: "ada" } });
client.on("confirm", (question, ack) => {
  console.log("client asked:", question);
  ack(true);
});
const heard = new Promise<string>((resolve) => client.once("message", (from, text) => resolve(`${from} said ${text}`)));
console.log("members:", await client.emitWithAck("join", "lobby"));
client.emit("user message", "hello");
console.log(await heard);
console.log(await client.emitWithAck("move", { x: 1, y: 2 }));

await app.close();
client.disconnect();
await io.close();
