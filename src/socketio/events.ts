/**
 * The path of one client event through a session, in the order the contract fixes: the name is
 * valid → a handler exists → the ACL allows it → the rate budget admits it → the schema accepts
 * the payload → the handler runs (now, or when a concurrency slot frees) → its value is the ack.
 * Any failure becomes an error report to the client and, for bugs, a call of `onError`; nothing
 * here throws into socket.io, and every promise created here is handled.
 *
 * Handlers start in arrival order. Without an async schema that is simply the order of the calls;
 * an event whose schema validates asynchronously holds back the events behind it (in `session.order`)
 * until it is settled, so a later event with a faster schema cannot overtake it.
 * @module
 */
import type { StandardSchemaV1 } from "@standard-schema/spec";
import createDebug from "debug";
import { getClock } from "../core/clock.js";
import { AckValues } from "./ack.js";
import type { Handler } from "./dispatch.js";
import { describe } from "../core/validate.js";
import { Ring } from "../queue/ring.js";
import { HandlerTimeoutError, refusalMessage, shownName, validationMessage } from "./errors.js";
import { callErrorHandler, clientView, isClientFacing, safeString, type ClientErrorView, type SocketErrorKind } from "./report.js";
import type { Session } from "./session.js";

const debug = createDebug("greenthread:socketio");

/** socket.io's ack callback for one event, when the client asked for one. */
export type Ack = (...args: unknown[]) => void;

/** An event held back behind an unsettled async validation. */
export interface Pending {
  ready: boolean;
  run: (() => void) | null;
  /** The event's name and ack, to report a bug in `run`. */
  event: string;
  ack: Ack | undefined;
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    value instanceof Promise ||
    (value !== null && (typeof value === "object" || typeof value === "function") && typeof (value as PromiseLike<unknown>).then === "function")
  );
}

/** The ways the layer refuses an event before any application code runs. */
export type Refusal = "invalid" | "unknown" | "denied" | "rate" | "backlog";

const REFUSAL_NAMES: Record<Refusal, string> = {
  invalid: "InvalidEventNameError",
  unknown: "UnknownEventError",
  denied: "AccessDeniedError",
  rate: "RateLimitError",
  backlog: "BacklogFullError",
};

/** Takes one event that passed the session's gate (open, initialized, within its turn budget). */
export function receive(session: Session, event: unknown, args: unknown[], ack: Ack | undefined): void {
  const handler = session.info.table.lookup(event);
  if (handler === undefined) return refuse(session, "invalid", event, ack);
  const name = event as string;
  if (handler === null) return refuse(session, "unknown", name, ack);
  if (!session.acl.unrestricted && !session.acl.allows(handler.key)) return refuse(session, "denied", name, ack);
  const limits = session.limits;
  if (limits !== null) {
    const refusedBy = limits.admit(handler.key);
    if (refusedBy !== null) return refuse(session, "rate", name, ack, refusedBy.intervalCap, refusedBy.interval);
  }
  // Behind an unsettled async validation the event waits too, and counts against maxQueued.
  if (session.order !== null && session.waiting() >= session.options.maxQueued) return refuse(session, "backlog", name, ack);
  if (handler.schema !== undefined) return validate(session, handler, handler.schema, name, args, ack);
  // The common case allocates nothing here: no held-back events, so the handler starts at once.
  if (session.order === null) start(session, handler, name, args, ack);
  else enqueue(session, name, ack, () => start(session, handler, name, args, ack));
}

/**
 * Refuses an event: the client is told (`"error"` report and ack), nothing else runs, and the
 * session counts the refusal. No error object is built (a refusal must cost less than serving an
 * event); the report says exactly what the error class of that refusal would.
 */
export function refuse(session: Session, kind: Refusal, event: unknown, ack: Ack | undefined, a?: number, b?: number): void {
  const text = typeof event === "string" ? event : safeString(event);
  const message = kind === "backlog" ? refusalMessage(kind, text, session.options.maxQueued) : refusalMessage(kind, text, a, b);
  debug("%s %s: %s", session.namespace, session.socket.id, message);
  sendReport(session, { name: REFUSAL_NAMES[kind], message }, shownName(text), ack);
  session.refused();
}

