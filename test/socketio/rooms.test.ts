// Rooms and broadcast through socket.io's adapter (the in-memory one here; redis.test.ts runs the
// same calls across two nodes).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { BaseNamespace, mount, type MountedApp } from "../../src/socketio/index.js";
import { startServer, type ClientSocket, type TestServer } from "./harness.js";

class Chat extends BaseNamespace {
  async onJoin(room: string) {
    await this.join(room);
    return [...this.socket.rooms].filter((r) => r !== this.socket.id);
  }
  async onLeave(room: string) {
    await this.leave(room);
    return [...this.socket.rooms].filter((r) => r !== this.socket.id);
  }
  onSay(room: string, text: string) {
    return this.emitToRoom(room, "said", room, text);
  }
  onAll(text: string) {
    return this.broadcastEvent("everyone", text);
  }
  onOthers(text: string) {
    return this.broadcastEventNotMe("others", text);
  }
  onBadRoom() {
    try {
      void this.join(42 as unknown as string);
    } catch (error) {
      return (error as Error).message;
    }
  }
}

let server: TestServer;
let app: MountedApp;

before(async () => {
  server = await startServer();
  app = mount(server.io, { "/chat": Chat, "/elsewhere": Chat });
});

after(async () => {
  await app.close();
  await server.close();
});

/** Records `event` on each client, by client name. */
function hear(clients: Record<string, ClientSocket>, event: string): string[] {
  const heard: string[] = [];
  for (const [name, client] of Object.entries(clients)) client.on(event, (...args: unknown[]) => heard.push(`${name} ${args.join(" ")}`));
  return heard;
}

/** A round trip on every client: whatever was sent to them before has arrived. */
async function flush(clients: ClientSocket[]): Promise<void> {
  await Promise.all(clients.map((c) => c.emitWithAck("join", "flush")));
}

test("emitToRoom reaches the room's other members, not the sender and not outsiders", async () => {
  const [a, b, c] = await Promise.all([server.connect("/chat"), server.connect("/chat"), server.connect("/chat")]);
  const heard = hear({ a, b, c }, "said");
  assert.deepEqual(await a.emitWithAck("join", "lobby"), ["lobby"]);
  assert.deepEqual(await b.emitWithAck("join", "lobby"), ["lobby"]);
  assert.equal(await a.emitWithAck("say", "lobby", "hello"), true);
  await flush([a, b, c]);
  assert.deepEqual(heard, ["b lobby hello"]);
  assert.deepEqual(await b.emitWithAck("leave", "lobby"), ["flush"]);
  assert.equal(await a.emitWithAck("say", "lobby", "anyone?"), true);
  await flush([a, b, c]);
  assert.deepEqual(heard, ["b lobby hello"]);
  for (const client of [a, b, c]) client.disconnect();
});

test("broadcastEvent reaches every session of the namespace including the sender; broadcastEventNotMe all but the sender", async () => {
  const [a, b] = await Promise.all([server.connect("/chat"), server.connect("/chat")]);
  const outsider = await server.connect("/elsewhere");
  const everyone = hear({ a, b, outsider }, "everyone");
  const others = hear({ a, b, outsider }, "others");
  assert.equal(await a.emitWithAck("all", "hi all"), true);
  assert.equal(await a.emitWithAck("others", "hi others"), true);
  await flush([a, b, outsider]);
  assert.deepEqual(everyone.sort(), ["a hi all", "b hi all"]);
  assert.deepEqual(others, ["b hi others"]);
  for (const client of [a, b, outsider]) client.disconnect();
});

test("a room name that is not a string is a TypeError at the call", async () => {
  const a = await server.connect("/chat");
  assert.equal(await a.emitWithAck("bad room"), "BaseNamespace.join(): expected room to be a string, got 42 (number)");
  a.disconnect();
});
