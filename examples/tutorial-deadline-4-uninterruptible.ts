// Tutorial, chapter 4, step 4: what a kill cannot interrupt. A kill lands at the library's waits
// (and at platform calls given g.signal); an await on any other promise runs to its end. The
// killer learns it from kill({ timeout }), and the kill lands at the greenlet's next switch point.
import { GreenletExit, sleep, spawn, type Greenlet } from "greenthread";
import { log } from "./tutorial-common.js";

// A client library that takes no signal: to the greenlet, a promise it cannot cancel.
function legacyLookup(): Promise<string> {
  return sleep(1000).then(() => "the answer");
}

async function task(g: Greenlet<string>): Promise<string> {
  const answer = await legacyLookup(); // no switch point for a kill: it runs to its end
  log(`task: got ${answer}; killed meanwhile: ${g.signal.aborted}`);
  await sleep(10, { signal: g }); // the next switch point: the kill lands here, at once
  return answer;
}

const g = spawn(task);
await sleep(0);
log(`kill: dead within 100 ms? ${await g.kill({ timeout: 100 })}`);
await g.join();
log(`task ended: ${g.value instanceof GreenletExit ? "killed" : String(g.value)}`);
