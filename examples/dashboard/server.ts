// The dashboard: `npm start` serves it on http://127.0.0.1:8080 (PORT and HOST override that).
// A live CPU graph per tab, a shared data feed, chat rooms and a runtime panel, all on
// greenthread's socket.io layer. With REDIS_URL set, sessions on several nodes share rooms and
// broadcasts through Redis; without it everything runs in memory. On SIGTERM or SIGINT it closes
// with `reconnect: true`: open pages reconnect by themselves to the next server on the same port.
// With FEED=zmq the shared feed comes from a producer process over ZeroMQ (see zmq-feed.ts); the
// feed is also served to plain WebSocket pages on /feed.ws (ws.html).
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from "node:http";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Server } from "socket.io";
import { sleep, type Greenlet } from "greenthread";
import { enableRunInfo } from "greenthread/observe";
import { mount, type CloseOptions } from "greenthread/socketio";
import { createBlockingNamespace, startBlockMonitor } from "./blocking.js";
import { FeedStatus, announceFeedStatus } from "./feed-status.js";
import { createJobsNamespace } from "./jobs.js";
import { createNamespaces, type DashboardContext, type FeedPoint } from "./namespaces.js";
import { Topic } from "./pubsub.js";
import { serveWebSocketFeed, type WsFeed } from "./ws-feed.js";
import type { ZmqFeedOptions } from "./zmq-feed.js";

const here = dirname(fileURLToPath(import.meta.url));
const uplotDir = join(dirname(createRequire(import.meta.url).resolve("uplot/package.json")), "dist");

const assets: Record<string, { file: string; type: string }> = {
  "/": { file: join(here, "public", "index.html"), type: "text/html; charset=utf-8" },
  "/app.js": { file: join(here, "public", "app.js"), type: "text/javascript; charset=utf-8" },
  "/jobs.js": { file: join(here, "public", "jobs.js"), type: "text/javascript; charset=utf-8" },
  "/blocking.js": { file: join(here, "public", "blocking.js"), type: "text/javascript; charset=utf-8" },
  "/style.css": { file: join(here, "public", "style.css"), type: "text/css; charset=utf-8" },
  "/feed-status.js": { file: join(here, "public", "feed-status.js"), type: "text/javascript; charset=utf-8" },
  "/ws.html": { file: join(here, "public", "ws.html"), type: "text/html; charset=utf-8" },
  "/ws.js": { file: join(here, "public", "ws.js"), type: "text/javascript; charset=utf-8" },
  "/vendor/uPlot.iife.min.js": { file: join(uplotDir, "uPlot.iife.min.js"), type: "text/javascript; charset=utf-8" },
  "/vendor/uPlot.min.css": { file: join(uplotDir, "uPlot.min.css"), type: "text/css; charset=utf-8" },
};

async function serveAsset(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const path = new URL(request.url ?? "/", "http://localhost").pathname;
  const asset = assets[path];
  if (asset === undefined || (request.method !== "GET" && request.method !== "HEAD")) {
    response.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
    return;
  }
  const body = await readFile(asset.file);
  response.writeHead(200, { "content-type": asset.type, "content-length": body.length, "cache-control": "no-cache" });
  response.end(request.method === "HEAD" ? undefined : body);
}

export interface DashboardOptions {
  port?: number;
  host?: string;
  /** Use the Redis adapter with this server; in-memory when undefined. */
  redisUrl?: string;
  /** Grace period for session greenlets at disconnect and shutdown. Default 2000 ms. */
  graceMs?: number;
  /** Milliseconds between two points of the shared feed. Default 100. */
  feedIntervalMs?: number;
  /** Take the shared feed from a ZeroMQ producer process instead of an in-process greenlet. */
  zmq?: ZmqFeedOptions;
  /** This server's name among the nodes (the runtime panel shows it). Default: `<hostname>-<pid>`. */
  nodeId?: string;
}

