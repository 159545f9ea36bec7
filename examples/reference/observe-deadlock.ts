// Reference, observe.md: the deadlock report. Two greenlets wait on each other; when the event
// loop runs out of work, each is reported with what it is parked on. This example prints the
// reports to stdout and keeps the exit code at 0 ("report" mode); by default they go to stderr
// and the exit code is 1.
import { Event, Lock, setDeadlockMode, setErrorHandler, sleep, spawn } from "greenthread";

setDeadlockMode("report");
setErrorHandler((error, { kind }) => {
  if (kind === "deadlock") console.log((error as Error).message.replace(/ \(exit code.*$/, ""));
  else console.error(error);
});

const lock = new Lock();
const ready = new Event();
const holder = spawn(async (g) => {
  await lock.acquire({ signal: g });
  await ready.wait({ signal: g }); // set by the waiter, once it has the lock: never
  lock.release();
});
holder.name = "holder";
const waiter = spawn(async (g) => {
  await sleep(10, { signal: g });
  await lock.acquire({ signal: g });
  ready.set();
});
waiter.name = "waiter";
