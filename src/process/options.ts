/**
 * The options of `spawnProcess`, and their checks at the call.
 * @module
 */
import { constants } from "node:os";
import { checkDuration, checkOptions, describe, failArgument } from "../core/validate.js";

/** What the child's stdin is: nothing (`"ignore"`), this process's stdin, or a stream to write. */
export type StdinMode = "ignore" | "inherit" | "pipe";

/**
 * What becomes of one of the child's outputs: dropped (`"ignore"`), written to this process's
 * own stream (`"inherit"`), handed over as a stream to read (`"pipe"`), or collected into the
 * result as a string (`"collect"`).
 */
export type OutputMode = "ignore" | "inherit" | "pipe" | "collect";

/** The stderr modes: an {@link OutputMode}, or `"tail"`: read and dropped, but for its last 4 KiB. */
export type StderrMode = OutputMode | "tail";

/** Options of {@link spawnProcess}. */
export interface ProcessOptions {
  /** The child's working directory. Default: this process's. */
  cwd?: string | URL;
  /** The child's whole environment (it replaces `process.env`, as in `node:child_process`). Default: `process.env`. */
  env?: Record<string, string | undefined>;
  /** The child's stdin. Default `"ignore"`: a child that reads stdin sees its end at once. */
  stdin?: StdinMode;
  /** Written to the child's stdin, which is then closed. Excludes `stdin`. */
  input?: string | Uint8Array;
  /** The child's stdout. Default `"inherit"`: it goes where this process's stdout goes. */
  stdout?: OutputMode;
  /**
   * The child's stderr. Default `"tail"`: read, and only its last 4 KiB kept for the
   * `ProcessError`. Every mode but `"inherit"` and `"ignore"` keeps that tail.
   */
  stderr?: StderrMode;
  /** Milliseconds between the kill signal and SIGKILL when the greenlet is killed. Default 5000. */
  killGraceMs?: number;
  /** The signal a kill sends first. Default `"SIGTERM"`. */
  killSignal?: NodeJS.Signals;
  /**
   * `false`: an exit code other than 0, or an ending signal, is a result rather than a
   * `ProcessError`. A child that cannot be started is a `ProcessError` either way. Default `true`.
   */
  reject?: boolean;
}

/** The options once checked, defaults filled in. */
export interface ProcessSpec {
  command: string;
  args: readonly string[];
  cwd: string | URL | undefined;
  env: Record<string, string | undefined> | undefined;
  stdin: StdinMode;
  input: string | Uint8Array | undefined;
  stdout: OutputMode;
  stderr: StderrMode;
  killGraceMs: number;
  killSignal: NodeJS.Signals;
  reject: boolean;
}

const CALL = "spawnProcess()";
const STDIN_MODES: readonly string[] = ["ignore", "inherit", "pipe"];
const OUTPUT_MODES: readonly string[] = ["ignore", "inherit", "pipe", "collect"];
const STDERR_MODES: readonly string[] = [...OUTPUT_MODES, "tail"];

function oneOf(argument: string, value: unknown, modes: readonly string[], fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value === "string" && modes.includes(value)) return value;
  const expectation = `one of ${modes.map((m) => JSON.stringify(m)).join(", ")}`;
  return failArgument(typeof value === "string" ? "range" : "type", CALL, argument, expectation, value);
}

function checkString(argument: string, value: unknown): string {
  if (typeof value !== "string") failArgument("type", CALL, argument, "a string", value);
  // Node would throw its own ERR_INVALID_ARG_VALUE from inside the greenlet; a NUL can never
  // reach a program's argv, so it is the caller's mistake, told at the call.
  if (value.includes("\0")) failArgument("range", CALL, argument, "a string without NUL characters", value);
  return value;
}

/** Checks everything `spawnProcess` was given, throwing the first problem. */
export function checkSpawn(command: unknown, args: unknown, options: unknown): ProcessSpec {
  checkString("command", command);
  if ((command as string) === "") failArgument("range", CALL, "command", "a non-empty string", command);
  let argv: readonly string[] = [];
  if (args !== undefined) {
    if (!Array.isArray(args)) failArgument("type", CALL, "args", "an array of strings or undefined", args);
    for (let i = 0; i < args.length; i++) checkString(`args[${i}]`, args[i]);
    argv = [...(args as string[])];
  }
  checkOptions(CALL, options);
  const o = (options ?? {}) as ProcessOptions;
  const { cwd, env, input } = o;
  if (cwd !== undefined && typeof cwd !== "string" && !(cwd instanceof URL)) failArgument("type", CALL, "cwd", "a path, a file: URL or undefined", cwd);
  if (cwd instanceof URL && cwd.protocol !== "file:") failArgument("range", CALL, "cwd", "a path, a file: URL or undefined", cwd.href);
  if (env !== undefined) {
    if (env === null || typeof env !== "object") failArgument("type", CALL, "env", "an object of strings or undefined", env);
    for (const [key, value] of Object.entries(env)) {
      if (key.includes("\0")) failArgument("range", CALL, "env", "an object whose keys have no NUL characters", key);
      if (value !== undefined) checkString(`env.${key}`, value);
    }
  }
  if (input !== undefined && typeof input !== "string" && !(input instanceof Uint8Array)) {
    failArgument("type", CALL, "input", "a string, a Uint8Array or undefined", input);
  }
  if (input !== undefined && o.stdin !== undefined) {
    throw new TypeError(`${CALL}: expected stdin to be undefined when input is given (input is written to the child's stdin), got ${describe(o.stdin)}`);
  }
  const stdin = oneOf("stdin", o.stdin, STDIN_MODES, "ignore") as StdinMode;
  const stdout = oneOf("stdout", o.stdout, OUTPUT_MODES, "inherit") as OutputMode;
  const stderr = oneOf("stderr", o.stderr, STDERR_MODES, "tail") as StderrMode;
  const killGraceMs = o.killGraceMs === undefined ? 5000 : checkDuration(CALL, "killGraceMs", o.killGraceMs);
  const killSignal = o.killSignal ?? "SIGTERM";
  if (typeof killSignal !== "string" || !Object.hasOwn(constants.signals, killSignal)) {
    failArgument(typeof killSignal === "string" ? "range" : "type", CALL, "killSignal", 'a signal name such as "SIGTERM"', killSignal);
  }
  const reject = o.reject ?? true;
  if (typeof reject !== "boolean") failArgument("type", CALL, "reject", "a boolean or undefined", reject);
  return { command: command as string, args: argv, cwd, env, stdin, input, stdout, stderr, killGraceMs, killSignal, reject };
}
