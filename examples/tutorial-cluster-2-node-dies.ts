// Tutorial, chapter 9, step 2: a node dies. node-b is ended by SIGKILL, as a crash or the OOM
// killer would end it: no code of its own runs, so its sessions' cleanup never happens. What
// Redis ties to a connection (the node's membership, the per-session subscriber's channels) goes
// with the process; what the cleanup should have removed stays. Its clients reconnect elsewhere.
import { createClient } from "redis";
import { member, newsTab, show, startNode, startRedis, stopNode, until } from "./tutorial-cluster-common.js";

const redis = await startRedis();
const db = createClient({ url: redis.url }); // this program's own look into Redis
await db.connect();
const a = await startNode("node-a", redis.url);
const b = await startNode("node-b", redis.url, { killSignal: "SIGKILL" }); // its kill is a crash

const ann = await member(a, "ann");
const bob = await member(b, "bob");
const cat = await member(b, "cat");
for (const m of [ann, bob, cat]) await m.socket.emitWithAck("join", "lobby");
await newsTab(b); // bob's news tab: its session on node-b holds a Redis connection of its own
const numsub = async (channel: string) => Object.values(await db.pubSubNumSub([channel]))[0];
const subscribers = () => numsub("news:general");
const nodes = () => numsub("socket.io-request#/chat#"); // every node's adapter listens there
await until(async () => (await subscribers()) === 1);

console.log("online:", show((await db.sMembers("online")).sort()));
console.log("subscribers of news:general:", await subscribers());
console.log("the cluster:", show(await ann.socket.emitWithAck("cluster")));

const lost = new Promise<string>((resolve) => bob.socket.once("disconnect", resolve));
await b.process.kill(); // SIGKILL; resolves once the process is gone
console.log(`node-b is gone; bob's client saw: ${await lost}`);
await until(async () => (await subscribers()) === 0 && (await nodes()) === 1); // Redis notices the closed connections
console.log("subscribers of news:general:", await subscribers());
console.log("online:", show((await db.sMembers("online")).sort()));
console.log("the cluster:", show(await ann.socket.emitWithAck("cluster")));
console.log("in the room:", show(await ann.socket.emitWithAck("join", "lobby")));

const back = await member(a, "bob"); // bob's client connects to a node that is still there
console.log(`bob is back, on ${back.node}; in the room:`, show(await back.socket.emitWithAck("join", "lobby")));

for (const m of [ann, back]) m.socket.disconnect();
console.log(...(await stopNode(a)));
console.log("online:", show((await db.sMembers("online")).sort()));
await db.quit();
await redis.stop();
