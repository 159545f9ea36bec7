/**
 * The error classes of the socket.io layer. Each has a stable `name`; the layer's own failures
 * name the event they concern. These are what a client sees in an `"error"` report and in a
 * failed ack (`{ error: { name, message } }`).
 * @module
 */

/**
 * An error meant for the client: a handler that throws one (or a subclass) sends its `name` and
 * `message` to the client. Any other error reaches the client masked as `InternalError`.
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

/** `call()` was waiting for a client's ack when the session closed. */
export class SessionClosedError extends Error {
  override name = "SessionClosedError";
  /** The disconnect reason. */
  readonly reason: string;

  constructor(reason: string, message = `the session closed (${reason})`) {
    super(message);
    this.reason = reason;
  }
}

/** A client event whose name no handler answers to. */
export class UnknownEventError extends Error {
  override name = "UnknownEventError";
  constructor(readonly event: string) {
    super(`unknown event ${JSON.stringify(event)}`);
  }
}

/** A client event whose name is not a valid event name (or not a string). */
export class InvalidEventNameError extends Error {
  override name = "InvalidEventNameError";
  constructor(readonly event: string) {
    super(`invalid event name ${JSON.stringify(event)}`);
  }
}

/** A client event the session's ACL does not allow. */
export class AccessDeniedError extends Error {
  override name = "AccessDeniedError";
  constructor(readonly event: string) {
    super(`event ${JSON.stringify(event)} is not allowed`);
  }
}

/** A client event whose payload its schema rejected. */
export class ValidationError extends Error {
  override name = "ValidationError";
  constructor(
    readonly event: string,
    detail: string,
  ) {
    super(`invalid payload for event ${JSON.stringify(event)}: ${detail}`);
  }
}

/** A client event over the session's rate limit. */
export class RateLimitError extends Error {
  override name = "RateLimitError";
  constructor(readonly event: string) {
    super(`rate limit exceeded for event ${JSON.stringify(event)}`);
  }
}
