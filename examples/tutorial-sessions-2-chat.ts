// Tutorial, chapter 5, part 2: a chat room in socket.io's own style. Events named "room:join" and
// "chat:message", a join answered with two ack values, a goodbye the room hears from the leaver's
// disconnected() hook, and a per-event rate limit that a flooding client runs into.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { Server } from "socket.io";
import { io as connect, type Socket } from "socket.io-client";
import { BaseNamespace, ack, mount } from "greenthread/socketio";

// The last lines said in each room, shown to whoever joins (one process here, so a Map will do).
const recent = new Map<string, string[]>();

class ChatNamespace extends BaseNamespace<{ nick: string }> {
  // Three messages per 10 seconds per session; "room:join" is not limited.
  static override rateLimits = { "chat:message": { intervalCap: 3, interval: 10_000 } };

  private room = ""; // kept here: by the time disconnected() runs, the socket is in no room

  async onRoomJoin(room: string, nick: string) { // the client event "room:join"
    this.room = room;
    this.data.nick = nick;
    await this.join(room);
    const members = await this.sessionsIn(room); // this session included
    return ack(members.map((s) => s.data.nick).sort(), recent.get(room) ?? []); // two ack values
  }

  onChatMessage(text: string) { // "chat:message"
    recent.set(this.room, [...(recent.get(this.room) ?? []), `${this.data.nick}: ${text}`].slice(-5));
    this.to(this.room).emit("chat:message", this.data.nick, text); // the room, not the sender
    return "sent";
  }

  override disconnected(reason: string) {
    console.log(`server: ${this.data.nick} left (${reason})`);
    this.to(this.room).emit("chat:message", "server", `${this.data.nick} left`);
  }
}

const http = createServer();
const server = new Server(http);
const app = mount(server, { "/chat": ChatNamespace });
await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
const { port } = http.address() as AddressInfo;
const show = (value: unknown) => inspect(value, { breakLength: Infinity });

/** A chat client: it keeps every line it hears, and can wait for one. */
function member() {
  const socket = connect(`http://127.0.0.1:${port}/chat`, { transports: ["websocket"] });
  const heard: string[] = [];
  const waiting = new Map<string, () => void>();
  socket.on("chat:message", (from: string, text: string) => {
    const line = `${from}: ${text}`;
    heard.push(line);
    waiting.get(line)?.();
  });
  const hears = (line: string) => new Promise<void>((resolve) => waiting.set(line, resolve));
  return { socket, heard, hears };
}

/** Joins the lobby; the ack callback takes both of the server's ack values. */
function join(socket: Socket, nick: string): Promise<void> {
  return new Promise((resolve) =>
    socket.emit("room:join", "lobby", nick, (members: string[], lines: string[]) => {
      console.log(`${nick} joined; here: ${members.join(", ")}; recent: ${show(lines)}`);
      resolve();
    }),
  );
}

const ann = member();
await join(ann.socket, "ann");
console.log("ann:", await ann.socket.emitWithAck("chat:message", "anyone here?"));
const bob = member();
await join(bob.socket, "bob");
console.log("bob:", await bob.socket.emitWithAck("chat:message", "hi ann"));

// A client that sends as fast as it can: five messages at once, without waiting for an ack.
const spam = member();
await join(spam.socket, "spam");
const acks = await Promise.all([1, 2, 3, 4, 5].map((n) => spam.socket.emitWithAck("chat:message", `cheap pills #${n}`)));
for (const [i, answer] of acks.entries()) console.log(`spam, message ${i + 1}:`, show(answer));

const goodbye = [ann.hears("server: spam left"), bob.hears("server: spam left")];
spam.socket.disconnect();
await Promise.all(goodbye);
console.log("ann heard:", show(ann.heard));
console.log("bob heard:", show(bob.heard));

await app.close(); // ends ann's and bob's sessions: their hooks run too
server.close();
for (const { socket } of [ann, bob]) socket.disconnect();