export interface Dashboard {
  url: string;
  context: DashboardContext;
  io: Server;
  http: HttpServer;
  /** Whether the shared feed flows (always "live" for the in-process producer). */
  feedStatus: FeedStatus;
  /** The feed's plain WebSocket endpoint (/feed.ws). */
  wsFeed: WsFeed;
  /**
   * Closes the app gracefully (every session reaped, the feed producer too), then the servers.
   * `reconnect: true` lets open pages reconnect to the next server on the URL (see `app.close`).
   * A second call returns the first call's promise.
   */
  close(options?: Pick<CloseOptions, "reconnect">): Promise<void>;
}

/** Publishes a sine wave into the topic, a point every `intervalMs`, until killed. */
async function produceSine(g: Greenlet<void>, topic: Topic<FeedPoint>, intervalMs: number): Promise<void> {
  for (let seq = 0; ; seq++) {
    topic.publish({ seq, t: Date.now(), value: Math.sin(seq / 10) });
    await sleep(intervalMs, { signal: g });
  }
}

/** Every second, every node's stats for the runtime panel (a node that does not answer in 800 ms is listed as missing). */
async function watchCluster(g: Greenlet<void>, context: DashboardContext): Promise<void> {
  for (;;) {
    context.cluster = await context.app!.clusterStats({ timeout: 800, signal: g });
    await sleep(1000, { signal: g });
  }
}

/**
 * Starts the dashboard. Rejects with the listen error (`code` `"EADDRINUSE"` on a busy port) after
 * closing everything it had started.
 */
export async function startDashboard(options: DashboardOptions = {}): Promise<Dashboard> {
  const http = createServer((request, response) => {
    serveAsset(request, response).catch((error: unknown) => {
      console.error("dashboard: serving %s failed: %s", request.url, error);
      if (!response.headersSent) response.writeHead(500).end();
    });
  });
  const io = new Server(http);
  let closeRedis = async (): Promise<void> => {};
  if (options.redisUrl !== undefined) {
    const [{ createAdapter }, { connectRedisPair }] = await Promise.all([import("@socket.io/redis-adapter"), import("./redis.js")]);
    const { pub, sub } = await connectRedisPair(options.redisUrl);
    io.adapter(createAdapter(pub, sub));
    closeRedis = async () => {
      await Promise.allSettled([pub.quit(), sub.quit()]);
    };
  }

  // The runtime panel shows each tab's greenlets and what they are parked on.
  const disableRunInfo = enableRunInfo();
  const context: DashboardContext = { app: undefined, topic: new Topic<FeedPoint>(), sessions: new Set() };
  const { CpuNamespace, FeedNamespace, ChatNamespace, RuntimeNamespace } = createNamespaces(context);
  const { JobsNamespace } = createJobsNamespace(context);
  const { BlockingNamespace } = createBlockingNamespace(context);
  const app = (context.app = mount(
    io,
    { "/cpu": CpuNamespace, "/feed": FeedNamespace, "/chat": ChatNamespace, "/runtime": RuntimeNamespace, "/jobs": JobsNamespace, "/blocking": BlockingNamespace },
    { graceMs: options.graceMs ?? 2000, ...(options.nodeId === undefined ? {} : { nodeId: options.nodeId }) },
  ));
  // One producer (or relay) for every page: the app owns it, so app.close() reaps it after the sessions.
  let feedStatus: FeedStatus;
  if (options.zmq === undefined) {
    feedStatus = new FeedStatus("in-process", "live");
    const producer = app.spawn(produceSine, context.topic, options.feedIntervalMs ?? 100);
    producer.name = "feed-producer";
  } else {
    // Imported here: only a dashboard that relays ZeroMQ loads the native addon.
    const { startZmqFeed } = await import("./zmq-feed.js");
    feedStatus = startZmqFeed(app, context.topic, options.zmq).status;
  }
  const stopAnnouncing = announceFeedStatus(io, feedStatus);
  const wsFeed = serveWebSocketFeed(http, app, context.topic, feedStatus);
  if (options.redisUrl !== undefined) app.spawn(watchCluster, context).name = "cluster-stats";
  // The blocking monitor lives as long as the HTTP server (io.close() closes that).
  const stopMonitor = startBlockMonitor(context);
  http.once("close", stopMonitor);

  try {
    await new Promise<void>((resolve, reject) => {
      http.once("error", reject);
      http.listen(options.port ?? 8080, options.host ?? "127.0.0.1", () => resolve());
    });
  } catch (error) {
    // Nothing may outlive a failed start: the producer would keep the process alive.
    stopMonitor();
    stopAnnouncing();
    wsFeed.close();
    await app.close();
    await new Promise<void>((resolve) => io.close(() => resolve()));
    await closeRedis();
    disableRunInfo();
    throw error;
  }
  const address = http.address();
  const port = typeof address === "object" && address !== null ? address.port : options.port;
  const url = `http://${options.host ?? "127.0.0.1"}:${port}`;

  let closing: Promise<void> | undefined;
  const close = (closeOptions?: Pick<CloseOptions, "reconnect">) =>
    (closing ??= (async () => {
      stopAnnouncing();
      wsFeed.close();
      await app.close({ reconnect: closeOptions?.reconnect ?? false });
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await closeRedis();
      disableRunInfo();
    })());
  return { url, context, io, http, feedStatus, wsFeed, close };
}

