/**
 * The error classes of the socket.io layer. Each has a stable `name`; the layer's own failures
 * carry the `event` they concern and name it in their message. These are what a client sees in an
 * `"error"` report and in a failed ack (`{ error: { name, message } }`), except
 * {@link StragglerError}, which only the server operator sees (through `onError`).
 * @module
 */

/**
 * The longest event name the layer looks at, in characters. A longer name is refused with
 * {@link InvalidEventNameError} before any lookup, and never echoed back.
 */
export const MAX_EVENT_NAME_LENGTH = 128;

/** How many characters of a refused event name a report shows; a longer one is cut and ends in "…". */
export const SHOWN_NAME_LENGTH = 32;

/**
 * A refused name as reports show it: `JSON`-quotable, at most {@link SHOWN_NAME_LENGTH}
 * characters (cut ones end in "…").
 * @internal
 */
export function shownName(event: string): string {
  return event.length <= SHOWN_NAME_LENGTH ? event : `${event.slice(0, SHOWN_NAME_LENGTH)}…`;
}

/** The message of a {@link ValidationError}: `invalid payload for event "move": [0].x: Required`. @internal */
export function validationMessage(event: string, detail: string): string {
  return `invalid payload for event ${JSON.stringify(shownName(event))}: ${detail}`;
}

/**
 * The message of a refusal. One place builds them, so the layer's refusal path can send a report
 * without constructing an error (no stack to capture) and still say exactly what the error
 * class would. A name is shown at most {@link SHOWN_NAME_LENGTH} characters long.
 * @internal
 */
export function refusalMessage(kind: "unknown" | "invalid" | "denied" | "rate" | "backlog", event: string, a?: number, b?: number): string {
  if (kind === "invalid" && event.length > MAX_EVENT_NAME_LENGTH) {
    return `invalid event name: ${event.length} characters, expected at most ${MAX_EVENT_NAME_LENGTH}`;
  }
  const shown = JSON.stringify(shownName(event));
  switch (kind) {
    case "unknown":
      return `unknown event ${shown}`;
    case "invalid":
      return `invalid event name ${shown}: expected a letter followed by letters, digits, spaces, "_", "-", ":" or "."`;
    case "denied":
      return `event ${shown} is not allowed`;
    case "rate":
      return `rate limit exceeded for event ${shown}` + (a === undefined ? "" : ` (at most ${a} events per ${b} ms)`);
    case "backlog":
      return `event ${shown} refused: the session already has ${a} events waiting`;
  }
}

/**
 * An error meant for the client: a handler that throws one (or a subclass) sends its `name` and
 * `message` to the client. Any other error reaches the client masked as `InternalError` (unless
 * the app runs with `exposeErrors: true`) and goes in full to the app's `onError`.
 * A subclass's `name` defaults to its class name.
 *
 * @example
 * ```ts
 * class RoomFullError extends ClientError {}
 * throw new RoomFullError("room lobby is full"); // client sees { name: "RoomFullError", message: "room lobby is full" }
 * ```
 */
export class ClientError extends Error {
  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * The session closed while `call()` was waiting for the client's ack, or before it was made.
 * Plain socket.io would leave that ack pending forever.
 *
 * @example
 * ```ts
 * try { await this.call("confirm", [order]); }
 * catch (error) { if (error instanceof SessionClosedError) log(`client left: ${error.reason}`); }
 * ```
 */
export class SessionClosedError extends Error {
  override name = "SessionClosedError";
  /** The disconnect reason, as socket.io gave it (e.g. `"transport close"`). */
  readonly reason: string;

