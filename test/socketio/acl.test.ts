// The per-session ACL: static acl, allow, deny, resetAcl, liftAcl, all normalised like dispatch.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { Acl } from "../../src/socketio/acl.js";
import { BaseNamespace, mount, type MountedApp } from "../../src/socketio/index.js";
import { errorReports, startServer, type TestServer } from "./harness.js";

test("Acl: an unrestricted list allows everything; deny makes a deny-list; allow undoes a deny", () => {
  const acl = new Acl(null);
  assert.equal(acl.unrestricted, true);
  assert.equal(acl.allows("onA"), true);
  acl.deny(["onA"]);
  assert.equal(acl.unrestricted, false);
  assert.deepEqual([acl.allows("onA"), acl.allows("onB")], [false, true]);
  acl.allow(["onA"]);
  assert.equal(acl.unrestricted, true, "an empty deny-list is unrestricted again");
  acl.allow(["onZ"]);
  assert.equal(acl.unrestricted, true, "allowing on an unrestricted list changes nothing");
});

test("Acl: an allow-list allows only its entries; deny removes one; reset and lift", () => {
  const acl = new Acl(new Set(["onLogin"]));
  assert.deepEqual([acl.allows("onLogin"), acl.allows("onChat")], [true, false]);
  acl.allow(["onChat"]);
  assert.deepEqual([acl.allows("onLogin"), acl.allows("onChat")], [true, true]);
  acl.deny(["onLogin"]);
  assert.deepEqual([acl.allows("onLogin"), acl.allows("onChat")], [false, true]);
  acl.reset();
  assert.deepEqual([acl.allows("onLogin"), acl.allows("onChat")], [true, false]);
  acl.lift();
  assert.deepEqual([acl.unrestricted, acl.allows("onChat")], [true, true]);
  acl.reset();
  assert.equal(acl.allows("onChat"), false, "reset goes back to the class's list after a lift");
});

let server: TestServer;
let app: MountedApp;

class Guarded extends BaseNamespace {
  static override acl = ["login", "whoami"];
  user = "";
  onLogin(name: string) {
    this.user = name;
    if (name === "admin") this.liftAcl();
    else this.allow("user message");
    return "ok";
  }
  onUserMessage(text: string) {
    return `${this.user}: ${text}`;
  }
  onWhoami() {
    return this.user;
  }
  onAdminOnly() {
    return "secret";
  }
  onLogout() {
    this.resetAcl();
    return "bye";
  }
  onQuiet() {
    this.deny("user-message", "whoami");
    return "quiet";
  }
  onBadEntry(entry: unknown) {
    try {
      this.allow(entry as string);
    } catch (error) {
      return (error as Error).message;
    }
  }
}

class Open extends BaseNamespace {
  onA() {
    return "a";
  }
  onB() {
    this.deny("a");
    return "b";
  }
  onC() {
    this.allow("a");
    return "c";
  }
}

before(async () => {
  server = await startServer();
  app = mount(server.io, { "/guarded": Guarded, "/open": Open });
});

after(async () => {
  await app.close();
  await server.close();
});

const denied = (event: string) => ({ error: { name: "AccessDeniedError", message: `event ${JSON.stringify(event)} is not allowed` } });

test("static acl is the initial allow-list: other events are denied with AccessDeniedError, the session stays connected", async () => {
  const client = await server.connect("/guarded");
  const reports = errorReports(client);
  assert.deepEqual(await client.emitWithAck("user message", "hi"), denied("user message"));
  assert.deepEqual(await client.emitWithAck("adminOnly"), denied("adminOnly"));
  assert.equal(await client.emitWithAck("whoami"), "");
  assert.deepEqual(reports, [
    { name: "AccessDeniedError", message: 'event "user message" is not allowed', event: "user message" },
    { name: "AccessDeniedError", message: 'event "adminOnly" is not allowed', event: "adminOnly" },
  ]);
  assert.equal(client.connected, true);
  client.disconnect();
});

test("allow() opens an event for this session only, under every spelling", async () => {
  const client = await server.connect("/guarded");
  const other = await server.connect("/guarded");
  assert.equal(await client.emitWithAck("login", "ann"), "ok");
  for (const spelling of ["user message", "user_message", "user-message", "userMessage"]) {
    assert.equal(await client.emitWithAck(spelling, "hi"), "ann: hi");
  }
  assert.deepEqual(await client.emitWithAck("admin only"), denied("admin only"));
  assert.deepEqual(await other.emitWithAck("userMessage", "hi"), denied("userMessage"), "another session keeps its own ACL");
  client.disconnect();
  other.disconnect();
});

test("liftAcl() allows everything; resetAcl() goes back to static acl; deny() removes entries under any spelling", async () => {
  const client = await server.connect("/guarded");
  assert.equal(await client.emitWithAck("login", "admin"), "ok");
  assert.equal(await client.emitWithAck("admin_only"), "secret");
  assert.equal(await client.emitWithAck("logout"), "bye");
  assert.deepEqual(await client.emitWithAck("admin_only"), denied("admin_only"));
  assert.deepEqual(await client.emitWithAck("logout"), denied("logout"));
  assert.equal(await client.emitWithAck("login", "bob"), "ok");
  assert.equal(await client.emitWithAck("user message", "x"), "bob: x");
  client.disconnect();
});

test("on an unrestricted session deny() blocks only the named events, and allow() lifts the block", async () => {
  const client = await server.connect("/open");
  assert.equal(await client.emitWithAck("a"), "a");
  assert.equal(await client.emitWithAck("b"), "b");
  assert.deepEqual(await client.emitWithAck("a"), denied("a"));
  assert.equal(await client.emitWithAck("b"), "b");
  assert.equal(await client.emitWithAck("c"), "c");
  assert.equal(await client.emitWithAck("a"), "a");
  client.disconnect();
});

test("an unknown event is UnknownEventError even when the ACL would deny it (the handler check comes first)", async () => {
  const client = await server.connect("/guarded");
  assert.deepEqual(await client.emitWithAck("nothing here"), { error: { name: "UnknownEventError", message: 'unknown event "nothing here"' } });
  client.disconnect();
});

test("allow() and deny() refuse entries that are not event names", async () => {
  const client = await server.connect("/guarded");
  assert.equal(await client.emitWithAck("login", "admin"), "ok");
  assert.equal(
    await client.emitWithAck("bad entry", "a/b"),
    'BaseNamespace.allow(): expected events[0] to be an event name (a letter, then letters, digits, spaces, "_", "-", ":" or ".", at most 128 characters), got "a/b" (string)',
  );
  client.disconnect();
});

test("mount() refuses a static acl that is not an array of event names", () => {
  class BadAcl extends BaseNamespace {
    static override acl = ["ok", "not/ok"];
    onOk() {}
  }
  class NotArray extends BaseNamespace {
    static override acl = "ok" as unknown as string[];
  }
  assert.throws(() => mount(server.io, { "/bad-acl": BadAcl }), {
    name: "TypeError",
    message: 'mount(): expected BadAcl.acl[1] to be an event name (a letter, then letters, digits, spaces, "_", "-", ":" or ".", at most 128 characters), got "not/ok" (string)',
  });
  assert.throws(() => mount(server.io, { "/not-array": NotArray }), {
    name: "TypeError",
    message: 'mount(): expected NotArray.acl to be an array of event names, got "ok" (string)',
  });
});
