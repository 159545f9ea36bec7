// Reference, sync.md: a Lock keeps the two writes of each line together. Without it, the writers
// would interleave at the await between the text and the newline.
import { Lock, joinall, sleep, spawn, type Greenlet } from "greenthread";
import { installVirtualClock } from "greenthread/testing";

installVirtualClock({ autojump: true });

let file = "";
async function appendToFile(line: string): Promise<void> {
  file += line;
  await sleep(5); // the disk is slow; other greenlets run here
  file += "\n";
}

const lock = new Lock();
async function log(_g: Greenlet, line: string): Promise<void> {
  await lock.run(() => appendToFile(line));
}

await joinall(["first line", "second line", "third line"].map((line) => spawn(log, line)));
process.stdout.write(file);
