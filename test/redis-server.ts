// A real redis-server for the multi-node tests: started on a free loopback port with no
// persistence, stopped after. Without the binary the tests skip with the Debian package's name;
// under CI=true a missing binary is a failure.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn as spawnProcess, spawnSync, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createServer as createNetServer, type AddressInfo } from "node:net";
import { createClient } from "redis";

export const REDIS_MISSING = "redis-server not found: install the Debian package redis-server (apt-get install -y redis-server)";
export const hasRedis = spawnSync("redis-server", ["--version"]).error === undefined;

/** Registers a failing test when redis-server is missing under CI=true; returns the skip option. */
export function redisSkip(): false | string {
  if (!hasRedis && process.env.CI === "true") {
    test("redis-server is installed (required under CI=true)", () => assert.fail(REDIS_MISSING));
  }
  return hasRedis ? false : REDIS_MISSING;
}

async function freePort(): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

export interface RedisServer {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts redis-server on a free port; resolves once it accepts connections. */
export async function startRedis(): Promise<RedisServer> {
  const port = await freePort();
  const child = spawnProcess(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "no"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes("Ready to accept connections")) {
        child.stdout!.off("data", onData);
        resolve();
      }
    };
    child.stdout!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`redis-server exited (${code}) before it was ready:\n${output}`)));
  });
  child.stdout!.resume();
  child.stderr!.resume();
  return {
    url: `redis://127.0.0.1:${port}`,
    process: child,
    async stop() {
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/**
 * Resolves once `nodes` socket.io servers listen on namespace `nsp` through the Redis adapter.
 * A broadcast reaches a node only once its adapter's subscriptions are active; each adapter
 * subscribes to its pattern, then to its request channel, on one connection (in that order), so
 * once redis counts every node on the request channel, every pattern is active too.
 */
export async function waitForAdapters(url: string, nsp: string, nodes: number): Promise<void> {
  const probe = createClient({ url });
  await probe.connect();
  try {
    for (let i = 0; ; i++) {
      const [, count] = (await probe.sendCommand(["PUBSUB", "NUMSUB", `socket.io-request#${nsp}#`])) as [string, number];
      if (Number(count) === nodes) return;
      if (i === 500) throw new Error(`${count} of ${nodes} nodes subscribed to redis on ${nsp}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  } finally {
    await probe.quit();
  }
}
