// socket.io batches on one server in this process: acked event round trips (client emit → handler
// → ack) through a BaseNamespace or a plain socket.on handler, and session churn (connect, start
// a task, disconnect, the task cleaned up) through a BaseNamespace or a plain namespace.
import { createServer } from "node:http";
import { Server } from "socket.io";
import type { Socket as ClientSocket } from "socket.io-client";
import { sleep } from "../../src/index.js";
import { BaseNamespace, mount, type MountedApp } from "../../src/socketio/index.js";
import { check } from "../lib.js";
import { connectTo, listenLocal } from "../socketio-lib.js";

/** Counts session cleanups until a batch's worth has happened. */
class Countdown {
  private left = 0;
  private done: () => void = () => {};

  expect(n: number): Promise<void> {
    this.left = n;
    return new Promise<void>((resolve) => (this.done = resolve));
  }

  tick(): void {
    if (--this.left === 0) this.done();
  }
}

const reaped = new Countdown();
const plainCleaned = new Countdown();

class Echo extends BaseNamespace {
  onEcho(n: number) {
    return n;
  }
}

class Worker extends BaseNamespace {
  onStart() {
    this.spawn(async (g) => {
      await sleep(60_000, { signal: g });
    });
    return this.greenlets.size;
  }
  override disconnected() {
    reaped.tick();
  }
}

function noop(): void {}

export interface SocketioBench {
  /** The greenthread app: `/echo` (round trips) and `/work` (churn). */
  app: MountedApp;
  /** A new websocket client on a namespace: `/plain`, `/echo`, `/plain-work` or `/work`. */
  connect(nsp: string): Promise<ClientSocket>;
  close(): Promise<void>;
}

/** Starts the server with both kinds of namespace on 127.0.0.1, port 0. */
export async function startSocketioBench(): Promise<SocketioBench> {
  const http = createServer();
  const io = new Server(http, { transports: ["websocket"] });
  io.of("/plain").on("connection", (socket) => {
    socket.on("echo", (n: number, ack: (n: number) => void) => ack(n));
  });
  // The floor of churn: the task a session starts is a timer, cleared when the session ends.
  io.of("/plain-work").on("connection", (socket) => {
    socket.on("start", (ack: (n: number) => void) => {
      const timer = setTimeout(noop, 60_000);
      socket.once("disconnect", () => {
        clearTimeout(timer);
        plainCleaned.tick();
      });
      ack(1);
    });
  });
  const app = mount(io, { "/echo": Echo, "/work": Worker });
  const url = await listenLocal(http);
  return {
    app,
    connect: (nsp) => connectTo(url + nsp),
    close: async () => {
      await app.close();
      await io.close();
    },
  };
}

/** n acked events in flight at once on one client; checks every ack. */
export async function roundTrips(client: ClientSocket, n: number): Promise<void> {
  const acks: Promise<number>[] = new Array(n);
  for (let i = 0; i < n; i++) acks[i] = client.emitWithAck("echo", i);
  const values = await Promise.all(acks);
  for (let i = 0; i < n; i++) if (values[i] !== i) check(false, `ack ${i} was ${values[i]}`);
}

/** n sessions connect, each starts a task, all disconnect; resolves once every task was cleaned up. */
async function churn(bench: SocketioBench, nsp: string, cleaned: Countdown, n: number): Promise<void> {
  const clients = await Promise.all(Array.from({ length: n }, () => bench.connect(nsp)));
  const started = await Promise.all(clients.map((client) => client.emitWithAck("start")));
  check(started.every((k) => k === 1), "a session did not report its task");
  const done = cleaned.expect(n);
  for (const client of clients) client.disconnect();
  await done;
}

/** Session churn through a BaseNamespace whose session spawns a greenlet that the end reaps. */
export async function sessionChurn(bench: SocketioBench, n: number): Promise<void> {
  const before = bench.app.stats().reaped;
  await churn(bench, "/work", reaped, n);
  const stats = bench.app.stats();
  check(stats.sessions === 0 && stats.greenlets === 0 && stats.reaped === before + n, `left behind: ${JSON.stringify(stats)}`);
}

/** The floor: the same churn through a plain namespace whose task is a timer. */
export function plainSessionChurn(bench: SocketioBench, n: number): Promise<void> {
  return churn(bench, "/plain-work", plainCleaned, n);
}
