// What one flooding client costs the others, and what refusing costs. A flooder (its own process,
// bench/flooder.ts) writes 20,000 events in one burst (each costs its handler 100 µs of CPU, so the
// server is the bottleneck; FLOOD_EVENTS, FLOOD_WORK_MS and FLOOD_TRANSPORT=polling vary it) while a quiet client on the same server does one round trip at a time;
// its latency is measured with the fair per-turn budget (the default),
// without it (`eventsPerTurn: Infinity`), and with every default (the flood is bounded by
// `maxQueued` and the client disconnected by `refusalLimit`). Then the server's CPU time for
// refused events against served ones, both acked (target: refusing costs no more than serving).
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { createInterface } from "node:readline";
import { Server } from "socket.io";
import type { Socket as ClientSocket } from "socket.io-client";
import { BaseNamespace, mount } from "../src/socketio/index.js";
import { connectTo, listenLocal } from "./socketio-lib.js";
import { check, finish, targetAtMost } from "./lib.js";

const FLOOD = Number(process.env.FLOOD_EVENTS ?? 20_000);
const QUIET_BASELINE = 2000;
const ROUNDS = 3;
const REFUSALS = 50_000;

/** Milliseconds of CPU each served event costs: a handler that does some work, as real ones do. */
const WORK_MS = Number(process.env.FLOOD_WORK_MS ?? 0.1);

function work(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

class Shared extends BaseNamespace {
  onWork(n: number) {
    work(WORK_MS);
    return n;
  }
  /** A handler that does nothing: what serving costs the layer itself, against refusing. */
  onEcho(n: number) {
    return n;
  }
  onDone() {
    return "done";
  }
}

const http = createServer();
const io = new Server(http, { transports: ["polling", "websocket"] });
const unbounded = { maxQueued: Infinity, refusalLimit: false } as const;
const apps = [
  mount(io, { "/fair": Shared }, unbounded),
  mount(io, { "/unfair": Shared }, { ...unbounded, eventsPerTurn: Infinity }),
  mount(io, { "/defaults": Shared }),
];
const url = await listenLocal(http);
const connect = (nsp: string): Promise<ClientSocket> => connectTo(url + nsp);

interface FloodOutcome {
  end: string;
  acked: number;
  refused: number;
}

/** Starts a flooder; resolves once it is connected, with a promise of its last line. */
async function flooder(nsp: string, count: number, event: string, mode: "ack" | "fire"): Promise<{ finished: Promise<FloodOutcome> }> {
  const child = spawn(process.execPath, ["--import", "tsx", new URL("flooder.ts", import.meta.url).pathname, url + nsp, String(count), event, mode], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout });
  const iterator = lines[Symbol.asyncIterator]();
  const first = await iterator.next();
  check(first.value === "connected", `the flooder said ${String(first.value)}`);
  const finished = (async () => {
    const last = await iterator.next();
    await new Promise((resolve) => child.once("exit", resolve));
    return JSON.parse(String(last.value)) as FloodOutcome;
  })();
  return { finished };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

/** Sequential round trips from `client` until `until` settles (or `count` of them without one). */
async function quietLatencies(client: ClientSocket, until: Promise<unknown> | null, count = QUIET_BASELINE): Promise<number[]> {
  let over = false;
  void until?.then(() => (over = true));
  const latencies: number[] = [];
  for (let i = 0; until === null ? i < count : !over; i++) {
    const start = performance.now();
    const answer: unknown = await client.emitWithAck("work", i);
    latencies.push(performance.now() - start);
    check(answer === i, `quiet round trip ${i} answered ${String(answer)}`);
  }
  return latencies.sort((a, b) => a - b);
}

const format = (l: number[]): string =>
  `p50 ${percentile(l, 0.5).toFixed(2)} ms, p99 ${percentile(l, 0.99).toFixed(2)} ms, max ${l.at(-1)!.toFixed(2)} ms (${l.length} round trips)`;

const only = process.env.FLOOD_BENCH_ONLY; // "latency" or "cpu": one half, for a quicker look
if (only !== "cpu") {
console.log(`\n## a quiet client's round trip while another client floods ${FLOOD.toLocaleString("en-US")} acked events`);
const scenarios: [string, string][] = [
  ["fair per-turn budget (eventsPerTurn 256), unbounded backlog", "/fair"],
  ["no per-turn budget (eventsPerTurn Infinity), unbounded backlog", "/unfair"],
  ["every default (maxQueued 1,000, refusalLimit 100 per 10 s)", "/defaults"],
];
const p99s = new Map<string, number[]>();
const maxima = new Map<string, number[]>();
const note = (into: Map<string, number[]>, label: string, value: number): void => void (into.get(label) ?? into.set(label, []).get(label)!).push(value);
for (let round = 0; round < ROUNDS; round++) {
  const order = round % 2 === 0 ? scenarios : [...scenarios].reverse();
  const quiet = await connect("/fair");
  const alone = await quietLatencies(quiet, null);
  note(p99s, "no flood", percentile(alone, 0.99));
  note(maxima, "no flood", alone.at(-1)!);
  console.log(`  round ${round + 1}: no flood: ${format(alone)}`);
  quiet.disconnect();
  for (const [label, nsp] of order) {
    const client = await connect(nsp);
    const { finished } = await flooder(nsp, FLOOD, "work", "ack");
    const latencies = await quietLatencies(client, finished);
    const outcome = await finished;
    note(p99s, label, percentile(latencies, 0.99));
    note(maxima, label, latencies.at(-1)!);
    console.log(`  round ${round + 1}: ${label}: ${format(latencies)}; flooder ${outcome.end}, ${outcome.acked} acked, ${outcome.refused} refused`);
    client.disconnect();
  }
}
// The longest wait is the figure that matters: a blocked loop gives the quiet client one slow
// round trip, not many, so a percentile of its round trips hides the block.
for (const [title, values] of [["longest round trip", maxima], ["p99", p99s]] as const) {
  console.log(`  ${title}, median over the rounds:`);
  for (const [label, samples] of values) {
    const sorted = [...samples].sort((a, b) => a - b);
    console.log(`    ${label.padEnd(64)} ${percentile(sorted, 0.5).toFixed(2).padStart(8)} ms   (spread ${sorted[0]!.toFixed(2)}–${sorted.at(-1)!.toFixed(2)})`);
  }
}

}

if (only !== "latency") {
console.log(`\n## server CPU for ${REFUSALS.toLocaleString("en-US")} acked events: refused (unknown name) vs served by a handler that does nothing`);
const cpu = { served: [] as number[], refused: [] as number[] };
for (let round = 0; round < ROUNDS * 2; round++) {
  const kind = round % 4 === 0 || round % 4 === 3 ? "served" : "refused";
  const { finished } = await flooder("/fair", REFUSALS, kind === "served" ? "echo" : "nope", "ack");
  const before = process.cpuUsage();
  const outcome = await finished;
  const used = process.cpuUsage(before);
  check(outcome.end === "done", `the flooder ended ${outcome.end}`);
  cpu[kind].push((used.user + used.system) / 1000);
}
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
for (const kind of ["served", "refused"] as const) {
  console.log(`  ${kind.padEnd(8)} median ${median(cpu[kind]).toFixed(0)} ms CPU (rounds: ${cpu[kind].map((v) => v.toFixed(0)).join(", ")})`);
}
targetAtMost("refusing vs serving, server CPU", median(cpu.refused), median(cpu.served), 1, "ms");
}

await Promise.all(apps.map((app) => app.close()));
await io.close();
finish();
