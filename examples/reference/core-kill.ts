// Reference, core.md: the three outcomes of a kill. The default GreenletExit is a success whose
// value is the exit (get() rejects with it: there is no value of the function's type); a function
// that catches the kill ends with its own value; a kill with any other exception fails the
// greenlet with it.
import { GreenletExit, sleep, spawn, type Greenlet } from "greenthread";

async function waitForever(g: Greenlet): Promise<string> {
  await sleep(60_000, { signal: g });
  return "finished";
}
async function catchTheKill(g: Greenlet): Promise<string> {
  try {
    await sleep(60_000, { signal: g });
    return "finished";
  } catch (error) {
    if (error instanceof GreenletExit) return "stopped cleanly";
    throw error;
  }
}

const plain = spawn(waitForever);
const caught = spawn(catchTheKill);
const failed = spawn(waitForever);
await sleep(0); // let all three start and park

await plain.kill();
await caught.kill();
await failed.kill({ exception: new Error("shutting down") });

console.log("plain: ", plain.successful(), plain.value instanceof GreenletExit);
console.log("caught:", caught.successful(), caught.value);
console.log("failed:", failed.successful(), (failed.exception as Error).message);
console.log("plain.get() rejects with the exit:", await plain.get().then(() => false, (error: unknown) => error === plain.value));
console.log("a second kill does nothing:", await plain.kill(), plain.value instanceof GreenletExit);

const never = spawn(waitForever);
await never.kill(); // before it started: its function never runs
console.log("killed before it started:", never.dead, never.successful());
