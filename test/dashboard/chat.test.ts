// The chat namespace through a socket.io client: one nickname per tab, refused with a ClientError
// whose message the page can show as it is.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { io as connect, type Socket as ClientSocket } from "socket.io-client";
import { startDashboard, type Dashboard } from "../../examples/dashboard/server.js";

let dashboard: Dashboard;
const open: ClientSocket[] = [];

before(async () => {
  dashboard = await startDashboard({ port: 0, graceMs: 500 });
});

after(async () => {
  for (const socket of open) socket.disconnect();
  await dashboard.close();
  dashboard.http.close();
});

/** A chat session of the page that calls itself `tab` in its handshake. */
async function chatter(tab: string): Promise<ClientSocket> {
  const socket = connect(`${dashboard.url}/chat`, { auth: { tab }, transports: ["websocket"], forceNew: true, reconnection: false });
  open.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("connect_error", reject);
  });
  return socket;
}

/** Resolves once the server has closed `socket`'s session (its nickname no longer held). */
async function closed(socket: ClientSocket): Promise<void> {
  const sessions = dashboard.context.app!.stats().sessions;
  socket.disconnect();
  while (dashboard.context.app!.stats().sessions !== sessions - 1) await new Promise((r) => setTimeout(r, 10));
}

test("a nickname another tab holds is refused, whatever its case, and is free again once that tab leaves", async () => {
  const ada = await chatter("tab-a");
  const other = await chatter("tab-b");
  assert.deepEqual(await ada.emitWithAck("nickname", "ada"), { nick: "ada" });
  assert.deepEqual(await other.emitWithAck("nickname", "ada"), {
    error: { name: "NicknameTakenError", message: "the nickname ada is taken; choose another" },
  });
  assert.deepEqual(await other.emitWithAck("nickname", "ADA"), {
    error: { name: "NicknameTakenError", message: "the nickname ADA is taken; choose another" },
  });
  // The holder may say its own nickname again.
  assert.deepEqual(await ada.emitWithAck("nickname", "ada"), { nick: "ada" });
  await closed(ada);
  assert.deepEqual(await other.emitWithAck("nickname", "ada"), { nick: "ada" });
  await closed(other);
});

test("two tabs asking for one nickname at the same moment: exactly one gets it", async () => {
  const [one, two] = await Promise.all([chatter("tab-c"), chatter("tab-d")]);
  const replies = await Promise.all([one.emitWithAck("nickname", "cy"), two.emitWithAck("nickname", "cy")]);
  const won = replies.filter((reply) => "nick" in reply);
  assert.equal(won.length, 1, JSON.stringify(replies));
  assert.deepEqual(replies.find((reply) => "error" in reply).error.name, "NicknameTakenError");
  await closed(one);
  await closed(two);
});

test("a tab's new session takes back its nickname while the server still holds the old one", async () => {
  const before = await chatter("tab-e");
  assert.deepEqual(await before.emitWithAck("nickname", "eve"), { nick: "eve" });
  // A reconnect after a network drop: the old session is still open on the server.
  const after = await chatter("tab-e");
  assert.deepEqual(await after.emitWithAck("nickname", "eve"), { nick: "eve" });
  await closed(before);
  await closed(after);
});
