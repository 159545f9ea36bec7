// examples/cluster/sticky.ts as a user runs it: a `cluster` primary with @socket.io/sticky in front
// of two workers on one real redis-server, reached by socket.io clients on the HTTP long-polling
// transport only. Every request of a polling session must reach the worker that holds it; rooms
// span the workers; SIGTERM stops the workers and the primary with exit code 0.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { io as connect, type Socket as ClientSocket } from "socket.io-client";
import { redisSkip, startRedis, waitForAdapters } from "../redis-server.js";

const skip = redisSkip();
const example = fileURLToPath(new URL("../../examples/cluster/sticky.ts", import.meta.url));

test("polling clients through the sticky primary stay on one worker each, and rooms span the workers", { skip, timeout: 60_000 }, async () => {
  const redis = await startRedis();
  const primary = spawn(process.execPath, ["--import", "tsx", "--conditions=source", example], {
    env: { ...process.env, REDIS_URL: redis.url, PORT: "0", WORKERS: "2" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  primary.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(primary, "exit");
  const clients: ClientSocket[] = [];
  try {
    const url = await new Promise<string>((resolve, reject) => {
      primary.stdout!.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        const match = /sticky: (http:\S+)/.exec(output);
        if (match !== null) resolve(match[1]!);
      });
      void exited.then(() => reject(new Error(`the example exited:\n${output}`)));
    });
    await waitForAdapters(redis.url, "/chat", 2);
    for (let i = 0; i < 4; i++) {
      const client = connect(`${url}/chat`, { transports: ["polling"], forceNew: true, reconnection: false });
      clients.push(client);
      await new Promise<void>((resolve, reject) => {
        client.once("connect", () => resolve());
        client.once("connect_error", reject);
      });
    }
    const homes: string[] = [];
    for (const client of clients) {
      // Forty requests in all per client: each one reaches the worker holding its session, or the
      // session breaks ("Session ID unknown") and the ack never comes.
      const answers = await Promise.all(Array.from({ length: 20 }, () => client.emitWithAck("where")));
      assert.equal(new Set(answers).size, 1, `one worker per session: ${answers.join(", ")}`);
      homes.push(answers[0] as string);
    }
    assert.deepEqual([...new Set(homes)].sort(), ["worker-1", "worker-2"], "least-connection spreads the sessions");

    const [first] = clients;
    const other = clients[homes.findIndex((home) => home !== homes[0])]!;
    await first!.emitWithAck("join", "lobby");
    await other.emitWithAck("join", "lobby");
    const heard = new Promise<unknown[]>((resolve) => other.once("said", (...args: unknown[]) => resolve(args)));
    assert.equal(await first!.emitWithAck("say", "lobby", "over polling"), true);
    assert.deepEqual(await heard, [homes[0], "over polling"]);
  } finally {
    for (const client of clients) client.disconnect();
    primary.kill("SIGTERM");
    const [code] = await exited;
    await redis.stop();
    assert.equal(code, 0, output);
  }
});
