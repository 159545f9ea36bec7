// Reference, socketio.md: event names in socket.io's own conventions ("chat:message",
// "user.update"), a static events table for a name the rule cannot read, an onAny catch-all that
// the ACL still guards, a per-event rate limit, and the counts of each mounted namespace.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { Server } from "socket.io";
import { io as connect } from "socket.io-client";
import { BaseNamespace, mount } from "greenthread/socketio";

class Chat extends BaseNamespace<{ nick: string }> {
  static override events = { "msg/send": "onChatMessage" }; // an older client's name: "/" is not in the rule
  static override rateLimits = { "chat:message": { intervalCap: 2, interval: 60_000 } };

  override initialize() {
    this.data.nick = "guest";
    this.deny("admin:reset"); // onAny would take it; the ACL comes first
  }

  onChatMessage(text: string) {                // "chat:message", "chat.message", and "msg/send"
    return `${this.data.nick}: ${text}`;
  }

  onUserUpdate(nick: string) {                 // "user.update", "user:update"
    this.data.nick = nick;
    return `now ${nick}`;
  }

  onAny(event: string, ...args: unknown[]) {   // every other valid name, after the same checks
    return `no handler for ${event} (${args.length} argument${args.length === 1 ? "" : "s"})`;
  }
}

class Admin extends BaseNamespace {}

const http = createServer();
const io = new Server(http);
const app = mount(io, { "/chat": Chat, "/admin": Admin });
await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;

const client = connect(`${url}/chat`, { transports: ["websocket"] });
const show = (value: unknown) => inspect(value, { breakLength: Infinity });
for (const [event, ...args] of [
  ["user.update", "ada"],
  ["chat:message", "hello"],
  ["msg/send", "from the old client"], // the same handler, so the same budget: the second message
  ["chat.message", "one too many"],    // the third: refused by the rateLimits entry
  ["typing:start", "lobby"],
  ["admin:reset"],
] as [string, ...unknown[]][]) {
  console.log(`${event}:`, show(await client.emitWithAck(event, ...args)));
}
console.log("by namespace:", show(app.namespaceStats())); // keyed by the paths given to mount()

await app.close();
client.disconnect();
await io.close();
