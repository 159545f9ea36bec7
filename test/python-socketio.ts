// python-socketio's synchronous client, run as a real child process against the test servers.
// Debian's python3 at /usr/bin/python3 is the one with the packages (a pyenv python earlier on
// PATH has none). Without them the tests skip naming the Debian packages; under CI=true a missing
// one is a failure.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

export const PYTHON = "/usr/bin/python3";
const MODULES = "socketio, engineio, websocket, requests";
export const PYTHON_SOCKETIO_MISSING =
  `${PYTHON} cannot import ${MODULES}: install the Debian packages python3-socketio python3-engineio python3-websocket python3-requests ` +
  "(apt-get install -y python3-socketio python3-engineio python3-websocket python3-requests)";
export const hasPythonSocketio = spawnSync(PYTHON, ["-c", `import ${MODULES}`]).status === 0;

/** Registers a failing test when the client is missing under CI=true; returns the skip option. */
export function pythonSocketioSkip(): false | string {
  if (!hasPythonSocketio && process.env.CI === "true") {
    test("python-socketio is installed (required under CI=true)", () => assert.fail(PYTHON_SOCKETIO_MISSING));
  }
  return hasPythonSocketio ? false : PYTHON_SOCKETIO_MISSING;
}

const fixtures = fileURLToPath(new URL("./fixtures/python/", import.meta.url));

/** One line the script printed: `{ step, ...observations }`. */
export type Observation = { step: string } & Record<string, unknown>;

export interface PythonClient {
  process: ChildProcess;
  /** Every observation printed so far, in order. */
  observations: Observation[];
  /** Resolves with the first observation of `step` (at once if it came already). */
  step(step: string): Promise<Observation>;
  /** Resolves with the exit code (or signal name) once the process exited; rejects never. */
  exited: Promise<number | string>;
  /** What the script wrote on stderr, for failure messages. */
  stderr(): string;
  /** SIGKILLs the process if it still runs and waits for its exit. */
  kill(): Promise<number | string>;
}

/**
 * Starts `script` (a file under test/fixtures/python/) with `args`. The script exits by itself
 * when its stdin closes, so a test runner that dies leaves no python process behind.
 */
export function startPython(script: string, args: string[]): PythonClient {
  const child = spawn(PYTHON, ["-u", fixtures + script, ...args], { stdio: ["pipe", "pipe", "pipe"] });
  const observations: Observation[] = [];
  const waiting = new Map<string, ((observation: Observation) => void)[]>();
  let errors = "";
  let partial = "";
  child.stdout!.setEncoding("utf8");
  child.stdout!.on("data", (chunk: string) => {
    const lines = (partial + chunk).split("\n");
    partial = lines.pop()!;
    for (const line of lines) {
      if (line.trim() === "") continue;
      const observation = JSON.parse(line) as Observation;
      observations.push(observation);
      for (const resolve of waiting.get(observation.step) ?? []) resolve(observation);
      waiting.delete(observation.step);
    }
  });
  child.stderr!.setEncoding("utf8");
  child.stderr!.on("data", (chunk: string) => (errors += chunk));
  const exited = new Promise<number | string>((resolve) => {
    child.once("close", (code, signal) => resolve(code ?? signal ?? "unknown"));
  });
  return {
    process: child,
    observations,
    exited,
    stderr: () => errors,
    step(step) {
      const seen = observations.find((o) => o.step === step);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        waiting.set(step, [...(waiting.get(step) ?? []), resolve]);
        void exited.then((code) => {
          if (!observations.some((o) => o.step === step)) {
            reject(new Error(`${script} exited (${code}) before step "${step}"; stderr:\n${errors}`));
          }
        });
      });
    },
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      return exited;
    },
  };
}
