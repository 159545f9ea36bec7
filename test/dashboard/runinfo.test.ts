// The runtime panel's run-info tree, through real socket.io clients: a tab sees its own sessions'
// greenlets with what each is parked on, and not another tab's.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { io as connect, type Socket } from "socket.io-client";
import { startDashboard, type Dashboard } from "../../examples/dashboard/server.js";

let dashboard: Dashboard;
const sockets: Socket[] = [];

before(async () => {
  dashboard = await startDashboard({ port: 0, graceMs: 500 });
});

after(async () => {
  for (const socket of sockets) socket.close();
  await dashboard.close();
  dashboard.http.close();
});

function open(path: string, tab: string): Socket {
  const socket = connect(`${dashboard.url}${path}`, { auth: { tab }, transports: ["websocket"], forceNew: true });
  sockets.push(socket);
  return socket;
}

/** The next runtime snapshot whose run-info tree satisfies `ready`. */
function treeWhere(runtime: Socket, ready: (tree: string) => boolean): Promise<string> {
  return new Promise((resolve) => {
    const onRuntime = (snapshot: { runInfo: string }) => {
      if (!ready(snapshot.runInfo)) return;
      runtime.off("runtime", onRuntime);
      resolve(snapshot.runInfo);
    };
    runtime.on("runtime", onRuntime);
  });
}

test("a tab's runtime panel lists its own sessions' greenlets with what each is parked on, and no other tab's", { timeout: 30_000 }, async () => {
  const cpu = open("/cpu", "tab-a");
  const runtime = open("/runtime", "tab-a");
  const other = open("/cpu", "tab-b");
  assert.equal(await cpu.timeout(5000).emitWithAck("start", 250), "started");
  assert.equal(await other.timeout(5000).emitWithAck("start", 300), "started");
  const tree = await treeWhere(runtime, (t) => t.includes("cpu-sampler"));
  const lines = tree.trimEnd().split("\n");
  assert.match(lines[0]!, /^\d+ greenlets$/);
  assert.ok(lines.includes(`/cpu#${cpu.id}`), tree);
  assert.ok(lines.includes(`/runtime#${runtime.id}`), tree);
  assert.ok(lines.some((l) => new RegExp(`^  cpu-sampler ${cpu.id} \\(#\\d+\\), running, age \\d+ ms, parked on sleep\\(250\\) for \\d+ ms$`).test(l)), tree);
  // The pusher takes the snapshot itself: it is the one running, in no wait.
  assert.ok(lines.some((l) => new RegExp(`^  runtime-pusher ${runtime.id} \\(#\\d+\\), running, age .*, not in a library wait$`).test(l)), tree);
  assert.ok(!tree.includes(String(other.id)), "another tab's sessions are not shown");
  // Stopped, the sampler leaves the tree at the next refresh.
  assert.equal(await cpu.timeout(5000).emitWithAck("stop"), "stopped");
  const after = await treeWhere(runtime, (t) => !t.includes("cpu-sampler"));
  assert.ok(after.includes(`/runtime#${runtime.id}`), after);
});
