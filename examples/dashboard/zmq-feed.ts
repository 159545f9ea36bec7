// FEED=zmq: the shared feed comes from a producer process (zmq-producer.ts) over ZeroMQ, through
// the relay greenlet (zmq-relay.ts), instead of from a greenlet in the server. Imported only in
// that mode. `npm start` with FEED=zmq also starts a producer process, unless
// ZMQ_PRODUCER=external says one is run by hand (`npm run feed:producer`).
import { spawn as spawnChild, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Greenlet } from "greenthread";
import type { MountedApp } from "greenthread/socketio";
import { FeedStatus } from "./feed-status.js";
import type { FeedPoint } from "./namespaces.js";
import type { Topic } from "./pubsub.js";
import { DEFAULT_ENDPOINT, relayZmq, type RelayCounts } from "./zmq-relay.js";

export interface ZmqFeedOptions {
  /** The producer's PUB endpoint. Default `tcp://127.0.0.1:5556` (or ZMQ_FEED when run by `npm start`). */
  endpoint?: string;
  /** Milliseconds without a point after which the feed counts as stalled. Default 1000. */
  stallMs?: number;
}

export interface ZmqFeed {
  status: FeedStatus;
  relay: Greenlet<void>;
  counts: RelayCounts;
}

/** Starts the relay greenlet, owned by `app`. */
export function startZmqFeed(app: MountedApp, topic: Topic<FeedPoint>, options: ZmqFeedOptions): ZmqFeed {
  const endpoint = options.endpoint ?? DEFAULT_ENDPOINT;
  const status = new FeedStatus(`zmq ${endpoint}`, "waiting");
  const counts: RelayCounts = { relayed: 0, malformed: 0 };
  const relay = app.spawn(relayZmq, topic, status, endpoint, options.stallMs ?? 1000, counts);
  relay.name = "zmq-relay";
  return { status, relay, counts };
}

const producerScript = join(dirname(fileURLToPath(import.meta.url)), "zmq-producer.ts");

/** A producer process, and the endpoint it bound once it says so on its first line. */
export interface ProducerProcess {
  child: ChildProcess;
  /** Resolves with the endpoint bound; rejects if the process exits first. */
  endpoint: Promise<string>;
}

/**
 * Starts zmq-producer.ts as a child process (Node with tsx, as `npm start` runs). Its later output
 * goes to this process's stdout and stderr, each line prefixed `producer:`; with `quiet`, only
 * its stderr does.
 */
export function startProducerProcess(endpoint: string, options: { intervalMs?: number; quiet?: boolean } = {}): ProducerProcess {
  const args = ["--import", "tsx", "--conditions=source", producerScript, "--endpoint", endpoint, "--interval", String(options.intervalMs ?? 100)];
  const child = spawnChild(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  const lines = createInterface({ input: child.stdout! });
  const bound = new Promise<string>((resolve, reject) => {
    child.once("exit", (code, signal) => reject(new Error(`the producer exited before binding (${signal ?? `exit code ${code}`})`)));
    lines.once("line", (line) => {
      const match = /^zmq producer: (\S+) /.exec(line);
      if (match === null) reject(new Error(`unexpected first line from the producer: ${line}`));
      else resolve(match[1]!);
    });
  });
  bound.catch(() => {}); // the caller may never ask
  lines.on("line", (line) => {
    if (options.quiet !== true) console.log(`producer: ${line}`);
  });
  createInterface({ input: child.stderr! }).on("line", (line) => console.error(`producer: ${line}`));
  return { child, endpoint: bound };
}

/**
 * What `FEED=zmq npm start` runs: the relay connects to ZMQ_FEED (default tcp://127.0.0.1:5556),
 * and a producer process is started on it unless ZMQ_PRODUCER=external.
 */
export function fromEnvironment(): { options: ZmqFeedOptions; stop(): void; describe(): string } {
  const endpoint = process.env.ZMQ_FEED || DEFAULT_ENDPOINT;
  const producer = process.env.ZMQ_PRODUCER === "external" ? undefined : startProducerProcess(endpoint);
  return {
    options: { endpoint },
    stop: () => void producer?.child.kill("SIGTERM"),
    describe: () =>
      producer === undefined
        ? `feed: relaying ZeroMQ from ${endpoint}; start a producer with \`npm run feed:producer\``
        : `feed: relaying ZeroMQ from ${endpoint}, producer pid ${producer.child.pid} (kill it and the pages show the feed stalled; \`npm run feed:producer\` starts another)`,
  };
}
