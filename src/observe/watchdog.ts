/**
 * The watchdog: a worker thread that notices a block that never ends (an infinite loop), which the
 * monitor's own timer cannot, since it runs on the blocked thread.
 *
 * The main thread and the worker share one `SharedArrayBuffer`: the monitor's timer bumps a
 * heartbeat counter, and each resume writes the greenlet's id (and its name, only when the id
 * changes). The worker polls the counter on its own event loop; once it has not moved for
 * `watchdogMs`, it writes one line to file descriptor 2 with `fs.writeSync` (the main thread's
 * `process.stderr` is a stream served by the blocked loop), and stays quiet until the heartbeat
 * moves again.
 *
 * The worker's code is a string run with `eval: true`: no file to resolve, so the same code runs
 * from src/ under tsx and from the published dist/, and the worker starts without the parent's
 * `execArgv` (no TypeScript loader to boot in it).
 * @module
 */
import { Worker } from "node:worker_threads";
import { reportError } from "../core/hub.js";
import type { InstrumentedGreenlet } from "../core/instrument.js";

// The layout of the shared buffer: four Int32 slots, then the name's UTF-8 bytes.
const BEAT = 0;
const ID = 1;
const NAME_LENGTH = 2;
const HEADER_BYTES = 16;
/** Names longer than this many bytes are cut (a name is a label, not a document). */
const NAME_BYTES = 240;

const source = `
const { workerData } = require("node:worker_threads");
const { writeSync } = require("node:fs");
const { buffer, watchdogMs, pollMs } = workerData;
const header = new Int32Array(buffer, 0, ${HEADER_BYTES / 4});
const bytes = new Uint8Array(buffer, ${HEADER_BYTES});
const decoder = new TextDecoder();
let beat = Atomics.load(header, ${BEAT});
let since = performance.now();
let reported = false;
setInterval(() => {
  const now = performance.now();
  const current = Atomics.load(header, ${BEAT});
  if (current !== beat) {
    beat = current;
    since = now;
    reported = false;
    return;
  }
  if (reported || now - since < watchdogMs) return;
  reported = true;
  const id = Atomics.load(header, ${ID});
  const length = Atomics.load(header, ${NAME_LENGTH});
  const name = decoder.decode(bytes.slice(0, length));
  const who = id === 0 ? "no greenlet had been resumed" : "last resumed: " + (name === "Greenlet-" + id ? name : name + " (Greenlet-" + id + ")");
  try {
    writeSync(2, "greenthread: the event loop has been blocked for " + Math.round(now - since) + " ms and still is; " + who + "\\n");
  } catch {}
}, pollMs);
`;

/** The main thread's side of a running watchdog. */
export interface Watchdog {
  /** Called from the monitor's timer: the loop is turning. */
  beat(): void;
  /** Called at each resume: `g` runs next. */
  note(g: InstrumentedGreenlet): void;
  /** Ends the worker (idempotent). */
  stop(): void;
}

/** Starts the worker; it reports once no {@link Watchdog.beat} came for `watchdogMs`. */
export function startWatchdog(watchdogMs: number, pollMs: number): Watchdog {
  const buffer = new SharedArrayBuffer(HEADER_BYTES + NAME_BYTES);
  const header = new Int32Array(buffer, 0, HEADER_BYTES / 4);
  const bytes = new Uint8Array(buffer, HEADER_BYTES);
  const encoder = new TextEncoder();
  const worker = new Worker(source, { eval: true, execArgv: [], workerData: { buffer, watchdogMs, pollMs }, name: "greenthread watchdog" });
  worker.unref();
  worker.on("error", (error) => reportError(error, { kind: "monitor" }));
  let written = 0;
  let stopped = false;
  return {
    beat() {
      Atomics.add(header, BEAT, 1);
    },
    note(g) {
      if (g.id === written) return;
      written = g.id;
      // The name first, the id last: the worker reads them only once the main thread has stopped
      // writing, but a reader that sees the new id then sees its name too.
      Atomics.store(header, NAME_LENGTH, encoder.encodeInto(g.name, bytes).written);
      Atomics.store(header, ID, g.id);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      void worker.terminate();
    },
  };
}
