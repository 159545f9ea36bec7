// The socket.io layer's cost: event round trips (client emit → handler → ack) through a
// BaseNamespace against plain socket.on handlers on the same server, in the same run (target: at
// most 10% slower); and session churn (connect, spawn a greenlet, disconnect, reaped) per second.
import { roundTrips, sessionChurn, startSocketioBench } from "./workloads/socketio.js";
import { finish, formatRate, measure, target, type Measured } from "./lib.js";

const ROUND_TRIPS = 1000;
const CHURN = 100;

const bench = await startSocketioBench();
const plain = await bench.connect("/plain");
const echo = await bench.connect("/echo");

// Both run on this one process, client and server alike, so whatever else the machine does
// shows up in both; measuring them in alternating order (ABBA) keeps a drift in that load from
// favouring either. The target compares the means over all rounds.
// `async` functions: tinybench tells a plain function's kind by calling it once, unawaited,
// which would put a second batch of round trips on the same client beside the first.
const tasks = {
  "plain socket.on handler": async () => roundTrips(plain, ROUND_TRIPS),
  "BaseNamespace handler": async () => roundTrips(echo, ROUND_TRIPS),
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
    "connect + spawn + disconnect + reaped": async () => sessionChurn(bench, CHURN),
  },
  { time: 3000, iterations: 5 },
);
console.log(`  → session churn: ${formatRate(churn.get("connect + spawn + disconnect + reaped")!.opsPerSecond)} sessions/s`);

await bench.close();
finish();