function validate(session: Session, handler: Handler, schema: StandardSchemaV1, event: string, args: unknown[], ack: Ack | undefined): void {
  let result: StandardSchemaV1.Result<unknown> | Promise<StandardSchemaV1.Result<unknown>>;
  try {
    result = schema["~standard"].validate(args);
  } catch (error) {
    return later(session, event, ack, () => fail(session, "schema", error, event, ack));
  }
  if (!isPromiseLike(result)) return later(session, event, ack, () => validated(session, handler, event, result, ack));
  if (session.waiting() >= session.options.maxQueued) {
    result.then(ignore, ignore); // nothing waits for it; its rejection must not go unhandled
    return refuse(session, "backlog", event, ack);
  }
  const pending: Pending = { ready: false, run: null, event, ack };
  (session.order ??= new Ring()).push(pending);
  result.then(
    (settled) => settle(session, pending, () => validated(session, handler, event, settled, ack)),
    (error: unknown) => settle(session, pending, () => fail(session, "schema", error, event, ack)),
  );
}

function validated(session: Session, handler: Handler, event: string, result: StandardSchemaV1.Result<unknown>, ack: Ack | undefined): void {
  if (result === null || typeof result !== "object") {
    const error = new TypeError(`${session.info.cls.name}.schemas[${JSON.stringify(event)}]: expected a Standard Schema result, got ${describe(result)}`);
    return fail(session, "schema", error, event, ack);
  }
  if (result.issues !== undefined) {
    const view = { name: "ValidationError", message: validationMessage(event, describeIssue(result.issues[0])) };
    sendReport(session, view, event, ack);
    return session.refused();
  }
  if (!Array.isArray(result.value)) {
    const error = new TypeError(
      `${session.info.cls.name}.schemas[${JSON.stringify(event)}]: expected the validated output to be an array of arguments, got ${typeof result.value}`,
    );
    return fail(session, "schema", error, event, ack);
  }
  start(session, handler, event, result.value, ack);
}

/** The longest issue text a ValidationError quotes; schemas may echo client input in their messages. */
const ISSUE_TEXT = 200;

/** `[0].user.name: Required`, from a Standard Schema issue. */
function describeIssue(issue: StandardSchemaV1.Issue | undefined): string {
  if (issue === undefined) return "rejected by its schema";
  let path = "";
  for (const segment of issue.path ?? []) {
    const key = typeof segment === "object" && segment !== null ? segment.key : segment;
    path += typeof key === "number" ? `[${key}]` : typeof key === "symbol" ? `[${String(key)}]` : path === "" ? safeString(key) : `.${safeString(key)}`;
  }
  const text = path === "" ? safeString(issue.message) : `${path}: ${safeString(issue.message)}`;
  return text.length <= ISSUE_TEXT ? text : `${text.slice(0, ISSUE_TEXT)}…`;
}

const ignore = (): void => {};

/** Runs `step` now, or in its turn when events are held back by an async validation. */
function later(session: Session, event: string, ack: Ack | undefined, step: () => void): void {
  if (session.order === null) step();
  else enqueue(session, event, ack, step);
}

function enqueue(session: Session, event: string, ack: Ack | undefined, run: () => void): void {
  session.order!.push({ ready: true, run, event, ack });
}

/**
 * An async validation settled: runs every event at the head of the queue that is ready. Runs in a
 * promise reaction, so it never throws: a bug in a step (a schema's odd result, say) is reported.
 */
function settle(session: Session, pending: Pending, run: () => void): void {
  pending.ready = true;
  pending.run = run;
  const order = session.order;
  if (order === null) return; // the session ended meanwhile
  while (order.length > 0 && order.peek().ready) {
    const next = order.take();
    if (order.length === 0 && session.order === order) session.order = null;
    try {
      next.run!();
    } catch (error) {
      fail(session, "schema", error, next.event, next.ack);
    }
  }
}

/**
 * The handler runs: now, or when the session's concurrency limit has a free slot. In a class with
 * `main()`, what the catch-all would get goes to the session's mailbox instead (recv.ts).
 */
function start(session: Session, handler: Handler, event: string, args: unknown[], ack: Ack | undefined): void {
  if (!session.open) return;
  if (handler.catchAll && session.mailbox !== null) return session.mailbox.deliver(event, args, ack);
  const limits = session.limits;
  if (limits === null || !limits.queued) return void invoke(session, handler, event, args, ack, null);
  if (session.waiting() >= session.options.maxQueued) return refuse(session, "backlog", event, ack);
  limits.run(() => invokeInSlot(session, handler, event, args, ack));
}

