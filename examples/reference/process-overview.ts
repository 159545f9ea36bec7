// Reference, process.md: a child process as a greenlet. Its value, its lines as they come, and
// its failures: a ProcessError with the exit code and the end of stderr, ENOENT for a missing
// command.
import { spawn } from "greenthread";
import { ProcessError, lines, spawnProcess } from "greenthread/process";

// The value: the exit code and signal, and the outputs asked to be collected.
const listing = await spawnProcess("sh", ["-c", "echo one; echo two"], { stdout: "collect" }).get();
console.log(listing);

// The lines as the child writes them, read in a greenlet whose kill would end the loop.
const ticker = spawnProcess("sh", ["-c", "for i in 1 2 3; do echo tick $i; done"], { stdout: "pipe" });
const reader = spawn(async (g) => {
  for await (const line of lines(ticker.stdout!, { signal: g })) console.log("read:", line);
});
await ticker.get();
await reader.join();

// A failure: the exit code and the end of what the child wrote to stderr.
try {
  await spawnProcess("sh", ["-c", "echo 'backup: disk full' >&2; exit 2"]).get();
} catch (error) {
  if (!(error instanceof ProcessError)) throw error;
  console.log(error.exitCode, error.signal, JSON.stringify(error.stderr));
  console.log(error.message.replace(`pid ${error.pid}`, "pid <pid>")); // the pid changes from run to run
}

// A command that is not there fails at once, naming it.
const missing = spawnProcess("transcode-video", ["in.mp4"]);
await missing.join();
const { code, message } = missing.exception as ProcessError;
console.log(code, message);
