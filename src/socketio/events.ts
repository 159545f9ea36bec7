/**
 * The path of one client event through a session, in the order DESIGN.md fixes: the name is
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
import { AckValues } from "./ack.js";
import type { Handler } from "./dispatch.js";
import { AccessDeniedError, InvalidEventNameError, RateLimitError, UnknownEventError, ValidationError } from "./errors.js";
import { callErrorHandler, clientView, isClientFacing, type SocketErrorKind } from "./report.js";
import type { Session } from "./session.js";

const debug = createDebug("greenthread:socketio");

/** socket.io's ack callback for one event, when the client asked for one. */
export type Ack = (...args: unknown[]) => void;

/** An event held back behind an unsettled async validation. */
export interface Pending {
  ready: boolean;
  run: (() => void) | null;
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    value instanceof Promise ||
    (value !== null && (typeof value === "object" || typeof value === "function") && typeof (value as PromiseLike<unknown>).then === "function")
  );
}

/** Takes one event that passed the session's gate (open, initialized). */
export function receive(session: Session, event: unknown, args: unknown[], ack: Ack | undefined): void {
  const handler = session.info.table.lookup(event);
  if (handler === undefined) return reject(session, new InvalidEventNameError(String(event)), String(event), ack);
  const name = event as string;
  if (handler === null) return reject(session, new UnknownEventError(name), name, ack);
  if (!session.acl.unrestricted && !session.acl.allows(handler.key)) return reject(session, new AccessDeniedError(name), name, ack);
  const limits = session.limits;
  if (limits !== null && !limits.admit()) {
    const limit = limits.rateLimit;
    return reject(session, new RateLimitError(name, limit?.intervalCap, limit?.interval), name, ack);
  }
  if (handler.schema !== undefined) return validate(session, handler, handler.schema, name, args, ack);
  // The common case allocates nothing here: no held-back events, so the handler starts at once.
  if (session.order === null) start(session, handler, name, args, ack);
  else enqueue(session, () => start(session, handler, name, args, ack));
}

function validate(session: Session, handler: Handler, schema: StandardSchemaV1, event: string, args: unknown[], ack: Ack | undefined): void {
  let result: StandardSchemaV1.Result<unknown> | Promise<StandardSchemaV1.Result<unknown>>;
  try {
    result = schema["~standard"].validate(args);
  } catch (error) {
    return later(session, () => fail(session, "schema", error, event, ack));
  }
  if (!isPromiseLike(result)) return later(session, () => validated(session, handler, event, result, ack));
  const pending: Pending = { ready: false, run: null };
  (session.order ??= []).push(pending);
  result.then(
    (settled) => settle(session, pending, () => validated(session, handler, event, settled, ack)),
    (error: unknown) => settle(session, pending, () => fail(session, "schema", error, event, ack)),
  );
}

function validated(session: Session, handler: Handler, event: string, result: StandardSchemaV1.Result<unknown>, ack: Ack | undefined): void {
  if (result.issues !== undefined) {
    return reject(session, new ValidationError(event, describeIssue(result.issues[0]), result.issues), event, ack);
  }
  if (!Array.isArray(result.value)) {
    const error = new TypeError(
      `${session.info.cls.name}.schemas[${JSON.stringify(event)}]: expected the validated output to be an array of arguments, got ${typeof result.value}`,
    );
    return fail(session, "schema", error, event, ack);
  }
  start(session, handler, event, result.value, ack);
}

/** `[0].user.name: Required`, from a Standard Schema issue. */
function describeIssue(issue: StandardSchemaV1.Issue | undefined): string {
  if (issue === undefined) return "rejected by its schema";
  let path = "";
  for (const segment of issue.path ?? []) {
    const key = typeof segment === "object" && segment !== null ? segment.key : segment;
    path += typeof key === "number" ? `[${key}]` : typeof key === "symbol" ? `[${String(key)}]` : path === "" ? key : `.${key}`;
  }
  return path === "" ? issue.message : `${path}: ${issue.message}`;
}

/** Runs `step` now, or in its turn when events are held back by an async validation. */
function later(session: Session, step: () => void): void {
  if (session.order === null) step();
  else enqueue(session, step);
}

function enqueue(session: Session, run: () => void): void {
  session.order!.push({ ready: true, run });
}

function settle(session: Session, pending: Pending, run: () => void): void {
  pending.ready = true;
  pending.run = run;
  const order = session.order;
  if (order === null) return; // the session ended meanwhile
  while (order.length > 0 && order[0]!.ready) {
    const next = order.shift()!;
    if (order.length === 0) session.order = null;
    next.run!();
  }
}

/** The handler runs: now, or when the session's concurrency limit has a free slot. */
function start(session: Session, handler: Handler, event: string, args: unknown[], ack: Ack | undefined): void {
  if (!session.open) return;
  const limits = session.limits;
  if (limits === null) invoke(session, handler, event, args, ack);
  else limits.run(() => invoke(session, handler, event, args, ack));
}

function invoke(session: Session, handler: Handler, event: string, args: unknown[], ack: Ack | undefined): Promise<void> | undefined {
  if (!session.open) return undefined;
  let result: unknown;
  try {
    result = handler.method.apply(session.instance, args);
  } catch (error) {
    fail(session, "handler", error, event, ack);
    return undefined;
  }
  if (!isPromiseLike(result)) {
    if (ack !== undefined) sendAck(session, ack, result, event);
    return undefined;
  }
  return Promise.resolve(result).then(
    (value) => {
      if (ack !== undefined) sendAck(session, ack, value, event);
    },
    (error: unknown) => fail(session, "handler", error, event, ack),
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

/** A failure of the application's code: `onError` unless meant for the client, then the report. */
export function fail(session: Session, kind: SocketErrorKind, error: unknown, event: string, ack: Ack | undefined): void {
  if (!isClientFacing(error)) {
    callErrorHandler(session.app.options.onError, error, { kind, namespace: session.namespace, sessionId: session.socket.id, event });
  }
  report(session, error, event, ack);
}

/** A failure the layer detected itself: only the client hears of it. */
function reject(session: Session, error: Error, event: string, ack: Ack | undefined): void {
  debug("%s %s: %s", session.namespace, session.socket.id, error.message);
  report(session, error, event, ack);
}

/** Tells the client: an `"error"` event `{ name, message, event }`, and the ack `{ error }`. */
function report(session: Session, error: unknown, event: string, ack: Ack | undefined): void {
  if (!session.open) return;
  const { name, message } = clientView(error, session.app.options.exposeErrors);
  try {
    session.socket.emit("error", { name, message, event });
    if (ack !== undefined) ack({ error: { name, message } });
  } catch (sendError) {
    // A payload socket.io cannot encode must not turn a report into a crash.
    callErrorHandler(session.app.options.onError, sendError, { kind: "handler", namespace: session.namespace, sessionId: session.socket.id, event });
  }
}
