// Three socket.io server processes on one real redis-server through @socket.io/redis-adapter,
// with real socket.io clients: rooms, broadcasts and fetchSockets span the processes; a node
// reaps only its own sessions, also when another node disconnects them; app.clusterStats()
// gathers every node's counts and lists the silent ones; a node that is SIGKILLed leaves no trace
// in the survivors; and a Redis that is SIGKILLed mid-traffic neither crashes a node (each runs in
// Node's default unhandled-rejections mode) nor stops its local work, and is reported once.
import { after, before, beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { io as connectClient, type Socket as ClientSocket } from "socket.io-client";
import { redisSkip, waitForAdapters } from "../redis-server.js";
import { startBalancer } from "../fixtures/cluster/balancer.js";
import { startNode, type NodeProcess } from "../fixtures/cluster/nodes.js";
import { startRestartableRedis, type RestartableRedis } from "../fixtures/cluster/redis.js";

const skip = redisSkip();

let redis: RestartableRedis | undefined;
let a: NodeProcess;
let b: NodeProcess;
let c: NodeProcess;
const clients: ClientSocket[] = [];

before(async () => {
  if (skip !== false) return;
  redis = await startRestartableRedis();
  [a, b, c] = await Promise.all([startNode(redis.url, "node-a"), startNode(redis.url, "node-b"), startNode(redis.url, "node-c")]);
  await waitForAdapters(redis.url, "/chat", 3);
  await until(async () => Object.keys((await a.ask<Stats>("clusterStats")).nodes).length === 3);
});

// Each test starts with no session left on any node from the one before.
beforeEach(async () => {
  if (skip !== false) return;
  for (const node of [a, b, c]) {
    if (node.child.exitCode !== null || node.child.signalCode !== null) continue;
    await until(async () => (await node.ask<Counts>("stats")).sessions === 0, `${node.nodeId} to close the last test's sessions`);
  }
});

after(async () => {
  for (const client of clients) client.disconnect();
  for (const node of [a, b, c]) {
    if (node !== undefined && node.child.exitCode === null && node.child.signalCode === null) {
      await node.ask("close").catch(() => {});
      await node.exited;
    }
  }
  await redis?.stop();
});

interface Counts {
  sessions: number;
  greenlets: number;
  reaped: number;
  stragglers: number;
  adapterErrors: number;
}

interface Stats {
  self: string;
  nodes: Record<string, Record<string, number>>;
  totals: Record<string, number>;
  missing: string[];
}

/** Polls `condition` every 20 ms until it holds (at most 10 s). */
async function until(condition: () => boolean | Promise<boolean>, what = "the condition"): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function open(url: string, options: Record<string, unknown> = {}): ClientSocket {
  const client = connectClient(`${url}/chat`, { transports: ["websocket"], reconnection: false, forceNew: true, ...options });
  clients.push(client);
  return client;
}

function connected(client: ClientSocket): Promise<ClientSocket> {
  return new Promise((resolve, reject) => {
    if (client.connected) return resolve(client);
    client.once("connect", () => resolve(client));
    client.once("connect_error", reject);
  });
}

async function member(node: NodeProcess, name: string, room?: string): Promise<ClientSocket> {
  const client = await connected(open(node.url));
  assert.equal(await client.emitWithAck("name", name), node.nodeId);
  if (room !== undefined) assert.equal(await client.emitWithAck("join", room), "joined");
  return client;
}

/** Records "said" events as "<listener>: <from node> <text>". */
function hear(heard: string[], name: string, client: ClientSocket, event = "said"): void {
  client.on(event, (from: string, text: string) => heard.push(`${name}: ${from} ${text}`));
}

function nextText(client: ClientSocket, text: string, event = "said"): Promise<void> {
  return new Promise((resolve) => {
    const listener = (_from: string, got: string) => {
      if (got !== text) return;
      client.off(event, listener);
      resolve();
    };
    client.on(event, listener);
  });
}

/**
 * Sends "probe <n>" from `from` to the room "r" every 20 ms until `to` hears one; resolves with the
 * milliseconds from `since` to that moment.
 */
async function resumes(from: ClientSocket, to: ClientSocket, since: number): Promise<number> {
  let heardAfter = -1;
  const heard = new Promise<void>((resolve) => {
    const listener = (_from: string, text: string) => {
      if (!text.startsWith("probe")) return;
      heardAfter = Date.now() - since;
      to.off("said", listener);
      resolve();
    };
    to.on("said", listener);
  });
  for (let n = 0; heardAfter < 0; n++) {
    if (n === 750) throw new Error("cross-node sends did not resume within 15 s");
    await from.emitWithAck("say", "r", `probe ${n}`);
    await Promise.race([heard, new Promise((resolve) => setTimeout(resolve, 20))]);
  }
  return heardAfter;
}

test("a room emit from a session on node B reaches the room's clients on A and C exactly once", { skip }, async () => {
  const onA = await member(a, "ann", "lobby");
  const onB = await member(b, "bob", "lobby");
  const outsider = await member(b, "oz");
  const onC = await member(c, "cat", "lobby");
  const heard: string[] = [];
  for (const [name, client] of [["ann", onA], ["bob", onB], ["oz", outsider], ["cat", onC]] as const) hear(heard, name, client);
  assert.equal(await onB.emitWithAck("say", "lobby", "hello"), true);
  // Redis delivers one publisher's messages in order: once the marker has arrived everywhere, a
  // duplicate of "hello" would have arrived before it.
  const markers = [nextText(onA, "marker"), nextText(onC, "marker")];
  assert.equal(await onB.emitWithAck("say", "lobby", "marker"), true);
  await Promise.all(markers);
  assert.deepEqual(heard.sort(), ["ann: node-b hello", "ann: node-b marker", "cat: node-b hello", "cat: node-b marker"]);
  for (const client of [onA, onB, outsider, onC]) client.disconnect();
});

test("broadcastEventNotMe reaches every session on every node but the sender", { skip }, async () => {
  const sessions = [await member(a, "a1"), await member(b, "b1"), await member(b, "b2"), await member(c, "c1")];
  const heard: string[] = [];
  for (const [i, client] of sessions.entries()) hear(heard, ["a1", "b1", "b2", "c1"][i]!, client, "others");
  const arrivals = [sessions[0]!, sessions[2]!, sessions[3]!].map((client) => nextText(client, "psst", "others"));
  assert.equal(await sessions[1]!.emitWithAck("others", "psst"), true);
  await Promise.all(arrivals);
  // A round trip through b1's own node: had b1 been sent its own broadcast, it would be here by now.
  const marker = nextText(sessions[1]!, "back", "others");
  await sessions[0]!.emitWithAck("others", "back");
  await marker;
  assert.deepEqual(heard.filter((line) => line.endsWith("psst")).sort(), ["a1: node-b psst", "b2: node-b psst", "c1: node-b psst"]);
  for (const client of sessions) client.disconnect();
});

test("sessionsIn() (fetchSockets) on one node sees the socket.data of sessions on the others", { skip }, async () => {
  const sessions = [await member(a, "ann", "team"), await member(b, "bob", "team"), await member(c, "cat", "team"), await member(c, "dan")];
  assert.deepEqual(await sessions[0]!.emitWithAck("who", "team"), ["ann", "bob", "cat"]);
  assert.deepEqual(await sessions[3]!.emitWithAck("who", "team"), ["ann", "bob", "cat"], "asked from a node with no member in the room");
  for (const client of sessions) client.disconnect();
});

test("disconnectSockets() called on node B ends sessions living on A, and A reaps their greenlets", { skip }, async () => {
  const doomed = [await member(a, "d1", "doomed"), await member(a, "d2", "doomed")];
  const spared = await member(a, "s1");
  const onB = await member(b, "b1", "doomed");
  assert.equal(await doomed[0]!.emitWithAck("work", "d1-job1"), 1);
  assert.equal(await doomed[0]!.emitWithAck("work", "d1-job2"), 2);
  assert.equal(await doomed[1]!.emitWithAck("work", "d2-job1"), 1);
  assert.equal(await spared.emitWithAck("work", "s1-job1"), 1);
  const aBefore = await a.ask<Counts>("stats");
  const reasons = doomed.map((client) => new Promise((resolve) => client.once("disconnect", resolve)));
  const bGone = new Promise((resolve) => onB.once("disconnect", resolve));
  const bBefore = await b.ask<Counts>("stats");
  // B's own session in the room goes too; B's counters move by exactly that one session.
  await b.ask("disconnectRoom", "doomed");
  assert.deepEqual(await Promise.all(reasons), ["io server disconnect", "io server disconnect"]);
  await bGone;
  await Promise.all(["d1-job1 reaped", "d1-job2 reaped", "d2-job1 reaped"].map((line) => a.logged(line)));
  await until(async () => (await a.ask<Counts>("stats")).sessions === aBefore.sessions - 2, "A to close the sessions");
  assert.deepEqual(await a.ask("stats"), { ...aBefore, sessions: aBefore.sessions - 2, greenlets: aBefore.greenlets - 3, reaped: aBefore.reaped + 3 });
  assert.ok(!a.logs.includes("s1-job1 reaped"), "a session outside the room keeps its greenlet");
  await until(async () => (await b.ask<Counts>("stats")).sessions === bBefore.sessions - 1, "B to close its session");
  assert.deepEqual(await b.ask("stats"), { ...bBefore, sessions: bBefore.sessions - 1 });
  spared.disconnect();
  await a.logged("s1-job1 reaped");
});

test("clusterStats() returns every node's stats by node id with the totals, and lists a node that does not answer as missing", { skip }, async () => {
  const sessions = [await member(a, "a1"), await member(b, "b1"), await member(b, "b2"), await member(c, "c1")];
  await sessions[1]!.emitWithAck("work", "b1-job");
  const everyone = await b.ask<Stats>("clusterStats", { timeout: 5000 });
  assert.equal(everyone.self, "node-b");
  assert.deepEqual(Object.keys(everyone.nodes).sort(), ["node-a", "node-b", "node-c"]);
  assert.deepEqual(everyone.missing, []);
  for (const [id, node] of [["node-a", a], ["node-b", b], ["node-c", c]] as const) {
    assert.deepEqual(everyone.nodes[id], await node.ask("stats"), `${id}'s own stats()`);
  }
  assert.equal(everyone.totals.sessions, 4);
  assert.equal(everyone.totals.greenlets, 1);
  const reapedSum = Object.values(everyone.nodes).reduce((sum, stats) => sum + stats.reaped!, 0);
  assert.equal(everyone.totals.reaped, reapedSum);

  // A stopped process keeps its Redis connection (and its place in the cluster) but cannot answer.
  c.child.kill("SIGSTOP");
  try {
    const partial = await a.ask<Stats>("clusterStats", { timeout: 300 });
    assert.deepEqual(Object.keys(partial.nodes).sort(), ["node-a", "node-b"]);
    assert.deepEqual(partial.missing, ["node-c"]);
    assert.equal(partial.totals.sessions, 3);
  } finally {
    c.child.kill("SIGCONT");
  }
  for (const client of sessions) client.disconnect();
  await b.logged("b1-job reaped");
});

test("with Redis SIGKILLed mid-traffic, every node keeps serving locally, reports the outage once, and resumes cross-node sends once Redis is back", { skip, timeout: 40_000 }, async (t) => {
  const ann = await member(a, "ann", "r");
  const amy = await member(a, "amy", "r");
  const bob = await member(b, "bob", "r");
  const cat = await member(c, "cat");
  const crossed = nextText(bob, "before");
  assert.equal(await ann.emitWithAck("say", "r", "before"), true);
  await crossed;
  const probeBefore = await a.ask<any>("probe");

  // Traffic in flight while Redis dies: acked events whose handlers publish to the room.
  let amyHeard = 0;
  amy.on("said", () => amyHeard++);
  const inFlight = Array.from({ length: 200 }, (_, i) => ann.emitWithAck("say", "r", `flight ${i}`));
  await redis!.kill();
  const flightAcks = await Promise.all(inFlight);
  assert.equal(flightAcks.length, 200, "every acked event whose handler ran got its ack");
  assert.ok(flightAcks.every((ack) => typeof ack === "boolean"));

  // While Redis is down: events, acks, local rooms and greenlets work on every node.
  for (const node of [a, b, c]) await until(async () => (await node.ask<unknown[]>("errors")).length > 0, `${node.nodeId} to report the outage`);
  await until(async () => (await a.ask<any>("probe")).reconnects >= probeBefore.reconnects + 3, "several reconnect attempts");
  const amyBefore = amyHeard;
  const local = Array.from({ length: 300 }, (_, i) => ann.emitWithAck("say", "r", `down ${i}`));
  assert.deepEqual(new Set(await Promise.all(local)), new Set([false]), "a send that did not reach the other nodes returns false");
  assert.equal(await ann.emitWithAck("echo", "still here"), "still here");
  assert.equal(await cat.emitWithAck("echo", 42), 42);
  assert.equal(await bob.emitWithAck("work", "bob-outage-job"), 1);
  await until(() => amyHeard === amyBefore + 300, "amy, on ann's node, to hear every local send");
  const probeDown = await a.ask<any>("probe");
  assert.deepEqual(probeDown.pub, probeBefore.pub, "no listener per failed publish");
  assert.deepEqual(probeDown.sub, probeBefore.sub);
  assert.ok((probeDown.resources.Timeout ?? 0) <= (probeBefore.resources.Timeout ?? 0) + 2, `no timer per failed publish: ${JSON.stringify([probeBefore.resources, probeDown.resources])}`);
  const statsDown = await a.ask<Counts>("stats");
  assert.ok(statsDown.adapterErrors! >= 300, `adapterErrors counts the dropped sends: ${statsDown.adapterErrors}`);
  const alone = await a.ask<Stats>("clusterStats", { timeout: 300 });
  assert.deepEqual(Object.keys(alone.nodes), ["node-a"], "without Redis a node answers for itself");

  // Redis back on the same port: cross-node sends resume by themselves, in both directions (each
  // node's subscriber reconnects and resubscribes on its own).
  await redis!.restart();
  const back = Date.now();
  const [annToBob, bobToAnn] = await Promise.all([resumes(ann, bob, back), resumes(bob, ann, back)]);
  t.diagnostic(`cross-node sends resumed ${annToBob} ms (node-a to node-b) and ${bobToAnn} ms (node-b to node-a) after Redis accepted connections again`);
  await until(async () => Object.keys((await a.ask<Stats>("clusterStats")).nodes).length === 3, "every node to be back in the cluster");

  for (const node of [a, b, c]) {
    const errors = await node.ask<{ kind: string; name: string; message: string }[]>("errors");
    assert.equal(errors.length, 1, `${node.nodeId}: the outage is reported once: ${JSON.stringify(errors)}`);
    assert.equal(errors[0]!.kind, "adapter");
    assert.equal(errors[0]!.name, "AdapterError");
    assert.match(errors[0]!.message, new RegExp(`lost its Redis connection \\(${redis!.url}\\)`));
    assert.equal(node.child.exitCode, null, `${node.nodeId} is still running`);
    assert.equal(node.stderr(), "", `${node.nodeId} wrote nothing on stderr`);
  }
  for (const client of [ann, amy, bob, cat]) client.disconnect();
  await b.logged("bob-outage-job reaped");
});

test("a SIGKILLed node's clients reconnect to the others through the balancer, and the survivors never count its sessions", { skip }, async () => {
  const balancer = await startBalancer([a.url, b.url, c.url]);
  try {
    const before = await a.ask<Stats>("clusterStats");
    const errorsBefore = await Promise.all([a, b].map((node) => node.ask<unknown[]>("errors")));
    const users = Array.from({ length: 6 }, () => open(balancer.url, { reconnection: true, reconnectionDelay: 50, reconnectionDelayMax: 200 }));
    await Promise.all(users.map(connected));
    const homes = await Promise.all(users.map((client) => client.emitWithAck("name", "user")));
    assert.deepEqual([...new Set(homes)].sort(), ["node-a", "node-b", "node-c"], "the balancer spreads the clients");
    const onC = users.filter((_, i) => homes[i] === "node-c");
    const back = onC.map((client) => new Promise<void>((resolve) => client.once("connect", () => resolve())));
    c.child.kill("SIGKILL");
    await c.exited;
    await Promise.all(back);
    const newHomes = await Promise.all(onC.map((client) => client.emitWithAck("name", "moved")));
    assert.ok(newHomes.every((home) => home === "node-a" || home === "node-b"), `reconnected to a survivor: ${newHomes.join(", ")}`);
    await until(async () => Object.keys((await a.ask<Stats>("clusterStats")).nodes).length === 2, "node-c to leave the cluster");
    const after = await a.ask<Stats>("clusterStats", { timeout: 1000 });
    assert.deepEqual(Object.keys(after.nodes).sort(), ["node-a", "node-b"]);
    assert.deepEqual(after.missing, [], "a dead node is gone, not missing");
    assert.equal(after.totals.sessions, before.nodes["node-a"]!.sessions! + before.nodes["node-b"]!.sessions! + 6, "each client counted once, on its new node");
    assert.deepEqual(await Promise.all([a, b].map((node) => node.ask<unknown[]>("errors"))), errorsBefore, "no error on the survivors");
    for (const client of users) client.disconnect();
  } finally {
    await balancer.close();
  }
});
