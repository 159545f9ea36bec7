// The socket.io layer's cost: event round trips (client emit → handler → ack) through a
// BaseNamespace against plain socket.on handlers on the same server, in the same run (target: at
// most 10% slower); and session churn (connect, spawn a greenlet, disconnect, reaped) per second.
import { createServer } from "node:http";
import { Server } from "socket.io";
import type { Socket as ClientSocket } from "socket.io-client";
import { sleep } from "../src/index.js";
import { BaseNamespace, mount } from "../src/socketio/index.js";
import { connectTo, listenLocal } from "./socketio-lib.js";
import { check, finish, formatRate, measure, target, type Measured } from "./lib.js";

const ROUND_TRIPS = 1000;
const CHURN = 100;

let hooks = 0;
let hooksWanted = 0;
let allReaped: () => void = () => {};

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
    if (++hooks === hooksWanted) allReaped();
  }
}

const http = createServer();
const io = new Server(http, { transports: ["websocket"] });
io.of("/plain").on("connection", (socket) => {
  socket.on("echo", (n: number, ack: (n: number) => void) => ack(n));
});
const app = mount(io, { "/echo": Echo, "/work": Worker });
const url = await listenLocal(http);
const connect = (nsp: string): Promise<ClientSocket> => connectTo(url + nsp);

/** ROUND_TRIPS acked events in flight at once on one client; checks every ack. */
async function roundTrips(client: ClientSocket): Promise<void> {
  const acks: Promise<number>[] = new Array(ROUND_TRIPS);
  for (let i = 0; i < ROUND_TRIPS; i++) acks[i] = client.emitWithAck("echo", i);
  const values = await Promise.all(acks);
  for (let i = 0; i < ROUND_TRIPS; i++) if (values[i] !== i) check(false, `ack ${i} was ${values[i]}`);
}

const plain = await connect("/plain");
const echo = await connect("/echo");

// Both run on this one process, client and server alike, so whatever else the machine does
// shows up in both; measuring them in alternating order (ABBA) keeps a drift in that load from
// favouring either. The target compares the means over all rounds.
// `async` functions: tinybench tells a plain function's kind by calling it once, unawaited,
// which would put a second batch of round trips on the same client beside the first.
const tasks = {
  "plain socket.on handler": async () => roundTrips(plain),
  "BaseNamespace handler": async () => roundTrips(echo),
};
const names = Object.keys(tasks) as (keyof typeof tasks)[];
const rounds = [names, [...names].reverse(), [...names].reverse(), names];
const totals = new Map<string, number>();
for (const [i, order] of rounds.entries()) {
  const round = await measure(
    `event round trips, ${ROUND_TRIPS.toLocaleString("en-US")} acked events in flight on one client (round ${i + 1} of ${rounds.length})`,
    ROUND_TRIPS,
    Object.fromEntries(order.map((name) => [name, tasks[name]])),
    { time: 1000 },
  );
  for (const [name, { msPerBatch }] of round) totals.set(name, (totals.get(name) ?? 0) + msPerBatch);
}
const results = new Map<string, Measured>();
console.log("\n## event round trips, mean over the rounds");
for (const [name, total] of totals) {
  const msPerBatch = total / rounds.length;
  results.set(name, { msPerBatch, opsPerSecond: (ROUND_TRIPS / msPerBatch) * 1000 });
  console.log(`  ${name.padEnd(44)} ${formatRate((ROUND_TRIPS / msPerBatch) * 1000).padStart(12)} ops/s`);
}
target(results, "BaseNamespace handler", "plain socket.on handler", 0.9);
plain.disconnect();
echo.disconnect();

const churn = await measure(
  `session churn, ${CHURN} sessions per batch`,
  CHURN,
  {
    "connect + spawn + disconnect + reaped": async () => {
      const before = app.stats().reaped;
      const clients = await Promise.all(Array.from({ length: CHURN }, () => connect("/work")));
      const spawned = await Promise.all(clients.map((client) => client.emitWithAck("start")));
      check(spawned.every((n) => n === 1), "a session did not report its greenlet");
      hooks = 0;
      hooksWanted = CHURN;
      const reaped = new Promise<void>((resolve) => (allReaped = resolve));
      for (const client of clients) client.disconnect();
      await reaped;
      const stats = app.stats();
      check(stats.sessions === 0 && stats.greenlets === 0 && stats.reaped === before + CHURN, `left behind: ${JSON.stringify(stats)}`);
    },
  },
  { time: 3000, iterations: 5 },
);
console.log(`  → session churn: ${formatRate(churn.get("connect + spawn + disconnect + reaped")!.opsPerSecond)} sessions/s`);

await app.close();
await io.close();
finish();
