/**
 * The hub's error handler: where failures nobody observed go, so that nothing is swallowed and
 * nothing is fatal (principle 6).
 * @module
 */
import createDebug from "debug";

const debug = createDebug("greenthread:hub");

/** What failed: a greenlet nobody observed, a link callback, a straggler, … */
export type ErrorKind = "greenlet" | "link" | "straggler" | (string & {});

/** The context an error handler receives next to the error. */
export interface ErrorContext {
  kind: ErrorKind;
  /** The greenlet concerned, when there is one. */
  greenlet?: { readonly name: string; readonly id: number };
}

/** Receives every failure the library reports: unobserved greenlet failures, throwing links, … */
export type ErrorHandler = (error: unknown, context: ErrorContext) => void;

/** The default handler: one line naming the greenlet, then the stack, on stderr. */
export const defaultErrorHandler: ErrorHandler = (error, context) => {
  const who = context.greenlet === undefined ? "greenthread" : context.greenlet.name;
  const what =
    context.kind === "greenlet" ? "failed" : context.kind === "deadlock" ? "is deadlocked" : context.kind === "blocked" ? "blocked the event loop" : `${context.kind} failed`;
  const detail = error instanceof Error ? (error.stack ?? String(error)) : String(error);
  process.stderr.write(`${who} ${what}: ${detail}\n`);
};

let handler: ErrorHandler = defaultErrorHandler;

/**
 * Replaces the hub's error handler and returns the previous one.
 *
 * The handler is called for every failure that would otherwise be lost: a greenlet that failed
 * and that nobody observed (no `get()`, no link, no `joinall` with `raiseError`, no owner) by the
 * end of the turn in which it failed; a link callback that threw or rejected; and the like.
 * A handler that throws is itself reported on stderr; it never crashes the process.
 *
 * @example
 * ```ts
 * const previous = setErrorHandler((error, { kind, greenlet }) => log.error({ kind, greenlet: greenlet?.name }, error));
 * ```
 */
export function setErrorHandler(fn: ErrorHandler): ErrorHandler {
  if (typeof fn !== "function") {
    throw new TypeError(`setErrorHandler(): expected fn to be a function, got ${String(fn)} (${typeof fn})`);
  }
  const previous = handler;
  handler = fn;
  return previous;
}

/** Hands one failure to the error handler. Never throws. */
export function reportError(error: unknown, context: ErrorContext): void {
  debug("report %s %s", context.kind, context.greenlet?.name ?? "");
  callHandler(handler, defaultErrorHandler, "error handler", error, context);
}

/**
 * Calls a user's error handler and never throws: a handler that throws is itself written to
 * stderr (as kind `handlerKind`), followed by the error it was given, through `fallback`.
 */
export function callHandler<C>(
  handle: (error: unknown, context: C) => void,
  fallback: (error: unknown, context: C) => void,
  handlerKind: string,
  error: unknown,
  context: C,
): void {
  try {
    handle(error, context);
  } catch (handlerError) {
    try {
      defaultErrorHandler(handlerError, { kind: handlerKind });
      fallback(error, context);
    } catch {
      // stderr itself failed; there is nowhere left to report to.
    }
  }
}

/** Something whose failure may go unobserved until the end of the turn. */
export interface Reportable {
  /** @internal Reports itself if still unobserved. */
  reportIfUnobserved(): void;
}

let pending: Reportable[] = [];
let scheduled = false;

function flush(): void {
  scheduled = false;
  const batch = pending;
  pending = [];
  for (const item of batch) item.reportIfUnobserved();
}

/**
 * Checks `item` at the end of this turn (after every microtask, on the next macrotask), the
 * window in which the code that spawned a greenlet can still attach an observer.
 */
export function checkAtEndOfTurn(item: Reportable): void {
  pending.push(item);
  if (!scheduled) {
    scheduled = true;
    setImmediate(flush);
  }
}