  constructor(reason: string, message = `the session closed (${reason})`) {
    super(message);
    this.reason = reason;
  }
}

/**
 * A client event whose name no handler answers to. Sent to the client (never to `onError`).
 * @example
 * ```ts
 * // client side
 * const ack = await socket.emitWithAck("strat"); // { error: { name: "UnknownEventError", message: 'unknown event "strat"' } }
 * ```
 */
export class UnknownEventError extends Error {
  override name = "UnknownEventError";
  constructor(readonly event: string) {
    super(refusalMessage("unknown", event));
  }
}

/**
 * A client event whose name is not a valid event name: not a string, longer than
 * {@link MAX_EVENT_NAME_LENGTH} characters, or not matching `/^[A-Za-z][A-Za-z0-9_ :.-]*$/`.
 * `event` is the name as a string, cut to {@link SHOWN_NAME_LENGTH} characters; a name over the
 * length limit is never echoed (its message gives only its length). Sent to the client.
 * @example
 * ```ts
 * socket.emit("__proto__"); // the client's "error" event: { name: "InvalidEventNameError", event: "__proto__", … }
 * ```
 */
export class InvalidEventNameError extends Error {
  override name = "InvalidEventNameError";
  readonly event: string;
  constructor(event: string) {
    super(refusalMessage("invalid", event));
    this.event = shownName(event);
  }
}

/**
 * A client event the session's ACL does not allow. Sent to the client.
 * @example
 * ```ts
 * class Admin extends BaseNamespace {
 *   static override acl = ["login"]; // "shutdown" is an AccessDeniedError until login lifts the ACL
 * }
 * ```
 */
export class AccessDeniedError extends Error {
  override name = "AccessDeniedError";
  constructor(readonly event: string) {
    super(refusalMessage("denied", event));
  }
}

/**
 * A client event whose payload its schema rejected; the handler was not called. The message names
 * the event and the first issue (its path and message); `issues` holds them all. Sent to the client.
 * @example
 * ```ts
 * static override schemas = { move: z.tuple([z.object({ x: z.number(), y: z.number() })]) };
 * // socket.emit("move", { x: "1" }) → 'invalid payload for event "move": [0].x: Invalid input: expected number, received string'
 * ```
 */
export class ValidationError extends Error {
  override name = "ValidationError";
  constructor(
    readonly event: string,
    detail: string,
    /** Every issue the schema reported, as Standard Schema gives them. */
    readonly issues: readonly unknown[] = [],
  ) {
    super(validationMessage(event, detail));
  }
}

/**
 * A client event over the session's rate limit (the `rateLimit` option of `mount`): it was not
 * dispatched, nor queued. Sent to the client.
 * @example
 * ```ts
 * mount(io, { "/chat": Chat }, { rateLimit: { intervalCap: 5, interval: 1000 } }); // a 6th event within the window is refused
 * ```
 */
export class RateLimitError extends Error {
  override name = "RateLimitError";
  constructor(
    readonly event: string,
    /** Events allowed per window. */
    readonly intervalCap?: number,
    /** The window, in milliseconds. */
    readonly interval?: number,
  ) {
    super(refusalMessage("rate", event, intervalCap, interval));
  }
}

/**
 * A client event refused because its session already holds the most events it may keep waiting
 * (`maxQueued`: behind an async `initialize()`, behind the per-turn fairness budget, or for a
 * `concurrency` slot). Nothing is dropped silently: the client hears of each refusal. Sent to the
 * client.
 * @example
 * ```ts
 * mount(io, { "/jobs": Jobs }, { concurrency: 1, maxQueued: 100 }); // a 101st waiting event is refused
 * ```
 */
export class BacklogFullError extends Error {
  override name = "BacklogFullError";
  constructor(
    readonly event: string,
    /** How many events may wait per session. */
    readonly maxQueued: number,
  ) {
    super(refusalMessage("backlog", event, maxQueued));
  }
}

/**
 * A handler running under a `concurrency` limit did not settle within `handlerTimeout` ms: its
 * slot is given to the next event, its ack settles with this error, and the operator gets it
 * through `onError` (kind `"handler"`), since a handler that hangs is a server bug. The handler
 * itself keeps running (JavaScript cannot stop an `await`); its late result is ignored.
 * The client sees this name and message (they reveal nothing of the handler).
 * @example
 * ```ts
 * mount(io, { "/jobs": Jobs }, { concurrency: 1, handlerTimeout: 10_000 });
 * ```
 */
export class HandlerTimeoutError extends Error {
  override name = "HandlerTimeoutError";
  constructor(
    readonly event: string,
    /** The limit, in milliseconds. */
    readonly timeout: number,
  ) {
    super(`the handler of event ${JSON.stringify(shownName(event))} did not settle within ${timeout} ms`);
  }
}

/**
 * Reported through the app's `onError` (context kind `"straggler"`) for each session greenlet
 * that was still running `graceMs` after its session ended and its kill was sent. Such a greenlet
 * ignores its signal; it is no longer counted as live, and nothing else is done to it (JavaScript
 * cannot stop an `await`). An `initialize()` still running at that point is reported the same way,
 * with context kind `"initialize"`.
 * @example
 * ```ts
 * mount(io, namespaces, {
 *   onError: (error, { kind, greenlet }) => {
 *     if (error instanceof StragglerError) metrics.increment("stragglers", { greenlet: greenlet?.name });
 *   },
 * });
 * ```
 */
export class StragglerError extends Error {
  override name = "StragglerError";
  constructor(
    /** The straggler's name (`Greenlet-<id>` unless assigned), or `"initialize()"`. */
    readonly greenlet: string,
    /** How long it was given, in milliseconds. */
    readonly graceMs: number,
    /** The disconnect reason it was killed with. */
    readonly reason: string,
  ) {
    super(
      greenlet === "initialize()"
        ? `initialize() still running ${graceMs} ms after its session ended (${reason}); disconnected() runs without waiting for it`
        : `greenlet ${greenlet} still running ${graceMs} ms after its session ended (${reason}); it ignores its signal`,
    );
  }
}
