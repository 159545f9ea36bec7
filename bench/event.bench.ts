// Event ping-pong: two greenlets hand control back and forth through two Events, 100,000 round
// trips per batch. The floor is the same exchange between two plain async functions through the
// thinnest promise-based flag there is (one promise per set/clear cycle, no validation, no
// cancellation). Targets, on the median of alternating rounds: the library's Event keeps at least
// 0.8× of the floor's throughput with plain waits, and also with every wait given the greenlet as
// its signal, the path the docs prescribe inside a greenlet.
import { joinall, spawn, type Greenlet } from "../src/index.js";
import { Event } from "../src/sync/index.js";
import { alternate, check, finish, ratioTarget } from "./lib.js";

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

// The same two loops as greenlets on Events, checking every wait's result inside the timed loop;
// one pair per path, as in user code, where a call site either passes `{ signal: g }` or does not
// (shared loops would make every call site see both and measure that instead).
async function eventPinger(_g: Greenlet<void>, ping: Event, pong: Event): Promise<void> {
  for (let i = 0; i < N; i++) {
    ping.set();
    check(await pong.wait(), "pong.wait() resolved false");
    pong.clear();
  }
}

async function eventPonger(_g: Greenlet<void>, ping: Event, pong: Event, counter: { n: number }): Promise<void> {
  for (let i = 0; i < N; i++) {
    check(await ping.wait(), "ping.wait() resolved false");
    ping.clear();
    counter.n++;
    pong.set();
  }
}

async function killablePinger(g: Greenlet<void>, ping: Event, pong: Event): Promise<void> {
  const options = { signal: g };
  for (let i = 0; i < N; i++) {
    ping.set();
    check(await pong.wait(options), "pong.wait() resolved false");
    pong.clear();
  }
}

async function killablePonger(g: Greenlet<void>, ping: Event, pong: Event, counter: { n: number }): Promise<void> {
  const options = { signal: g };
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
  const b = spawn(withSignal ? killablePonger : eventPonger, ping, pong, counter);
  const a = spawn(withSignal ? killablePinger : eventPinger, ping, pong);
  const done = await joinall([a, b], { raiseError: true });
  check(done.length === 2 && counter.n === N, `expected ${N} round trips, counted ${counter.n}`);
}

const FLOOR = "plain promise flag, two async functions";
const PLAIN = "Event, two greenlets, wait()";
const KILLABLE = "Event, two greenlets, wait({ signal: g })";
const result = await alternate("Event ping-pong, 100,000 round trips", N, {
  [FLOOR]: async () => {
    const ping = new PromiseFlag();
    const pong = new PromiseFlag();
    const counter = { n: 0 };
    const b = ponger(ping, pong, counter);
    const a = pinger(ping, pong);
    await Promise.all([a, b]);
    check(counter.n === N, `expected ${N} round trips, counted ${counter.n}`);
  },
  [PLAIN]: () => eventRoundTrips(false),
  [KILLABLE]: () => eventRoundTrips(true),
});
ratioTarget(result, PLAIN, FLOOR, 0.8);
ratioTarget(result, KILLABLE, FLOOR, 0.8);
finish();
