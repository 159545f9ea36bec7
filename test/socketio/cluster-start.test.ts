// `npm run start:cluster` (examples/dashboard/cluster.ts) as a user runs it: a redis-server of its
// own, N dashboard nodes whose runtime panels show every node, chat across them, and a Ctrl-C that
// stops everything with exit code 0. And its bad inputs: an unreachable REDIS_URL, a busy port,
// no redis-server binary.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createServer, type AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { io as connect, type Socket as ClientSocket } from "socket.io-client";
import { redisSkip, startRedis } from "../redis-server.js";

const skip = redisSkip();
const launcher = fileURLToPath(new URL("../../examples/dashboard/cluster.ts", import.meta.url));

interface Run {
  child: ChildProcess;
  output(): string;
  /** Resolves once the output contains `text`. */
  printed(text: string): Promise<void>;
  exited: Promise<[number | null, NodeJS.Signals | null]>;
}

function run(env: Record<string, string>): Run {
  const child = spawn(process.execPath, ["--import", "tsx", "--conditions=source", launcher], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const waiters: [string, () => void][] = [];
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const [text, resolve] of waiters) if (output.includes(text)) resolve();
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  return {
    child,
    output: () => output,
    printed: (text) => (output.includes(text) ? Promise.resolve() : new Promise((resolve) => waiters.push([text, resolve]))),
    exited: once(child, "exit") as Promise<[number | null, NodeJS.Signals | null]>,
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

function client(url: string, nsp: string): Promise<ClientSocket> {
  const socket = connect(`${url}${nsp}`, { transports: ["websocket"], forceNew: true, reconnection: false, auth: { tab: "test" } });
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", reject);
  });
}

test("start:cluster starts Redis and two nodes, whose runtime panel shows both, and Ctrl-C stops them all with exit code 0", { skip, timeout: 60_000 }, async () => {
  const cluster = run({ NODES: "2", PORT: "0", REDIS_URL: "" });
  await cluster.printed("Ctrl-C stops them all.");
  const urls = [...cluster.output().matchAll(/ {2}node-\d: (http:\S+)/g)].map((m) => m[1]!);
  assert.equal(urls.length, 2, cluster.output());
  const pids = [...cluster.output().matchAll(/\(pid (\d+)/g)].map((m) => Number(m[1]));
  const redisPort = Number(/on Redis redis:\/\/127\.0\.0\.1:(\d+) \(started here\)/.exec(cluster.output())![1]);

  const runtime = await client(urls[0]!, "/runtime");
  const panel = await new Promise<any>((resolve) => {
    runtime.on("runtime", (snapshot: any) => {
      if (snapshot.cluster !== null && Object.keys(snapshot.cluster.nodes).length === 2 && snapshot.cluster.nodes["node-1"].sessions === 1) resolve(snapshot);
    });
  });
  assert.equal(panel.node, "node-1", "the panel says which node this tab is on");
  assert.deepEqual(Object.keys(panel.cluster.nodes).sort(), ["node-1", "node-2"]);
  assert.deepEqual(panel.cluster.missing, []);
  assert.equal(panel.cluster.nodes["node-1"].sessions, 1, "this runtime session, on node-1");

  const ada = await client(urls[0]!, "/chat");
  const bob = await client(urls[1]!, "/chat");
  await ada.emitWithAck("nickname", "ada");
  await bob.emitWithAck("nickname", "bob");
  await ada.emitWithAck("join", "lobby");
  await bob.emitWithAck("join", "lobby");
  const heard = new Promise<{ nick: string; text: string }>((resolve) => bob.once("message", resolve));
  await ada.emitWithAck("message", "across nodes");
  assert.deepEqual({ ...(await heard), t: 0 }, { nick: "ada", text: "across nodes", t: 0 });
  for (const socket of [runtime, ada, bob]) socket.disconnect();

  cluster.child.kill("SIGINT");
  const [code, signal] = await cluster.exited;
  assert.deepEqual([code, signal], [0, null], cluster.output());
  assert.equal(pids.length, 2);
  for (const pid of pids) assert.equal(alive(pid), false, `node pid ${pid} stopped`);
  const probe = createServer();
  await new Promise<void>((resolve, reject) => probe.once("error", reject).listen(redisPort, "127.0.0.1", resolve));
  await new Promise((resolve) => probe.close(resolve));
});

test("start:cluster with an unreachable REDIS_URL fails quickly with a message naming the URL and exit code 1", { timeout: 30_000 }, async () => {
  const url = `redis://127.0.0.1:${await freePort()}`;
  const cluster = run({ NODES: "2", PORT: "0", REDIS_URL: url });
  const [code] = await cluster.exited;
  assert.equal(code, 1, cluster.output());
  assert.match(cluster.output(), new RegExp(`\\[node-\\d\\] dashboard: the server did not start: cannot reach Redis at ${url} \\(connect ECONNREFUSED`));
  assert.match(cluster.output(), /start:cluster: node-\d exited \(1\) before it was ready; stopping the rest/);
});

test("start:cluster on a port in use says so and exits 1, stopping what it started", { skip, timeout: 30_000 }, async () => {
  const redis = await startRedis();
  const busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
  const port = (busy.address() as AddressInfo).port;
  try {
    const cluster = run({ NODES: "1", PORT: String(port), REDIS_URL: redis.url });
    const [code] = await cluster.exited;
    assert.equal(code, 1, cluster.output());
    assert.match(cluster.output(), new RegExp(`\\[node-\\d\\] dashboard: port ${port} is in use; set PORT to another port`));
  } finally {
    await new Promise((resolve) => busy.close(resolve));
    await redis.stop();
  }
});

test("start:cluster without REDIS_URL and without redis-server names the Debian package", async () => {
  // No directory on PATH holds redis-server (node itself is started by its full path).
  const cluster = run({ NODES: "1", PORT: "0", REDIS_URL: "", PATH: "/nonexistent" });
  const [code] = await cluster.exited;
  assert.equal(code, 1);
  assert.match(cluster.output(), /start:cluster: redis-server not found: install the Debian package redis-server/);
});
