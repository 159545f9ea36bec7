// Event ping-pong: two greenlets hand control back and forth through two Events, 100,000 round
// trips per batch. The floor is the same exchange between two plain async functions through the
// thinnest promise-based flag there is (one promise per set/clear cycle, no validation, no
// cancellation). Target: the library's Event keeps at least 0.8× of the floor's throughput with
// plain waits; the variant where each wait is given the greenlet as its signal is reported too.
import { eventRoundTrips, flagRoundTrips } from "./workloads/event.js";
import { finish, measure, target } from "./lib.js";

const N = 100_000;

const results = await measure("Event ping-pong, 100,000 round trips", N, {
  "plain promise flag, two async functions": async () => flagRoundTrips(N),
  "Event, two greenlets, wait()": () => eventRoundTrips(N, false),
  "Event, two greenlets, wait({ signal: g })": () => eventRoundTrips(N, true),
});
target(results, "Event, two greenlets, wait()", "plain promise flag, two async functions", 0.8);
// Informational, no target: a wait given the greenlet registers in its cancel state (a Waiter and
// a Set entry per wait), which is the kernel's cost to lower, not the Event's.
const floor = results.get("plain promise flag, two async functions")!.opsPerSecond;
const withSignal = results.get("Event, two greenlets, wait({ signal: g })")!.opsPerSecond;
console.log(`  → Event, two greenlets, wait({ signal: g }) vs the floor: ${(withSignal / floor).toFixed(2)}× (no target)`);
finish();
