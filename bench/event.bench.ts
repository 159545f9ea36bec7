// Event ping-pong: two greenlets hand control back and forth through two Events, 100,000 round
// trips per batch. The floor is the same exchange between two plain async functions through the
// thinnest promise-based flag there is (one promise per set/clear cycle, no validation, no
// cancellation). Target: the library's Event keeps at least 0.8× of the floor's throughput with
// plain waits; the variant where each wait is given the greenlet as its signal is reported too.
import { joinall, spawn, type Greenlet } from "../src/index.js";
import { Event } from "../src/sync/index.js";
import { check, finish, measure, target } from "./lib.js";

const N = 100_000;
const RESOLVED: Promise<void> = Promise.resolve();

/** The floor: a flag with one promise per set/clear cycle, and nothing else. */
class PromiseFlag {
  private flag = false;
  private promise: Promise<void> | null = null;
  private resolve: () => void = () => {};

  set(): void {
    this.flag = true;
    if (this.promise !== null) {
      this.promise = null;
      this.resolve();
    }
  }

  clear(): void {
    this.flag = false;
  }

  wait(): Promise<void> {
    if (this.flag) return RESOLVED;
    return (this.promise ??= new Promise<void>((resolve) => (this.resolve = resolve)));
  }
}

// One round trip: the pinger sets `ping` and waits for `pong`; the ponger waits for `ping`,
// counts, and sets `pong`. Each clears the flag it woke on before waiting on it again.
async function pinger(ping: PromiseFlag, pong: PromiseFlag): Promise<void> {
  for (let i = 0; i < N; i++) {
    ping.set();
    await pong.wait();
    pong.clear();
  }
}

async function ponger(ping: PromiseFlag, pong: PromiseFlag, counter: { n: number }): Promise<void> {
  for (let i = 0; i < N; i++) {
    await ping.wait();
    ping.clear();
    counter.n++;
    pong.set();
  }
}

// The same two loops as greenlets on Events, checking every wait's result inside the timed loop.
async function eventPinger(g: Greenlet<void>, ping: Event, pong: Event, withSignal: boolean): Promise<void> {
  const options = withSignal ? { signal: g } : undefined;
  for (let i = 0; i < N; i++) {
    ping.set();
    check(await pong.wait(options), "pong.wait() resolved false");
    pong.clear();
  }
}

async function eventPonger(g: Greenlet<void>, ping: Event, pong: Event, withSignal: boolean, counter: { n: number }): Promise<void> {
  const options = withSignal ? { signal: g } : undefined;
  for (let i = 0; i < N; i++) {
    check(await ping.wait(options), "ping.wait() resolved false");
    ping.clear();
    counter.n++;
    pong.set();
  }
}

async function eventRoundTrips(withSignal: boolean): Promise<void> {
  const ping = new Event();
  const pong = new Event();
  const counter = { n: 0 };
  const b = spawn(eventPonger, ping, pong, withSignal, counter);
  const a = spawn(eventPinger, ping, pong, withSignal);
  const done = await joinall([a, b], { raiseError: true });
  check(done.length === 2 && counter.n === N, `expected ${N} round trips, counted ${counter.n}`);
}

const results = await measure("Event ping-pong, 100,000 round trips", N, {
  "plain promise flag, two async functions": async () => {
    const ping = new PromiseFlag();
    const pong = new PromiseFlag();
    const counter = { n: 0 };
    const b = ponger(ping, pong, counter);
    const a = pinger(ping, pong);
    await Promise.all([a, b]);
    check(counter.n === N, `expected ${N} round trips, counted ${counter.n}`);
  },
  "Event, two greenlets, wait()": () => eventRoundTrips(false),
  "Event, two greenlets, wait({ signal: g })": () => eventRoundTrips(true),
});
target(results, "Event, two greenlets, wait()", "plain promise flag, two async functions", 0.8);
// Informational, no target: a wait given the greenlet registers in its cancel state (a Waiter and
// a Set entry per wait), which is the kernel's cost to lower, not the Event's.
const floor = results.get("plain promise flag, two async functions")!.opsPerSecond;
const withSignal = results.get("Event, two greenlets, wait({ signal: g })")!.opsPerSecond;
console.log(`  → Event, two greenlets, wait({ signal: g }) vs the floor: ${(withSignal / floor).toFixed(2)}× (no target)`);
finish();
