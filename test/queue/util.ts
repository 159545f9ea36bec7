// Helpers of the queue tests.

/** A promise's outcome as observed so far; `track()` attaches the handlers, so no rejection goes unhandled. */
export interface Tracked<T> {
  state: "pending" | "resolved" | "rejected";
  value: T | undefined;
  error: unknown;
}

export function track<T>(promise: Promise<T>): Tracked<T> {
  const tracked: Tracked<T> = { state: "pending", value: undefined, error: undefined };
  promise.then(
    (value) => {
      tracked.state = "resolved";
      tracked.value = value;
    },
    (error: unknown) => {
      tracked.state = "rejected";
      tracked.error = error;
    },
  );
  return tracked;
}

/** Resolves after the current macrotask turn: every pending microtask has run by then. */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** An AbortSignal that is aborted already, with `reason`. */
export function abortedSignal(reason: unknown): AbortSignal {
  const controller = new AbortController();
  controller.abort(reason);
  return controller.signal;
}
