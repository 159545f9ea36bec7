// The tutorial's chat (examples/tutorial-sessions-3-recv.ts), written with handlers and as a
// main(g) loop: both styles must behave the same to their clients.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mount, type MountedApp } from "../../src/socketio/index.js";
import { History, handlerChat, loopChat, member } from "../../examples/tutorial-sessions-3-recv.js";
import { startServer, type TestServer } from "./harness.js";

let server: TestServer;
let app: MountedApp;
const histories = { handlers: new History(), loop: new History() };

before(async () => {
  server = await startServer();
  app = mount(server.io, { "/handlers": handlerChat(histories.handlers), "/loop": loopChat(histories.loop) });
});

after(async () => {
  await app.close();
  await server.close();
});

type Member = ReturnType<typeof member>;
const members: Member[] = [];
function join(path: string, nick: string): Member {
  const m = member(server.url + path, nick);
  members.push(m);
  return m;
}

for (const style of ["handlers", "loop"] as const) {
  const path = `/${style}`;

  test(`${style}: a newcomer is shown the last 15 lines, and every message reaches everyone, the sender too`, async () => {
    const ann = join(path, "ann");
    assert.deepEqual(await ann.history, []);
    for (let n = 1; n <= 20; n++) assert.equal(await ann.socket.emitWithAck("message", `m${n}`), "sent");
    const bob = join(path, "bob");
    assert.deepEqual(
      await bob.history,
      Array.from({ length: 15 }, (_, i) => `ann: m${i + 6}`),
    );
    const heardByAnn = ann.hears("bob: hello");
    const heardByBob = bob.hears("bob: hello");
    assert.equal(await bob.socket.emitWithAck("message", "hello"), "sent");
    await Promise.all([heardByAnn, heardByBob]);
    assert.equal(histories[style].lines.at(-1), "bob: hello");
    assert.equal(histories[style].lines.length, 15);
    ann.socket.disconnect();
    bob.socket.disconnect();
  });

  test(`${style}: the others hear who connected and who left, however the session ended`, async () => {
    // Names of their own: a goodbye from the sessions of the test before may still be on its way.
    const ours = (heard: string[]) => heard.filter((line) => /^(dan|eve|fay) /.test(line));
    const dan = join(path, "dan");
    await dan.history;
    const eveArrives = dan.hears("eve connected");
    const eve = join(path, "eve");
    await Promise.all([eve.history, eveArrives]);
    const fayArrives = [dan.hears("fay connected"), eve.hears("fay connected")];
    const fay = join(path, "fay");
    await Promise.all([fay.history, ...fayArrives]);
    assert.deepEqual(ours(fay.heard), [], "nobody is told of their own arrival");
    // The transport drops (no goodbye from the client): the session still says it.
    const fayLeaves = [dan.hears("fay disconnected"), eve.hears("fay disconnected")];
    fay.socket.io.engine.close();
    await Promise.all(fayLeaves);
    const eveLeaves = dan.hears("eve disconnected");
    eve.socket.disconnect();
    await eveLeaves;
    assert.deepEqual(ours(dan.heard), ["eve connected", "fay connected", "fay disconnected", "eve disconnected"]);
    dan.socket.disconnect();
  });

  test(`${style}: an invalid message is refused and never reaches the history`, async () => {
    const ann = join(path, "ann");
    await ann.history;
    const before = [...histories[style].lines];
    const refused = (await ann.socket.emitWithAck("message", "")) as { error: { name: string } };
    assert.equal(refused.error.name, "ValidationError");
    assert.deepEqual(histories[style].lines, before);
    ann.socket.disconnect();
  });
}

test("loop: any event but a message is refused by the ACL before it reaches the loop", async () => {
  const ann = join("/loop", "ann");
  await ann.history;
  assert.deepEqual(await ann.socket.emitWithAck("nick", "queen ann"), {
    error: { name: "AccessDeniedError", message: 'event "nick" is not allowed' },
  });
  assert.equal(await ann.socket.emitWithAck("message", "still here"), "sent");
  ann.socket.disconnect();
});

test("loop: each session runs one main greenlet, reaped when it ends; handlers run none", async () => {
  for (const m of members) m.socket.disconnect();
  const ann = join("/loop", "ann");
  const bob = join("/handlers", "bob");
  await Promise.all([ann.history, bob.history]);
  const cat = join("/loop", "cat");
  await cat.history;
  const during = app.namespaceStats();
  assert.equal(during["/loop"]!.greenlets, 2);
  assert.equal(during["/handlers"]!.greenlets, 0);
  // ann's goodbye is said from her main's finally block, during the reaping: once cat hears it,
  // the greenlet has ended.
  const annLeaves = cat.hears("ann disconnected");
  ann.socket.disconnect();
  await annLeaves;
  const after = app.namespaceStats();
  assert.equal(after["/loop"]!.greenlets, 1);
  assert.equal(after["/loop"]!.reaped, during["/loop"]!.reaped + 1);
  assert.equal(after["/loop"]!.stragglers, 0);
  bob.socket.disconnect();
  cat.socket.disconnect();
});
