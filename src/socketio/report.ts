/**
 * Where failures go: the client gets `{ name, message, event }` (masked unless the error is meant
 * for it), the operator gets the full error through the app's `onError`.
 * @module
 */
import { callHandler } from "../core/hub.js";
import type { Greenlet } from "../greenlet.js";
import {
  AccessDeniedError,
  ClientError,
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
  | "straggler";

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
  const detail = error instanceof Error ? (error.stack ?? String(error)) : String(error);
  process.stderr.write(`greenthread/socketio: ${context.kind} failed (${where.join(", ")}): ${detail}\n`);
};

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
    error instanceof UnknownEventError ||
    error instanceof InvalidEventNameError ||
    error instanceof AccessDeniedError ||
    error instanceof ValidationError ||
    error instanceof RateLimitError ||
    error instanceof SessionClosedError
  );
}

/** What the client is told about `error`. */
export function clientView(error: unknown, exposeErrors: boolean): ClientErrorView {
  if (isClientFacing(error)) return { name: error.name, message: error.message };
  if (!exposeErrors) return INTERNAL;
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: "Error", message: String(error) };
}
