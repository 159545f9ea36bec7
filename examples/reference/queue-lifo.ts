// Reference, queue.md: a LifoQueue as a bounded undo stack: the last edit comes back first.
import { LifoQueue, QueueFullError } from "greenthread";

interface Edit {
  text: string;
}

const undo = new LifoQueue<Edit>(100);
for (const text of ["type 'hello'", "bold", "delete line 3"]) undo.putNowait({ text });
console.log(`undo: ${undo.getNowait().text}`);
console.log(`undo: ${undo.getNowait().text}`);
console.log(`left: ${undo.qsize()} of at most ${undo.maxsize}`);

const full = new LifoQueue<Edit>(1);
full.putNowait({ text: "only one" });
try {
  full.putNowait({ text: "one too many" });
} catch (error) {
  console.log(error instanceof QueueFullError, (error as Error).message);
}
