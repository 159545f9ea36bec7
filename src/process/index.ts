/**
 * `greenthread/process`: child processes as greenlets.
 * @module
 */
export { spawnProcess, ProcessGreenlet } from "./spawn-process.js";
export { lines, type LinesOptions, type LineSource } from "./lines.js";
export { ProcessError, type ProcessErrorDetails } from "./errors.js";
export type { ProcessResult } from "./job.js";
export type { ProcessOptions, StdinMode, OutputMode, StderrMode } from "./options.js";
