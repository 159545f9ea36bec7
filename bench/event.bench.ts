// Event ping-pong: two greenlets hand control back and forth through two Events, 100,000 round
// trips per batch. The floor is the same exchange between two plain async functions through the
// thinnest promise-based flag there is (one promise per set/clear cycle, no validation, no
// cancellation). Targets, on the median of alternating rounds: the library's Event keeps at least
// 0.8× of the floor's throughput with plain waits, and also with every wait given the greenlet as
// its signal, the path the docs prescribe inside a greenlet.
import { eventRoundTrips, flagRoundTrips } from "./workloads/event.js";
import { alternate, finish, ratioTarget } from "./lib.js";

const N = 100_000;
const FLOOR = "plain promise flag, two async functions";
const PLAIN = "Event, two greenlets, wait()";
const KILLABLE = "Event, two greenlets, wait({ signal: g })";

const result = await alternate("Event ping-pong, 100,000 round trips", N, {
  [FLOOR]: async () => flagRoundTrips(N),
  [PLAIN]: () => eventRoundTrips(N, false),
  [KILLABLE]: () => eventRoundTrips(N, true),
});
ratioTarget(result, PLAIN, FLOOR, 0.8);
ratioTarget(result, KILLABLE, FLOOR, 0.8);
finish();
