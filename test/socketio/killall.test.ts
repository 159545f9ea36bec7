// killAll({ filter, except }): kills some of the session's greenlets and spares the rest, which
// keep running; malformed options are a TypeError at the call.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { GreenletExit, sleep, type Greenlet } from "../../src/index.js";
import { BaseNamespace, mount, type MountedApp } from "../../src/socketio/index.js";
import { startServer, type ClientSocket, type TestServer } from "./harness.js";

let server: TestServer;
let app: MountedApp;
const instances: Workers[] = [];

class Workers extends BaseNamespace {
  readonly byName = new Map<string, Greenlet<unknown>>();
  override initialize() {
    instances.push(this);
    for (const name of ["heartbeat", "worker-1", "worker-2", "worker-3"]) {
      const g = this.spawn(async (self) => {
        await sleep(60_000, { signal: self });
      });
      g.name = name;
      this.byName.set(name, g);
    }
  }
}

before(async () => {
  server = await startServer();
  app = mount(server.io, { "/workers": Workers }, { graceMs: 1000 });
});

after(async () => {
  await app.close();
  await server.close();
});

async function session(): Promise<{ client: ClientSocket; ns: Workers }> {
  const client = await server.connect("/workers");
  return { client, ns: instances.at(-1)! };
}

/** The names of the session's live greenlets, and of those killed. */
function state(ns: Workers): { live: string[]; dead: string[] } {
  const live = [...ns.greenlets].map((g) => g.name);
  const dead = [...ns.byName.values()].filter((g) => g.dead).map((g) => g.name);
  return { live, dead };
}

test("killAll({ filter }) kills only the greenlets the filter picks; the others keep running", async () => {
  const { client, ns } = await session();
  const seen: string[] = [];
  await ns.killAll({
    filter: (g) => {
      seen.push(g.name);
      return g.name.startsWith("worker");
    },
  });
  assert.deepEqual(seen, ["heartbeat", "worker-1", "worker-2", "worker-3"], "called once per live greenlet, in spawn order");
  assert.deepEqual(state(ns), { live: ["heartbeat"], dead: ["worker-1", "worker-2", "worker-3"] });
  assert.ok(ns.byName.get("worker-1")!.value instanceof GreenletExit);
  assert.equal(ns.byName.get("heartbeat")!.started, true);
  assert.deepEqual(app.stats().reaped, 0);
  client.disconnect();
});

test("killAll({ except }) spares the given greenlets; with filter too, a greenlet dies only if both agree", async () => {
  const { client, ns } = await session();
  await ns.killAll({ except: new Set([ns.byName.get("heartbeat")!]), filter: (g) => g.name !== "worker-3" });
  assert.deepEqual(state(ns), { live: ["heartbeat", "worker-3"], dead: ["worker-1", "worker-2"] });
  await ns.killAll({ except: [ns.byName.get("heartbeat")!, ns.byName.get("worker-1")!] });
  assert.deepEqual(state(ns), { live: ["heartbeat"], dead: ["worker-1", "worker-2", "worker-3"] });
  await ns.killAll();
  assert.deepEqual(state(ns).live, []);
  client.disconnect();
});

test("killAll({ except: [name] }) spares greenlets by name: a watchdog named in initialize() survives \"stop all jobs\"", async () => {
  const { client, ns } = await session();
  await ns.killAll({ except: ["heartbeat"] });
  assert.deepEqual(state(ns), { live: ["heartbeat"], dead: ["worker-1", "worker-2", "worker-3"] });
  client.disconnect();
});

test("a filter that throws kills nothing, and its error is thrown from killAll()", async () => {
  const { client, ns } = await session();
  const bug = new Error("filter bug");
  assert.throws(
    () =>
      ns.killAll({
        filter: (g) => {
          if (g.name === "worker-2") throw bug;
          return true;
        },
      }),
    bug,
  );
  assert.deepEqual(state(ns), { live: ["heartbeat", "worker-1", "worker-2", "worker-3"], dead: [] });
  client.disconnect();
});

test("killAll() with a malformed filter or except is a TypeError at the call", async () => {
  const { client, ns } = await session();
  assert.throws(() => ns.killAll({ filter: "workers" as never }), {
    name: "TypeError",
    message: 'BaseNamespace.killAll(): expected filter to be a function, got "workers" (string)',
  });
  assert.throws(() => ns.killAll({ except: 3 as never }), {
    name: "TypeError",
    message: "BaseNamespace.killAll(): expected except to be an iterable of greenlets or greenlet names, got 3 (number)",
  });
  assert.throws(() => ns.killAll({ except: "heartbeat" as never }), {
    name: "TypeError",
    message: 'BaseNamespace.killAll(): expected except to be an iterable of greenlets or greenlet names, got "heartbeat" (string)',
  });
  assert.throws(() => ns.killAll({ except: [ns.byName.get("heartbeat")!, 7 as never] }), {
    name: "TypeError",
    message: "BaseNamespace.killAll(): expected except[1] to be a Greenlet or a greenlet name, got 7 (number)",
  });
  assert.deepEqual(state(ns).dead, [], "nothing was killed");
  client.disconnect();
});
