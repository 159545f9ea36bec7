// Tutorial, chapter 5, part 3: one chat written twice. A newcomer gets the last 15 lines said,
// every message goes to everyone, and everyone hears who connected and who left: first with a
// method per event, then as one main(g) loop that pulls its events with recv(). The program runs
// the same conversation against both and prints what each side heard.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { Server } from "socket.io";
import { io as connect, type Socket } from "socket.io-client";
import { z } from "zod";
import type { Greenlet } from "greenthread";
import { BaseNamespace, mount } from "greenthread/socketio";

/** The last 15 lines said in one chat, for newcomers. */
export class History {
  readonly lines: string[] = [];

  add(line: string): void {
    this.lines.push(line);
    if (this.lines.length > 15) this.lines.shift();
  }
}

/** What a chat client may send: a message, acked with "sent". */
export interface ChatEvents {
  message: (text: string, ack: (reply: string) => void) => void;
}

const text = z.tuple([z.string().min(1).max(200)]);

/** The chat in the push style: socket.io calls a method per event. */
export function handlerChat(history: History) {
  return class HandlerChat extends BaseNamespace<{ nick: string }, ChatEvents> {
    static override schemas = { message: text };

    override initialize() {
      this.data.nick = String(this.socket.handshake.auth.nick);
      this.emit("history", history.lines);
      this.broadcastEventNotMe("announcement", `${this.data.nick} connected`);
    }

    onMessage(text: string) {
      const line = `${this.data.nick}: ${text}`;
      history.add(line);
      this.broadcastEvent("message", line); // everyone, the sender too
      return "sent";
    }

    override disconnected() {
      this.broadcastEvent("announcement", `${this.data.nick} disconnected`);
    }
  };
}

/** The same chat in the pull style: one greenlet per session reads its events in a loop. */
export function loopChat(history: History) {
  return class LoopChat extends BaseNamespace<unknown, ChatEvents> {
    static override acl = ["message"]; // anything else is refused before it reaches the loop
    static override schemas = { message: text };

    override async main(g: Greenlet<unknown>) {
      const nick = String(this.socket.handshake.auth.nick);
      this.emit("history", history.lines);
      this.broadcastEventNotMe("announcement", `${nick} connected`);
      try {
        for (;;) {
          const received = await this.recv({ signal: g }); // the session's end lands here
          const [, text] = received;
          const line = `${nick}: ${text}`;
          history.add(line);
          this.broadcastEvent("message", line);
          received.ack?.("sent");
        }
      } finally {
        this.broadcastEvent("announcement", `${nick} disconnected`);
      }
    }
  };
}

/** A chat client: what it was shown on arrival, and every line it heard since. */
export function member(url: string, nick: string) {
  const socket: Socket = connect(url, { transports: ["websocket"], auth: { nick } });
  const heard: string[] = [];
  const waiting = new Map<string, () => void>();
  const hear = (line: string) => {
    heard.push(line);
    waiting.get(line)?.();
  };
  socket.on("message", hear);
  socket.on("announcement", hear);
  const history = new Promise<string[]>((resolve) => socket.once("history", resolve));
  const hears = (line: string) => new Promise<void>((resolve) => waiting.set(line, resolve));
  return { socket, heard, history, hears };
}

/** The conversation both styles are put through; prints what it saw, prefixed with `label`. */
async function conversation(url: string, label: string): Promise<Socket> {
  const ann = member(url, "ann");
  console.log(`${label} ann's history: ${(await ann.history).length} lines`);
  const acks = new Set<unknown>();
  for (let n = 1; n <= 17; n++) acks.add(await ann.socket.emitWithAck("message", `line ${n}`));
  console.log(`${label} ann said 17 lines, acked:`, [...acks]);

  const from = ann.heard.length;
  const arrival = ann.hears("bob connected");
  const bob = member(url, "bob");
  const shown = await bob.history;
  console.log(`${label} bob's history: ${shown.length} lines, ${shown[0]} … ${shown.at(-1)}`);
  await arrival;
  console.log(`${label} bob:`, await bob.socket.emitWithAck("message", "hi ann"));
  const goodbye = ann.hears("bob disconnected");
  bob.socket.disconnect();
  await goodbye;
  console.log(`${label} ann heard:`, ann.heard.slice(from));
  console.log(`${label} bob heard:`, bob.heard);
  return ann.socket;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const http = createServer();
  const io = new Server(http);
  const app = mount(io, { "/handlers": handlerChat(new History()), "/loop": loopChat(new History()) });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const stayed = [await conversation(`${base}/handlers`, "/handlers"), await conversation(`${base}/loop`, "/loop")];
  for (const [path, stats] of Object.entries(app.namespaceStats())) console.log(`${path} while ann stays:`, stats);
  await app.close();
  io.close();
  for (const socket of stayed) socket.disconnect();
}
