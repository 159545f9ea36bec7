// FEED=zmq: the shared feed comes from a producer process over a ZeroMQ PUB socket, through the
// server's relay greenlet, to socket.io pages and to plain WebSocket clients. A real producer
// process each time; killing it stalls the feed visibly, starting another resumes it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { once } from "node:events";
import { promisify } from "node:util";
import { io as connect, type Socket as ClientSocket } from "socket.io-client";
import { WebSocket } from "ws";
import { startDashboard, type Dashboard } from "../../examples/dashboard/server.js";
import type { FeedStatusView } from "../../examples/dashboard/feed-status.js";
import { startProducerProcess, type ProducerProcess } from "../../examples/dashboard/zmq-feed.js";
import type { RelayedPoint } from "../../examples/dashboard/zmq-relay.js";

/** What one client saw: points and status changes, in order, and a way to wait for one. */
class Seen {
  readonly points: RelayedPoint[] = [];
  readonly states: string[] = [];
  private waiters: { test: () => boolean; resolve: () => void }[] = [];

  point(point: RelayedPoint): void {
    this.points.push(point);
    this.check();
  }

  status(view: FeedStatusView): void {
    this.states.push(view.state);
    this.check();
  }

  /** Resolves once `test` holds (checked now and after each message). */
  until(test: () => boolean): Promise<void> {
    if (test()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ test, resolve }));
  }

  /** The next `count` points from the process `pid`. */
  pointsFrom(pid: number, count: number): Promise<void> {
    const from = this.points.length;
    return this.until(() => this.points.slice(from).filter((p) => p.pid === pid).length >= count);
  }

  private check(): void {
    this.waiters = this.waiters.filter((w) => {
      if (!w.test()) return true;
      w.resolve();
      return false;
    });
  }
}

const STALL_MS = 500;
let dashboard: Dashboard;
let producer: ProducerProcess;
let endpoint: string;
const producers: ProducerProcess[] = [];

function produce(at: string): ProducerProcess {
  const started = startProducerProcess(at, { intervalMs: 20, quiet: true });
  producers.push(started);
  return started;
}

async function kill(p: ProducerProcess): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  const exited = once(p.child, "exit");
  p.child.kill("SIGKILL");
  await exited;
}

/** A socket.io page of /feed that acks every point. */
async function socketioClient(seen: Seen): Promise<ClientSocket> {
  const socket = connect(`${dashboard.url}/feed`, { transports: ["websocket"], forceNew: true, reconnection: false, autoConnect: false });
  socket.on("feed", (point: RelayedPoint, _dropped: number, ack: () => void) => {
    seen.point(point);
    ack();
  });
  socket.on("feed status", (view: FeedStatusView) => seen.status(view));
  socket.connect();
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("connect_error", reject);
  });
  return socket;
}

/** A raw WebSocket client of /feed.ws. */
async function webSocketClient(seen: Seen): Promise<WebSocket> {
  const ws = new WebSocket(`${dashboard.url.replace("http:", "ws:")}/feed.ws`);
  ws.on("message", (data) => {
    const message = JSON.parse(String(data)) as { type: string } & RelayedPoint & FeedStatusView;
    if (message.type === "point") seen.point(message);
    else if (message.type === "status") seen.status(message);
  });
  await once(ws, "open");
  return ws;
}

before(async () => {
  producer = produce("tcp://127.0.0.1:*");
  endpoint = await producer.endpoint;
  dashboard = await startDashboard({ port: 0, graceMs: 1000, zmq: { endpoint, stallMs: STALL_MS } });
});

after(async () => {
  for (const p of producers) await kill(p);
  await dashboard.close();
  dashboard.http.close();
});

test("points from the producer process reach a socket.io page and a raw WebSocket client", async () => {
  const page = new Seen();
  const raw = new Seen();
  const socket = await socketioClient(page);
  const ws = await webSocketClient(raw);
  try {
    const pid = producer.child.pid!;
    await Promise.all([page.pointsFrom(pid, 5), raw.pointsFrom(pid, 5)]);
    for (const seen of [page, raw]) {
      const ours = seen.points.filter((p) => p.pid === pid);
      for (let i = 1; i < ours.length; i++) assert.equal(ours[i]!.seq, ours[i - 1]!.seq + 1, "consecutive points, none lost");
      assert.equal(ours[0]!.value, Math.sin(ours[0]!.seq / 10));
      assert.equal(seen.states.at(-1), "live");
    }
    assert.equal(dashboard.feedStatus.state, "live");
    assert.ok(dashboard.context.app!.greenlets.size >= 2, "the relay and the WebSocket's greenlet are app greenlets");
    assert.ok([...dashboard.context.app!.greenlets].some((g) => g.name === "zmq-relay"));
  } finally {
    socket.disconnect();
    ws.close();
  }
});

