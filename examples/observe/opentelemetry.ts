// One OpenTelemetry span per greenlet, from an instrument: the span starts when the greenlet is
// spawned, records each park and resume as an event, and ends with the greenlet, with an error
// status when it failed. Uses only @opentelemetry/api; a real program registers an SDK's tracer
// provider (with an exporter) where this one registers a small provider that prints each span.
import { SpanStatusCode, trace, type Span, type SpanOptions, type Tracer, type TracerProvider } from "@opentelemetry/api";
import { Queue, instrument, joinall, sleep, spawn, type Greenlet } from "greenthread";
import { installVirtualClock } from "greenthread/testing";

// --- A stand-in for an SDK: spans that print themselves when they end. -----------------------
class PrintedSpan {
  private readonly events: string[] = [];
  private status = "unset";
  private name: string;
  constructor(name: string, private readonly attributes: Record<string, unknown>) {
    this.name = name;
  }
  updateName(name: string): this {
    this.name = name;
    return this;
  }
  addEvent(name: string, attributes?: Record<string, unknown>): this {
    this.events.push(attributes?.["greenthread.wait"] === undefined ? name : `${name}(${String(attributes["greenthread.wait"])})`);
    return this;
  }
  setStatus(status: { code: SpanStatusCode; message?: string }): this {
    this.status = status.code === SpanStatusCode.ERROR ? `error: ${status.message}` : "ok";
    return this;
  }
  end(): void {
    console.log(`span ${this.name} [${this.attributes["greenthread.id"]}] ${this.status}: ${this.events.join(" → ")}`);
  }
}
const provider = {
  getTracer: (): Tracer => ({ startSpan: (name: string, options?: SpanOptions) => new PrintedSpan(name, { ...options?.attributes }) as unknown as Span }) as Tracer,
} as TracerProvider;
trace.setGlobalTracerProvider(provider);

// --- The instrument: this part is what a program would keep. --------------------------------
const tracer = trace.getTracer("greenthread");
const spans = new WeakMap<Greenlet<unknown>, Span>();
const stop = instrument({
  spawned: (g) => void spans.set(g, tracer.startSpan("greenlet", { attributes: { "greenthread.id": g.id } })),
  parked: (g, what) => void spans.get(g)?.addEvent("park", { "greenthread.wait": what }),
  resumed: (g) => void spans.get(g)?.addEvent("resume"),
  killed: (g) => void spans.get(g)?.addEvent("kill"),
  ended: (g) => {
    const span = spans.get(g);
    if (span === undefined) return;
    span.updateName(`greenlet ${g.name}`); // names are often set once the greenlet runs
    const failure = g.successful() ? undefined : g.exception;
    span.setStatus(failure === undefined ? { code: SpanStatusCode.OK } : { code: SpanStatusCode.ERROR, message: (failure as Error).message });
    span.end();
  },
});

// --- A program to watch. ---------------------------------------------------------------------
const clock = installVirtualClock({ autojump: true });
const q = new Queue<string>(1);
const producer = spawn(async (g) => {
  g.name = "producer";
  for (const item of ["a", "b", "c"]) await q.put(item, { signal: g });
});
const consumer = spawn(async (g) => {
  g.name = "consumer";
  for (let i = 0; i < 3; i++) {
    await q.get({ signal: g });
    await sleep(5, { signal: g });
  }
});
const sleeper = spawn(async (g) => {
  g.name = "sleeper";
  await sleep(1000, { signal: g });
});
await joinall([producer, consumer]);
await sleeper.kill();
stop();
clock.uninstall();
