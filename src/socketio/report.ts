/**
 * Where failures go: the client gets `{ name, message, event }` (masked unless the error is meant
 * for it), the operator gets the full error through the app's `onError`.
 * @module
 */
import { callHandler } from "../core/hub.js";
import type { Greenlet } from "../greenlet.js";
import {
  AccessDeniedError,
  BacklogFullError,
  ClientError,
  HandlerTimeoutError,
  InvalidEventNameError,
  RateLimitError,
  SessionClosedError,
  UnknownEventError,
  ValidationError,
} from "./errors.js";

/** What failed, in an `onError` call. */
export type SocketErrorKind =
  /** An event handler threw or rejected with an error that is not a ClientError. */
  | "handler"
  /** A schema threw, or returned something other than an array: a bug, not a bad payload. */
  | "schema"
  /** `initialize()` failed, or was still running when the grace period after the disconnect ended. */
  | "initialize"
  /** The `disconnected()` hook failed. */
  | "disconnected"
  /** A session greenlet, or an app greenlet (`app.spawn`), failed and nothing else observed the failure. */
  | "greenlet"
  /** A session greenlet still ran `graceMs` after its session ended, or an app greenlet after `app.close()` (a `StragglerError`). */
  | "straggler"
  /** The adapter's link to the other nodes (Redis) went down (an `AdapterError`): once per outage, not once per send. */
  | "adapter";

/** The second argument of `onError`. */
export interface SocketErrorContext {
  kind: SocketErrorKind;
  /** The namespace's name, e.g. `/job-7`. Absent for the app's own greenlets (`app.spawn`). */
  namespace?: string;
  /** The socket.io socket id of the session. Absent for the app's own greenlets (`app.spawn`). */
  sessionId?: string;
  /** The client event concerned, for `handler` and `schema` failures (`"initialize"` for those). */
  event?: string;
  /** The greenlet concerned, for `greenlet` and `straggler` failures. */
  greenlet?: Greenlet<unknown>;
}

/** Receives what the server operator must see. Called synchronously; a throw is reported on stderr. */
export type SocketErrorHandler = (error: unknown, context: SocketErrorContext) => void;

/**
 * The default `onError`: one line naming the namespace, session and event, then the stack, on stderr.
 * @example
 * ```ts
 * mount(io, namespaces, {
 *   onError: (error, context) => {
 *     if (context.kind !== "straggler") defaultSocketErrorHandler(error, context);
 *   },
 * });
 * ```
 */
export const defaultSocketErrorHandler: SocketErrorHandler = (error, context) => {
  const where = context.sessionId === undefined ? ["app"] : [`namespace ${context.namespace}`, `session ${context.sessionId}`];
  if (context.event !== undefined) where.push(`event ${JSON.stringify(context.event)}`);
  if (context.greenlet !== undefined) where.push(`greenlet ${context.greenlet.name}`);
  let detail: string;
  try {
    detail = error instanceof Error ? (error.stack ?? String(error)) : safeString(error);
  } catch {
    detail = safeString(error);
  }
  process.stderr.write(`greenthread/socketio: ${context.kind} failed (${where.join(", ")}): ${detail}\n`);
};

/** The longest text {@link safeString} returns. */
const SAFE_STRING_LENGTH = 1000;

/**
 * `String(value)` that never throws and stays short: a client-sent object whose `toString` is not
 * a function (or throws) becomes `[object Object]`, anything longer than 1,000 characters is cut.
 * @internal
 */
export function safeString(value: unknown): string {
  let text: string;
  try {
    text = String(value);
  } catch {
    try {
      text = Object.prototype.toString.call(value);
    } catch {
      text = "[unprintable value]";
    }
  }
  return text.length <= SAFE_STRING_LENGTH ? text : `${text.slice(0, SAFE_STRING_LENGTH)}…`;
}

/** Calls `handler`; never throws (a throwing handler is reported on stderr with the original error). */
export function callErrorHandler(handler: SocketErrorHandler, error: unknown, context: SocketErrorContext): void {
  callHandler(handler, defaultSocketErrorHandler, "socketio onError", error, context);
}

/** The shape a client receives for a failure. */
export interface ClientErrorView {
  name: string;
  message: string;
}

const INTERNAL: ClientErrorView = Object.freeze({ name: "InternalError", message: "internal error" });

/** True for errors meant for the client: ClientError and its subclasses, and the layer's own. */
export function isClientFacing(error: unknown): error is Error {
  return (
    error instanceof ClientError ||
    error instanceof BacklogFullError ||
    error instanceof UnknownEventError ||
    error instanceof InvalidEventNameError ||
    error instanceof AccessDeniedError ||
    error instanceof ValidationError ||
    error instanceof RateLimitError ||
    error instanceof SessionClosedError
  );
}

/**
 * What the client is told about `error`. Never throws: a value whose `name`, `message` or
 * `toString` throws (or is not a string) is shown through {@link safeString}, or masked.
 */
export function clientView(error: unknown, exposeErrors: boolean): ClientErrorView {
  try {
    // A HandlerTimeoutError also goes to onError (a hanging handler is a server bug), yet tells the client nothing private.
    if (isClientFacing(error) || error instanceof HandlerTimeoutError) return { name: safeString(error.name), message: safeString(error.message) };
    if (!exposeErrors) return INTERNAL;
    if (error instanceof Error) return { name: safeString(error.name), message: safeString(error.message) };
    return { name: "Error", message: safeString(error) };
  } catch {
    return INTERNAL;
  }
}