test("killing the producer leaves the server up and both clients see the feed stalled; a new producer resumes it", async () => {
  const page = new Seen();
  const raw = new Seen();
  const socket = await socketioClient(page);
  const ws = await webSocketClient(raw);
  try {
    await Promise.all([page.pointsFrom(producer.child.pid!, 2), raw.pointsFrom(producer.child.pid!, 2)]);
    await kill(producer);
    await Promise.all([page.until(() => page.states.at(-1) === "stalled"), raw.until(() => raw.states.at(-1) === "stalled")]);
    assert.equal(dashboard.feedStatus.state, "stalled");
    assert.equal(dashboard.feedStatus.view().source, `zmq ${endpoint}`);
    // The server is up: it serves the page, and the socket.io session is still connected.
    const response = await fetch(dashboard.url);
    assert.equal(response.status, 200);
    await response.arrayBuffer();
    assert.equal(socket.connected, true);
    assert.equal(ws.readyState, WebSocket.OPEN);
    assert.equal(dashboard.context.app!.stats().stragglers, 0);

    // Another producer on the same endpoint: ZeroMQ reconnects the relay's SUB socket by itself.
    producer = produce(endpoint);
    assert.equal(await producer.endpoint, endpoint);
    const pid = producer.child.pid!;
    await Promise.all([page.pointsFrom(pid, 3), raw.pointsFrom(pid, 3)]);
    await Promise.all([page.until(() => page.states.at(-1) === "live"), raw.until(() => raw.states.at(-1) === "live")]);
    assert.deepEqual(page.states.slice(-2), ["stalled", "live"]);
    assert.deepEqual(raw.states.slice(-2), ["stalled", "live"]);
    assert.equal(dashboard.feedStatus.state, "live");
  } finally {
    socket.disconnect();
    ws.close();
  }
});

test("a closed WebSocket's greenlet ends: the registry and the app's greenlets no longer hold it", async () => {
  const raw = new Seen();
  // Connections of the tests before may still be ending on the server's side: tell ours by identity.
  const earlier = new Set(dashboard.wsFeed.greenlets);
  const opened = dashboard.wsFeed.stats().opened;
  const ws = await webSocketClient(raw);
  await raw.pointsFrom(producer.child.pid!, 1);
  const ours = [...dashboard.wsFeed.greenlets].filter((x) => !earlier.has(x));
  assert.equal(ours.length, 1);
  const g = ours[0]!;
  assert.equal(dashboard.wsFeed.stats().opened, opened + 1);
  assert.equal(g.name, `ws-forwarder ${opened + 1}`);
  assert.ok(dashboard.context.app!.greenlets.has(g));
  ws.close();
  await g.join();
  assert.equal(g.successful(), true, "killed by the close: a clean end, nothing reported");
  assert.equal(dashboard.wsFeed.greenlets.has(g), false);
  assert.equal(dashboard.context.app!.greenlets.has(g), false);
  const stats = dashboard.wsFeed.stats();
  assert.equal(stats.open, dashboard.wsFeed.greenlets.size);
  assert.equal(stats.opened - stats.ended, stats.open, "every connection opened is open or ended");
});

test("the default dashboard never loads the zeromq addon", { timeout: 60_000 }, async () => {
  const script = [
    'import { createRequire } from "node:module";',
    'const { startDashboard } = await import("./examples/dashboard/server.ts");',
    "const dashboard = await startDashboard({ port: 0 });",
    "const loaded = Object.keys(createRequire(import.meta.url).cache).filter((f) => f.includes('/node_modules/zeromq/'));",
    "console.log(JSON.stringify({ source: dashboard.feedStatus.view().source, loaded }));",
    "await dashboard.close();",
    "dashboard.http.close();",
  ].join("\n");
  const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "--conditions=source", "--input-type=module", "-e", script], {
    cwd: new URL("../..", import.meta.url),
    encoding: "utf8",
  });
  assert.deepEqual(JSON.parse(stdout), { source: "in-process", loaded: [] });
});
