// Cluster suite: greenthread's socket.io layer on three node processes sharing one redis-server
// through @socket.io/redis-adapter, against the same work on one node process (rooms in memory of
// one adapter, still the Redis adapter). Reported without a target: on a 2-core machine three
// servers, Redis and the clients compete for the same cores, so the figures say what a cross-node
// hop costs, not how far a cluster scales.
//
// - latency: one sender, two receivers in a room; one message at a time, from the client's emit to
//   the receiving client's handler (all clients live in this process, so one clock), p50/p99;
// - throughput: three senders (one per node) and six receivers (two per node) in one room,
//   windows of 200 acked sends per sender; deliveries per second at the receivers;
// - churn: connect, spawn a greenlet, disconnect, reaped on the node; sessions per second per node,
//   one churning client per node, all nodes at once.
// Rounds alternate 3 nodes / 1 node; medians are reported, with the spread.
import { performance } from "node:perf_hooks";
import { io as connectClient, type Socket as ClientSocket } from "socket.io-client";
import { startNode, type NodeProcess } from "../test/fixtures/cluster/nodes.js";
import { startRedis, waitForAdapters } from "../test/redis-server.js";

const ROUNDS = Number(process.env.CLUSTER_ROUNDS ?? 3);
const LATENCY_SAMPLES = 1000;
const THROUGHPUT_PER_SENDER = 6000;
const CHURN_PER_NODE = 300;

async function client(node: NodeProcess, name: string, room?: string): Promise<ClientSocket> {
  const socket = connectClient(`${node.url}/chat`, { transports: ["websocket"], forceNew: true, reconnection: false });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
  await socket.emitWithAck("name", name);
  if (room !== undefined) await socket.emitWithAck("join", room);
  return socket;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function latency(senderNode: NodeProcess, receiverNodes: NodeProcess[], room: string): Promise<{ p50: number; p99: number }> {
  const sender = await client(senderNode, "sender", room);
  const receivers = await Promise.all(receiverNodes.map((node, i) => client(node, `r${i}`, room)));
  const samples: number[] = [];
  for (let seq = -50; seq < LATENCY_SAMPLES; seq++) {
    const text = String(seq);
    const sent = performance.now();
    const arrivals = receivers.map(
      (receiver) =>
        new Promise<number>((resolve) => {
          const listener = (_from: string, got: string) => {
            if (got !== text) return;
            receiver.off("said", listener);
            resolve(performance.now() - sent);
          };
          receiver.on("said", listener);
        }),
    );
    sender.emit("say", room, text);
    const times = await Promise.all(arrivals);
    if (seq >= 0) samples.push(...times); // the first 50 warm up
  }
  for (const socket of [sender, ...receivers]) socket.disconnect();
  if (samples.length !== LATENCY_SAMPLES * receivers.length) throw new Error(`latency: ${samples.length} samples`);
  samples.sort((x, y) => x - y);
  return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

async function throughput(nodes: NodeProcess[], room: string): Promise<number> {
  const senders = await Promise.all([0, 1, 2].map((i) => client(nodes[i % nodes.length]!, `s${i}`, room)));
  const receivers = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => client(nodes[i % nodes.length]!, `r${i}`, room)));
  const expected = senders.length * THROUGHPUT_PER_SENDER;
  let delivered = 0;
  let done!: () => void;
  const all = new Promise<void>((resolve) => (done = resolve));
  const counts = receivers.map(() => 0);
  receivers.forEach((receiver, i) =>
    receiver.on("said", () => {
      counts[i]!++;
      if (++delivered === expected * receivers.length) done();
    }),
  );
  const start = performance.now();
  await Promise.all(
    senders.map(async (sender) => {
      for (let sent = 0; sent < THROUGHPUT_PER_SENDER; sent += 200) {
        const acks = await Promise.all(Array.from({ length: 200 }, (_, k) => sender.emitWithAck("say", room, String(sent + k))));
        if (!acks.every((ack) => ack === true)) throw new Error("throughput: a send was dropped");
      }
    }),
  );
  // Senders are room members too; each hears the other senders' messages, which are not counted.
  await all;
  const seconds = (performance.now() - start) / 1000;
  if (!counts.every((count) => count === expected)) throw new Error(`throughput: receivers got ${counts.join(", ")} of ${expected}`);
  for (const socket of [...senders, ...receivers]) socket.disconnect();
  return (expected * receivers.length) / seconds;
}

