// Argument checks shared by every public call. Messages follow one shape:
//   "<call>: expected <argument> to be <expectation>, got <value> (<type>)"
// so a user can tell from the message alone which call, which argument and what went wrong.

/** Renders a value for an error message: short, and with its type. */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  switch (typeof value) {
    case "string":
      return `${JSON.stringify(value.length > 40 ? value.slice(0, 40) + "…" : value)} (string)`;
    case "number":
    case "bigint":
    case "boolean":
    case "symbol":
      return `${String(value)} (${typeof value})`;
    case "function":
      return `${value.name === "" ? "an anonymous function" : `function ${value.name}`} (function)`;
    default: {
      if (Array.isArray(value)) return `an array of length ${value.length} (object)`;
      const ctor = (value as { constructor?: { name?: unknown } }).constructor;
      const name = typeof ctor?.name === "string" && ctor.name !== "" ? ctor.name : "Object";
      return `an instance of ${name} (object)`;
    }
  }
}

function fail(kind: "type" | "range", call: string, argument: string, expectation: string, value: unknown): never {
  const message = `${call}: expected ${argument} to be ${expectation}, got ${describe(value)}`;
  throw kind === "type" ? new TypeError(message) : new RangeError(message);
}

/** A positional duration: a finite number ≥ 0. */
export function checkDuration(call: string, argument: string, value: unknown): number {
  if (typeof value !== "number") fail("type", call, argument, "a finite number of milliseconds ≥ 0", value);
  if (!Number.isFinite(value) || value < 0) fail("range", call, argument, "a finite number of milliseconds ≥ 0", value);
  return value;
}

/**
 * A `timeout` option: `undefined` or `Infinity` (no timeout), or a finite number ≥ 0.
 * Returns `undefined` for "no timeout".
 */
export function checkTimeout(call: string, value: unknown): number | undefined {
  if (value === undefined || value === Infinity) return undefined;
  if (typeof value !== "number") fail("type", call, "timeout", "a number of milliseconds ≥ 0 or undefined", value);
  if (Number.isNaN(value) || value < 0) fail("range", call, "timeout", "a number of milliseconds ≥ 0 or undefined", value);
  return value;
}

export function checkFunction(call: string, argument: string, value: unknown): void {
  if (typeof value !== "function") fail("type", call, argument, "a function", value);
}

export function checkIterable(call: string, argument: string, value: unknown): void {
  if (value == null || typeof (value as Iterable<unknown>)[Symbol.iterator] !== "function") {
    fail("type", call, argument, "an iterable", value);
  }
}

export function checkOptions(call: string, value: unknown): void {
  if (value !== undefined && (value === null || typeof value !== "object")) {
    fail("type", call, "options", "an object or undefined", value);
  }
}

/** An integer in [min, max]; `allowInfinity` also admits `Infinity`. */
export function checkInteger(
  call: string,
  argument: string,
  value: unknown,
  min: number,
  expectation: string,
  allowInfinity = false,
): number {
  if (typeof value !== "number") fail("type", call, argument, expectation, value);
  if (allowInfinity && value === Infinity) return value;
  if (!Number.isInteger(value) || value < min) fail("range", call, argument, expectation, value);
  return value;
}

export function checkCount(call: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  return checkInteger(call, "count", value, 0, "an integer ≥ 0 or undefined");
}

export { fail as failArgument };

/** The `blocking` option of an acquire: `undefined` (the default, true) or a boolean. */
export function checkBlocking(call: string, value: unknown): boolean {
  if (value === undefined) return true;
  if (typeof value !== "boolean") fail("type", call, "blocking", "a boolean or undefined", value);
  return value;
}
