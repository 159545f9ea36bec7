export {
  ClientError,
  SessionClosedError,
  UnknownEventError,
  InvalidEventNameError,
  AccessDeniedError,
  ValidationError,
  RateLimitError,
} from "./errors.js";
