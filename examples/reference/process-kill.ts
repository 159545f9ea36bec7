// Reference, process.md: kill = terminate. The kill signal first, SIGKILL once killGraceMs have
// passed, and the greenlet is dead only once the child has exited. `await using` does the same
// when its block ends.
import { lines, spawnProcess } from "greenthread/process";

const gone = (pid: number) => {
  try {
    return !process.kill(pid, 0);
  } catch {
    return true; // ESRCH: no such process
  }
};

// A child that ignores SIGTERM: it says so, and stays up.
const script = "process.on('SIGTERM', () => console.log('got SIGTERM, staying up')); console.log('ready'); setInterval(() => {}, 1000);";
const stubborn = spawnProcess(process.execPath, ["-e", script], { stdout: "pipe", killGraceMs: 500 });
const output = lines(stubborn.stdout!);
console.log((await output.next()).value);
const killed = stubborn.kill();
console.log((await output.next()).value);
console.log("dead while the child runs:", stubborn.dead);
await killed;
console.log(`dead: ${stubborn.dead}, ended by ${stubborn.signalCode}, pid gone: ${gone(stubborn.pid!)}`);

// The block owns the child: leaving it, however, ends the child and waits for its exit.
let pid = 0;
{
  await using sleeper = spawnProcess("sleep", ["60"]);
  await sleeper.join({ timeout: 50 });
  pid = sleeper.pid!;
  console.log("inside the block, running:", !gone(pid));
}
console.log("after the block, pid gone:", gone(pid));
