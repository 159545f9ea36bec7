// Tutorial, chapter 9: what the chapter's programs share. A redis-server of their own on a free
// port, the chat nodes as child processes (examples/_tutorial-cluster-node.ts), and chat members.
import { spawn as spawnChild } from "node:child_process";
import { once } from "node:events";
import { createServer, type AddressInfo } from "node:net";
import { inspect } from "node:util";
import { io as connect, type Socket } from "socket.io-client";
import { sleep } from "greenthread";
import { lines, spawnProcess, type ProcessGreenlet } from "greenthread/process";

/** Starts a redis-server on a free loopback port, without persistence. */
export async function startRedis() {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  const redis = spawnChild("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]);
  let output = "";
  for await (const chunk of redis.stdout!) {
    output += String(chunk);
    if (output.includes("Ready to accept connections")) break;
  }
  redis.stdout!.resume();
  const stop = async () => {
    redis.kill();
    await once(redis, "exit");
  };
  return { url: `redis://127.0.0.1:${port}`, stop };
}

export interface ChatNode {
  id: string;
  url: string;
  process: ProcessGreenlet;
  /** The node's output after its "listening" line. */
  output: AsyncIterableIterator<string>;
}

/** Starts one node as a child process; resolves once it listens. */
export async function startNode(id: string, redisUrl: string, options: { killSignal?: NodeJS.Signals } = {}): Promise<ChatNode> {
  const node = spawnProcess(process.execPath, ["--import", "tsx", "--conditions=source", "examples/_tutorial-cluster-node.ts"], {
    env: { ...process.env, NODE_ID: id, REDIS_URL: redisUrl },
    stdout: "pipe",
    ...options,
  });
  const output = lines(node.stdout!);
  const first = await output.next();
  if (first.done === true) await node.get(); // it ended before listening: its ProcessError says why
  const port = /^listening (\d+)$/.exec(String(first.value))![1];
  return { id, url: `http://127.0.0.1:${port}`, process: node, output };
}

/** Stops a node with SIGTERM and returns what it printed on its way out. */
export async function stopNode(node: ChatNode): Promise<string[]> {
  await node.process.kill();
  const said: string[] = [];
  for await (const line of node.output) said.push(line);
  return said;
}

/** A member of the chat: a socket.io client of one node, and the lines it has heard. */
export async function member(node: ChatNode, nick: string) {
  const socket: Socket = connect(`${node.url}/chat`, { transports: ["websocket"], auth: { nick }, reconnection: false });
  const heard: string[] = [];
  socket.on("message", (line: string) => heard.push(line));
  await new Promise((resolve) => socket.once("connect", () => resolve(undefined)));
  const hears = async (count: number) => {
    while (heard.length < count) await sleep(5);
    return heard;
  };
  return { nick, node: node.id, socket, heard, hears };
}

/** A news tab on `node`: a session whose greenlet holds a Redis subscriber of its own. */
export async function newsTab(node: ChatNode): Promise<Socket> {
  const socket = connect(`${node.url}/news`, { transports: ["websocket"], reconnection: false });
  await new Promise((resolve) => socket.once("connect", () => resolve(undefined)));
  return socket;
}

/** Polls until `check()` is true: for what Redis sees a moment after a process is gone. */
export async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await sleep(10);
}

/** One line, however deep. */
export const show = (value: unknown): string => inspect(value, { breakLength: Infinity, depth: 4 });
