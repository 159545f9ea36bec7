// `npm run start:cluster`: the dashboard as a cluster on one machine. Starts a redis-server of its
// own on a free port (unless REDIS_URL names one), then NODES dashboard servers (default 3) on
// consecutive ports from PORT (default 8080; PORT=0: any free ports), and prints each URL. Every
// node's runtime panel shows all the nodes' stats; chat rooms span them. Ctrl-C (or SIGTERM)
// stops every process it started, Redis included, and exits 0; a node that fails to start stops
// the rest and exits 1.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createServer, type AddressInfo } from "node:net";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const REDIS_MISSING = "redis-server not found: install the Debian package redis-server (apt-get install -y redis-server), or set REDIS_URL";
const server = fileURLToPath(new URL("./server.ts", import.meta.url));

function fail(message: string, code = 2): never {
  console.error(`start:cluster: ${message}`);
  process.exit(code);
}

const nodes = Number(process.env.NODES ?? 3);
if (!Number.isInteger(nodes) || nodes < 1 || nodes > 32) fail(`NODES must be an integer from 1 to 32, got ${JSON.stringify(process.env.NODES)}`);
const basePort = Number(process.env.PORT ?? 8080);
if (!Number.isInteger(basePort) || basePort < 0 || basePort + nodes - 1 > 65535) {
  fail(`PORT must be an integer from 0 to ${65536 - nodes} for ${nodes} nodes, got ${JSON.stringify(process.env.PORT)}`);
}

const children: ChildProcess[] = [];
let stopping: Promise<void> | undefined;

/** Stops what runs, nodes first (they close their sessions and their Redis connections), then Redis. */
function stopAll(): Promise<void> {
  return (stopping ??= (async () => {
    const running = (child: ChildProcess | undefined): child is ChildProcess => child !== undefined && child.exitCode === null && child.signalCode === null;
    const dashboards = children.filter((child) => child !== redisProcess);
    await Promise.all(
      dashboards.filter(running).map((child) => {
        const exited = once(child, "exit");
        child.kill("SIGTERM");
        return exited;
      }),
    );
    const redis = redisProcess;
    if (running(redis)) {
      const exited = once(redis, "exit");
      redis.kill("SIGTERM");
      await exited;
    }
  })());
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Prints a child's lines with its name in front; resolves with the first line `ready` accepts. */
function relay(child: ChildProcess, name: string, ready: (line: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    let found = false;
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on("line", (line) => {
        (stream === child.stderr ? process.stderr : process.stdout).write(`[${name}] ${line}\n`);
        if (!found && ready(line)) {
          found = true;
          resolve(line);
        }
      });
    }
    child.once("exit", (code, signal) => {
      if (!found) reject(new Error(`${name} exited (${code ?? signal}) before it was ready`));
    });
  });
}

let redisProcess: ChildProcess | undefined;

async function startRedis(): Promise<string> {
  if (spawnSync("redis-server", ["--version"]).error !== undefined) fail(REDIS_MISSING, 1);
  const port = await freePort();
  // In a process group of its own, so that Ctrl-C (which signals the terminal's whole group) does
  // not stop Redis under the nodes while they close; stopAll() stops it once they are done.
  const redis = (redisProcess = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  }));
  children.push(redis);
  process.once("exit", () => redis.kill("SIGKILL"));
  await relay(redisProcess, "redis", (line) => line.includes("Ready to accept connections"));
  return `redis://127.0.0.1:${port}`;
}

function startNode(index: number, redisUrl: string): Promise<string> {
  const nodeId = `node-${index + 1}`;
  const port = basePort === 0 ? 0 : basePort + index;
  const child = spawn(process.execPath, ["--import", "tsx", "--conditions=source", server], {
    env: { ...process.env, PORT: String(port), REDIS_URL: redisUrl, NODE_ID: nodeId },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  const ready = relay(child, nodeId, (line) => line.startsWith("greenthread dashboard: "));
  // A node that dies once it has started (killed by hand) is reported; the others go on.
  void ready.then(
    () => child.once("exit", (code, signal) => {
      if (stopping === undefined) console.error(`start:cluster: ${nodeId} exited (${code ?? signal})`);
    }),
    () => {},
  );
  return ready.then((line) => /http:\/\/\S+/.exec(line)![0]);
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    console.log(`${signal}: stopping ${children.length} processes…`);
    void stopAll().then(() => process.exit(0));
  });
}

try {
  const redisUrl = process.env.REDIS_URL || (await startRedis());
  const urls = await Promise.all(Array.from({ length: nodes }, (_, i) => startNode(i, redisUrl)));
  console.log(`greenthread cluster: ${nodes} dashboard node${nodes === 1 ? "" : "s"} on Redis ${redisUrl}${redisProcess === undefined ? "" : " (started here)"}`);
  for (const [i, url] of urls.entries()) console.log(`  node-${i + 1}: ${url}`);
  console.log("Ctrl-C stops them all.");
} catch (error) {
  console.error(`start:cluster: ${error instanceof Error ? error.message : String(error)}; stopping the rest`);
  await stopAll();
  process.exit(1);
}
