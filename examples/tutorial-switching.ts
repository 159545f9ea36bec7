// Tutorial, chapter 1: cooperative switching. Two greenlets take turns at their switch points;
// nothing runs in between unless the running one awaits.
import { joinall, sleep, spawn } from "greenthread";

const log: string[] = [];

function worker(_g: unknown, name: string, steps: number) {
  return (async () => {
    for (let step = 1; step <= steps; step++) {
      log.push(`${name} step ${step}`);
      await sleep(0); // the switch point: every other ready greenlet runs before we continue
    }
    return `${name} done`;
  })();
}

const a = spawn(worker, "a", 3);
const b = spawn(worker, "b", 2);
log.push("spawned both; neither has run yet");
await joinall([a, b]);
console.log(log.join("\n"));