/** One handler call under a concurrency limit: it holds its slot until it settles or `handlerTimeout` passes. */
function invokeInSlot(session: Session, handler: Handler, event: string, args: unknown[], ack: Ack | undefined): Promise<void> | undefined {
  const ms = session.options.handlerTimeout;
  const call = { timedOut: false };
  const running = invoke(session, handler, event, args, ack, call);
  if (running === undefined || ms === Infinity) return running;
  return new Promise<void>((resolve) => {
    const clock = getClock();
    // Ends the slot's wait: the handler settled, or the session closed (then no timer may outlive it).
    const release = (): void => {
      clock.clearTimer(timer);
      session.slots?.delete(release);
      resolve();
    };
    const timer = clock.setTimer(
      () => {
        session.slots?.delete(release);
        call.timedOut = true;
        debug("%s %s: handler of %s timed out after %d ms", session.namespace, session.socket.id, event, ms);
        fail(session, "handler", new HandlerTimeoutError(event, ms), event, ack);
        resolve();
      },
      ms,
      undefined,
    );
    (session.slots ??= new Set()).add(release);
    void running.then(release);
  });
}

/**
 * Calls the handler and sends its ack. `call` (under a concurrency limit) is marked once the
 * handler has been timed out; its late outcome is then ignored. The promise never rejects.
 */
function invoke(
  session: Session,
  handler: Handler,
  event: string,
  args: unknown[],
  ack: Ack | undefined,
  call: { timedOut: boolean } | null,
): Promise<void> | undefined {
  if (!session.open) return undefined;
  let result: unknown;
  let pending: Promise<unknown> | undefined;
  try {
    // The catch-all gets the name first; its schema (if any) validated the arguments alone.
    result = handler.catchAll ? handler.method.call(session.instance, event, ...args) : handler.method.apply(session.instance, args);
    // Inside the try: a returned object whose `then` getter throws is the handler's failure too.
    if (isPromiseLike(result)) pending = Promise.resolve(result);
  } catch (error) {
    fail(session, "handler", error, event, ack);
    return undefined;
  }
  if (pending === undefined) {
    if (ack !== undefined) sendAck(session, ack, result, event);
    return undefined;
  }
  return pending.then(
    (value) => {
      if (ack !== undefined && call?.timedOut !== true) sendAck(session, ack, value, event);
    },
    (error: unknown) => {
      if (call?.timedOut !== true) fail(session, "handler", error, event, ack);
    },
  );
}

function sendAck(session: Session, ack: Ack, value: unknown, event: string): void {
  if (!session.open) return;
  try {
    if (value === undefined) ack();
    else if (value instanceof AckValues) ack(...value.values);
    else ack(value);
  } catch (error) {
    // A value socket.io cannot encode (a cycle, say): the handler's bug, reported as such.
    fail(session, "handler", error, event, ack);
  }
}

/** Acks an event with `values` spread (a received event's `ack()`), while the session is open. Never throws. */
export function ackWith(session: Session, ack: Ack, values: readonly unknown[], event: string): void {
  if (!session.open) return;
  try {
    ack(...values);
  } catch (error) {
    // A value socket.io cannot encode: main's bug, reported as a handler's would be.
    fail(session, "handler", error, event, ack);
  }
}

/**
 * A failure of the application's code: `onError` unless meant for the client, then the report.
 * Never throws, whatever `error` is (a client-sent object whose `toString` throws included): it
 * runs inside promise reactions, where a throw would be an unhandled rejection.
 */
export function fail(session: Session, kind: SocketErrorKind, error: unknown, event: string, ack: Ack | undefined): void {
  try {
    if (!isClientFacing(error)) {
      callErrorHandler(session.options.onError, error, { kind, namespace: session.namespace, sessionId: session.socket.id, event });
    }
  } catch {
    // isClientFacing on a hostile value (a Proxy whose traps throw): it is not one of ours.
  }
  sendReport(session, clientView(error, session.options.exposeErrors), event, ack);
}

/**
 * Tells the client: an `"error"` event `{ name, message, event }`, and the ack `{ error }`. Never throws.
 * Every report shows at most SHOWN_NAME_LENGTH characters of the name, whatever failed.
 */
export function sendReport(session: Session, view: ClientErrorView, event: string, ack: Ack | undefined): void {
  if (!session.open) return;
  const { name, message } = view;
  try {
    session.socket.emit("error", { name, message, event: shownName(event) });
    if (ack !== undefined) ack({ error: { name, message } });
  } catch (sendError) {
    // A payload socket.io cannot encode must not turn a report into a crash.
    callErrorHandler(session.options.onError, sendError, { kind: "handler", namespace: session.namespace, sessionId: session.socket.id, event });
  }
}