/** What a user should read when the server cannot start: the cause and what to change, one line. */
function startFailure(error: unknown, port: number, host: string): string {
  switch ((error as NodeJS.ErrnoException | undefined)?.code) {
    case "EADDRINUSE":
      return `port ${port} is in use; set PORT to another port (PORT=${port < 65535 ? port + 1 : port - 1} npm start)`;
    case "EACCES":
      return `port ${port} needs privileges this user lacks; set PORT to a port above 1023`;
    case "EADDRNOTAVAIL":
      return `HOST ${host} is not an address of this machine; set HOST (HOST=127.0.0.1 npm start)`;
    case "ENOTFOUND":
      return `HOST ${host} does not resolve to an address; set HOST (HOST=127.0.0.1 npm start)`;
    default:
      return `the server did not start: ${error instanceof Error ? error.message : String(error)}`;
  }
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const port = process.env.PORT === undefined ? 8080 : Number(process.env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`dashboard: PORT must be an integer from 0 to 65535, got ${JSON.stringify(process.env.PORT)}`);
    process.exit(2);
  }
  const host = process.env.HOST ?? "127.0.0.1";
  const feed = process.env.FEED || "in-process";
  if (feed !== "in-process" && feed !== "zmq") {
    console.error(`dashboard: FEED must be "zmq" or unset, got ${JSON.stringify(process.env.FEED)}`);
    process.exit(2);
  }
  const zmq = feed === "zmq" ? await import("./zmq-feed.js").then((module) => module.fromEnvironment()) : undefined;
  let dashboard: Dashboard;
  try {
    dashboard = await startDashboard({
      port,
      host,
      redisUrl: process.env.REDIS_URL || undefined,
      zmq: zmq?.options,
      ...(process.env.NODE_ID ? { nodeId: process.env.NODE_ID } : {}),
    });
  } catch (error) {
    console.error(`dashboard: ${startFailure(error, port, host)}`);
    process.exit(1);
  }
  const adapter = process.env.REDIS_URL ? `, node ${dashboard.context.app!.nodeId} on Redis` : "";
  console.log(`greenthread dashboard: ${dashboard.url} (pid ${process.pid}${adapter})`);
  if (zmq !== undefined) console.log(zmq.describe());
  // Closing with reconnect: open pages reconnect by themselves to whichever process serves this
  // port next, so a restart is a short gap on the page rather than a dead one.
  const shutdown = (signal: string) => {
    console.log(`${signal}: closing sessions…`);
    zmq?.stop();
    dashboard.close({ reconnect: true }).then(
      () => {
        const { reaped, stragglers } = dashboard.context.app!.stats();
        console.log(`closed: ${reaped} greenlets reaped, ${stragglers} stragglers`);
        process.exit(0);
      },
      (error: unknown) => {
        console.error("dashboard: close failed:", error);
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", () => shutdown("SIGINT"));
  process.once("SIGTERM", () => shutdown("SIGTERM"));
}
