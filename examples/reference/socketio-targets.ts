// Reference, socketio.md: room targets in socket.io's builder style, the sessions of a room, and
// a disconnected() hook that tells the room its member left.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Server } from "socket.io";
import { io as connect, type Socket } from "socket.io-client";
import { BaseNamespace, mount } from "greenthread/socketio";

class Chat extends BaseNamespace<{ nick: string }> {
  private room = "";

  async onJoin(nick: string, room: string, muted: boolean) {
    this.data.nick = nick;
    this.room = room;
    await this.join(room);
    if (muted) await this.join("muted");
    const members = await this.sessionsIn(room); // { id, data, rooms } of every node's sessions
    return members.map((s) => s.data.nick).sort();
  }

  onSay(text: string) {
    this.to(this.room).except("muted").emit("said", this.data.nick, text); // not to this session
  }

  override disconnected() {
    // The socket has left its rooms by now; the room's other members still hear this.
    this.to(this.room).emit("said", "server", `${this.data.nick} left`);
  }
}

const http = createServer();
const io = new Server(http);
const app = mount(io, { "/chat": Chat });
await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;

function client(): Socket {
  return connect(`${url}/chat`, { transports: ["websocket"] });
}
function next(socket: Socket): Promise<string> {
  return new Promise((resolve) => socket.once("said", (from: string, text: string) => resolve(`${from}: ${text}`)));
}
const [ann, bob, cat] = [client(), client(), client()];
console.log("ann joined:", await ann.emitWithAck("join", "ann", "lobby", false));
console.log("bob joined:", await bob.emitWithAck("join", "bob", "lobby", false));
console.log("cat joined:", await cat.emitWithAck("join", "cat", "lobby", true));

const bobHeard = next(bob);
ann.emit("say", "hello");
console.log("bob heard", await bobHeard);

const left = [next(bob), next(cat)]; // cat is muted: the first thing it hears is this
ann.disconnect();
const [bobLeft, catLeft] = await Promise.all(left);
console.log("bob heard", bobLeft, "| cat heard", catLeft);

await app.close();
for (const socket of [bob, cat]) socket.disconnect();
await io.close();
