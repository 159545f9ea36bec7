// Tutorial, chapter 9, step 1: two nodes, each a process of its own, share one chat room through
// Redis. A message said on node-a reaches the members on node-b; each node holds and counts its own
// sessions, and clusterStats() asks every node for its counts.
import { member, show, startNode, startRedis, stopNode } from "./tutorial-cluster-common.js";

const redis = await startRedis();
const [a, b] = await Promise.all([startNode("node-a", redis.url), startNode("node-b", redis.url)]);

const ann = await member(a!, "ann");
const bob = await member(b!, "bob");
const cat = await member(b!, "cat");
for (const m of [ann, bob, cat]) console.log(`${m.nick} joined on ${m.node}; in the room:`, show(await m.socket.emitWithAck("join", "lobby")));

await ann.socket.emitWithAck("say", "hello from node-a");
console.log("bob heard:", show(await bob.hears(1)));
console.log("cat heard:", show(await cat.hears(1)));
await cat.socket.emitWithAck("say", "hi ann");
console.log("ann heard:", show(await ann.hears(1)));

console.log("the cluster, asked on node-a:", show(await ann.socket.emitWithAck("cluster")));

for (const m of [ann, bob, cat]) m.socket.disconnect();
for (const node of [a!, b!]) console.log(...(await stopNode(node)));
await redis.stop();
