// Shared helpers of the test suite.
import { setErrorHandler, type ErrorContext } from "../src/index.js";
import { installVirtualClock, type VirtualClock, type VirtualClockOptions } from "../src/testing/index.js";

export interface Reported {
  error: unknown;
  context: ErrorContext;
}

/**
 * Runs `body` with the hub's error handler replaced by a recorder, and returns what was reported.
 * The previous handler is restored afterwards, whatever happens.
 */
export async function captureReports(body: (reports: Reported[]) => Promise<void> | void): Promise<Reported[]> {
  const reports: Reported[] = [];
  const previous = setErrorHandler((error, context) => reports.push({ error, context }));
  try {
    await body(reports);
  } finally {
    setErrorHandler(previous);
  }
  return reports;
}

/** Runs `body` with a virtual clock installed, and uninstalls it afterwards. */
export async function withVirtualClock<T>(
  body: (clock: VirtualClock) => Promise<T> | T,
  options?: VirtualClockOptions,
): Promise<T> {
  const clock = installVirtualClock(options);
  try {
    return await body(clock);
  } finally {
    clock.uninstall();
  }
}

/** Resolves after the current macrotask turn: every pending microtask has run by then. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A promise whose settlement the test controls. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * Runs `body` with process.stderr.write replaced by a recorder, and returns what was written.
 * The real write is restored afterwards, whatever happens.
 */
export async function captureStderr(body: () => Promise<void> | void): Promise<string[]> {
  const written: string[] = [];
  const original = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  }) as typeof process.stderr.write;
  try {
    await body();
  } finally {
    process.stderr.write = original;
  }
  return written;
}

/** Runs `body` and returns the process warnings emitted while it ran (and on the turn after). */
export async function captureWarnings(body: () => Promise<void> | void): Promise<Error[]> {
  const warnings: Error[] = [];
  const onWarning = (warning: Error): void => void warnings.push(warning);
  process.on("warning", onWarning);
  try {
    await body();
    await nextTurn(); // process warnings are emitted on a later tick
  } finally {
    process.off("warning", onWarning);
  }
  return warnings;
}
