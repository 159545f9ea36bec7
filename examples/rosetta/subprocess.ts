// Rosetta page (docs/rosetta.md), the greenthread column: subprocess. A child process is a
// greenlet: its value is the result, its kill ends the child.
import { spawnProcess } from "greenthread/process";

const { exitCode, stdout } = await spawnProcess("sh", ["-c", "echo hello from the child"], { stdout: "collect" }).get();
console.log(`subprocess: exit ${exitCode}, stdout ${JSON.stringify(stdout)}`);

const child = spawnProcess("sleep", ["60"]);
const done = await child.join({ timeout: 200 }); // false: still running
await child.kill(); // SIGTERM, SIGKILL after killGraceMs; resolves once the child has exited
console.log(`subprocess: done after 200 ms ${done}; after the kill: dead ${child.dead}, ended by ${child.signalCode}`);
