/**
 * `ProcessError`: how a child process run by `spawnProcess` fails.
 * @module
 */

/** What a {@link ProcessError} is made from. */
export interface ProcessErrorDetails {
  command: string;
  args: readonly string[];
  pid: number | undefined;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  code?: string | undefined;
  cause?: unknown;
}

/** At most this many characters of the stderr tail go into the message; the full tail is `stderr`. */
const MESSAGE_TAIL = 600;

/**
 * A child process did not succeed: it could not be started (`code` says why: `"ENOENT"` for a
 * command that is not there, `"EACCES"` for one that may not be run), it exited with a non-zero
 * code, or a signal it was not sent by its greenlet ended it. It carries the exit code, the
 * signal and the tail of what the child wrote to stderr (the last 4 KiB, when stderr was read by
 * the library, else `""`); the message names the command and ends with that tail's last lines.
 *
 * @example
 * ```ts
 * try {
 *   await spawnProcess("gzip", ["-t", "broken.gz"]).get();
 * } catch (error) {
 *   if (error instanceof ProcessError) console.log(error.exitCode, error.stderr);
 * }
 * ```
 */
export class ProcessError extends Error {
  override name = "ProcessError";
  /** The command as given to `spawnProcess`. */
  readonly command: string;
  /** The arguments as given to `spawnProcess`. */
  readonly args: readonly string[];
  /** The child's pid; undefined when it never started. */
  readonly pid: number | undefined;
  /** The exit code; null when a signal ended the child or it never started. */
  readonly exitCode: number | null;
  /** The signal that ended the child, or null. */
  readonly signal: NodeJS.Signals | null;
  /** The end of the child's stderr (at most 4 KiB), or `""` when stderr was not read by the library. */
  readonly stderr: string;
  /** The system error code when the child could not be started (`"ENOENT"`, `"EACCES"`, …). */
  readonly code: string | undefined;

  constructor(message: string, details: ProcessErrorDetails) {
    const tail = lastLines(details.stderr);
    super(tail === "" ? message : `${message}; stderr ends with:\n${tail}`, details.cause === undefined ? undefined : { cause: details.cause });
    this.command = details.command;
    this.args = details.args;
    this.pid = details.pid;
    this.exitCode = details.exitCode;
    this.signal = details.signal;
    this.stderr = details.stderr;
    this.code = details.code;
  }
}

/** The last lines of `text` that fit in the message, without trailing blank lines. */
function lastLines(text: string): string {
  const trimmed = text.trimEnd();
  if (trimmed.length <= MESSAGE_TAIL) return trimmed;
  const cut = trimmed.slice(-MESSAGE_TAIL);
  const newline = cut.indexOf("\n");
  return `…${newline >= 0 && newline < cut.length - 1 ? cut.slice(newline) : cut}`;
}