async function churn(nodes: NodeProcess[]): Promise<number> {
  const rates = await Promise.all(
    nodes.map(async (node) => {
      const before = (await node.ask<{ reaped: number }>("stats")).reaped;
      const start = performance.now();
      for (let i = 0; i < CHURN_PER_NODE; i++) {
        const socket = await client(node, `c${i}`);
        await socket.emitWithAck("work", `churn-${i}`);
        socket.disconnect();
      }
      // Reaped on the node: wait until its count says so.
      while ((await node.ask<{ reaped: number }>("stats")).reaped < before + CHURN_PER_NODE) await new Promise((r) => setTimeout(r, 5));
      return CHURN_PER_NODE / ((performance.now() - start) / 1000);
    }),
  );
  return median(rates);
}

const redis = await startRedis();
const nodes = await Promise.all(["node-a", "node-b", "node-c"].map((id) => startNode(redis.url, id)));
await waitForAdapters(redis.url, "/chat", 3);
const [a, b, c] = nodes as [NodeProcess, NodeProcess, NodeProcess];

const results = { cross: [] as { p50: number; p99: number }[], local: [] as { p50: number; p99: number }[], tp3: [] as number[], tp1: [] as number[], churn3: [] as number[], churn1: [] as number[] };
for (let round = 0; round < ROUNDS; round++) {
  const order = round % 2 === 0 ? ["3", "1"] : ["1", "3"];
  for (const which of order) {
    if (which === "3") {
      results.cross.push(await latency(a, [b, c], `lat-${round}`));
      results.tp3.push(await throughput(nodes, `tp-${round}`));
      results.churn3.push(await churn(nodes));
    } else {
      results.local.push(await latency(a, [a, a], `lat1-${round}`));
      results.tp1.push(await throughput([a], `tp1-${round}`));
      results.churn1.push(await churn([a]));
    }
  }
  console.log(`round ${round + 1} of ${ROUNDS} done`);
}

const fmt = (values: number[], digits = 2) => `${median(values).toFixed(digits)} (${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)})`;
const p50s = (list: { p50: number }[]) => list.map((x) => x.p50);
const p99s = (list: { p99: number }[]) => list.map((x) => x.p99);
console.log(`\n## cluster  (${ROUNDS} alternating rounds; median (min–max))`);
console.log(`  room emit latency, 3 nodes (cross-node)   p50 ${fmt(p50s(results.cross))} ms   p99 ${fmt(p99s(results.cross))} ms`);
console.log(`  room emit latency, 1 node                 p50 ${fmt(p50s(results.local))} ms   p99 ${fmt(p99s(results.local))} ms`);
console.log(`    ratio 3 nodes / 1 node                  p50 ${(median(p50s(results.cross)) / median(p50s(results.local))).toFixed(2)}×   p99 ${(median(p99s(results.cross)) / median(p99s(results.local))).toFixed(2)}×`);
console.log(`  room deliveries/s, 3 nodes                ${fmt(results.tp3, 0)}`);
console.log(`  room deliveries/s, 1 node                 ${fmt(results.tp1, 0)}`);
console.log(`    ratio 3 nodes / 1 node                  ${(median(results.tp3) / median(results.tp1)).toFixed(2)}×`);
console.log(`  session churn/s per node, 3 nodes at once ${fmt(results.churn3, 0)}`);
console.log(`  session churn/s, 1 node alone             ${fmt(results.churn1, 0)}`);

for (const node of nodes) {
  await node.ask("close");
  await node.exited;
}
await redis.stop();
