// Event ping-pong batches: two tasks hand control back and forth through two flags, n round trips
// per batch. The floor is the same exchange between two plain async functions through the thinnest
// promise-based flag there is (one promise per set/clear cycle, no validation, no cancellation).
import { joinall, spawn, type Greenlet } from "../../src/index.js";
import { Event } from "../../src/sync/index.js";
import { check } from "../lib.js";

const RESOLVED: Promise<void> = Promise.resolve();

/** The floor: a flag with one promise per set/clear cycle, and nothing else. */
export class PromiseFlag {
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
async function pinger(ping: PromiseFlag, pong: PromiseFlag, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    ping.set();
    await pong.wait();
    pong.clear();
  }
}

async function ponger(ping: PromiseFlag, pong: PromiseFlag, n: number, counter: { n: number }): Promise<void> {
  for (let i = 0; i < n; i++) {
    await ping.wait();
    ping.clear();
    counter.n++;
    pong.set();
  }
}

// The same two loops as greenlets on Events, checking every wait's result inside the timed loop;
// one pair per path, as in user code, where a call site either passes `{ signal: g }` or does not
// (shared loops would make every call site see both and measure that instead).
async function eventPinger(_g: Greenlet<void>, ping: Event, pong: Event, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    ping.set();
    check(await pong.wait(), "pong.wait() resolved false");
    pong.clear();
  }
}

async function eventPonger(_g: Greenlet<void>, ping: Event, pong: Event, n: number, counter: { n: number }): Promise<void> {
  for (let i = 0; i < n; i++) {
    check(await ping.wait(), "ping.wait() resolved false");
    ping.clear();
    counter.n++;
    pong.set();
  }
}

async function killablePinger(g: Greenlet<void>, ping: Event, pong: Event, n: number): Promise<void> {
  const options = { signal: g };
  for (let i = 0; i < n; i++) {
    ping.set();
    check(await pong.wait(options), "pong.wait() resolved false");
    pong.clear();
  }
}

async function killablePonger(g: Greenlet<void>, ping: Event, pong: Event, n: number, counter: { n: number }): Promise<void> {
  const options = { signal: g };
  for (let i = 0; i < n; i++) {
    check(await ping.wait(options), "ping.wait() resolved false");
    ping.clear();
    counter.n++;
    pong.set();
  }
}

/** The floor: n round trips between two async functions on PromiseFlags. */
export async function flagRoundTrips(n: number): Promise<void> {
  const ping = new PromiseFlag();
  const pong = new PromiseFlag();
  const counter = { n: 0 };
  const b = ponger(ping, pong, n, counter);
  const a = pinger(ping, pong, n);
  await Promise.all([a, b]);
  check(counter.n === n, `expected ${n} round trips, counted ${counter.n}`);
}

/** n round trips between two greenlets on Events, waits plain or given `{ signal: g }`. */
export async function eventRoundTrips(n: number, withSignal: boolean): Promise<void> {
  const ping = new Event();
  const pong = new Event();
  const counter = { n: 0 };
  const b = spawn(withSignal ? killablePonger : eventPonger, ping, pong, n, counter);
  const a = spawn(withSignal ? killablePinger : eventPinger, ping, pong, n);
  const done = await joinall([a, b], { raiseError: true });
  check(done.length === 2 && counter.n === n, `expected ${n} round trips, counted ${counter.n}`);
}
