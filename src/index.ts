export {
  Greenlet,
  spawn,
  spawnLater,
  linkTarget,
  type GreenletFunction,
  type LinkCallback,
  type LinkTarget,
  type WaitOptions,
  type GetOptions,
  type KillOptions,
  type Signal,
} from "./greenlet.js";
export { joinall, killall, type JoinAllOptions } from "./joinall.js";
export { getcurrent, Local } from "./current.js";
export { wait, iwait, type WaitManyOptions } from "./wait.js";
export { sleep } from "./sleep.js";
export { Timeout, withTimeout, type WithTimeoutOptions } from "./timeout.js";
export { shield, type ShieldOptions } from "./shield.js";
export { retry, exponentialBackoff, type RetryOptions, type ExponentialBackoffOptions } from "./retry.js";
export * from "./sync/index.js";
export * from "./queue/index.js";
export * from "./pool/index.js";
export { setErrorHandler, defaultErrorHandler, type ErrorHandler, type ErrorContext, type ErrorKind } from "./core/hub.js";
export { addWatcher, removeWatcher, type Waitable, type Watcher } from "./core/waitable.js";
export { CancelScope } from "./core/cancel.js";
export { getClock, setClock, type Clock } from "./core/clock.js";
export {
  GreenletExit,
  TimeoutError,
  QueueEmptyError,
  QueueFullError,
  QueueShutDownError,
  PoolFullError,
  ThreadPoolClosedError,
  DeadlockError,
  LockOwnerError,
} from "./errors.js";
export { setDeadlockMode, type DeadlockMode } from "./core/stuck.js";
export { instrument, type Instrument, type InstrumentedGreenlet } from "./core/instrument.js";
