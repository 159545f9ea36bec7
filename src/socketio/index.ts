export { BaseNamespace, type NamespaceClass, type CallOptions, type KillAllOptions } from "./namespace.js";
export type { RecvOptions } from "./recv.js";
export {
  mount,
  SHUTTING_DOWN,
  type MountOptions,
  type MountedApp,
  type NamespaceSpec,
  type SocketStats,
  type CloseOptions,
  type ClusterStats,
  type ClusterStatsOptions,
} from "./mount.js";
export { AdapterError } from "./cluster.js";
export { TOO_MANY_REFUSALS } from "./session.js";
export { DEFAULTS as SOCKETIO_DEFAULTS, type ClassSettings } from "./options.js";
export type { RateLimit } from "./limits.js";
export {
  defaultSocketErrorHandler,
  type SocketErrorHandler,
  type SocketErrorContext,
  type SocketErrorKind,
  type ClientErrorView,
} from "./report.js";
export {
  ClientError,
  SessionClosedError,
  UnknownEventError,
  InvalidEventNameError,
  AccessDeniedError,
  ValidationError,
  RateLimitError,
  BacklogFullError,
  HandlerTimeoutError,
  StragglerError,
  MAX_EVENT_NAME_LENGTH,
  SHOWN_NAME_LENGTH,
} from "./errors.js";
export { ack, AckValues } from "./ack.js";
export type { Targets, SessionInfo, SessionsInOptions } from "./targets.js";
export type {
  AckOf,
  EventsMap,
  DefaultEventsMap,
  EventNames,
  EventArgs,
  CallArgs,
  AckArgs,
  CallEvents,
  FirstAckArg,
  HandlerName,
  Handlers,
  SchemaArgs,
  AckReply,
  Received,
} from "./types.js";
