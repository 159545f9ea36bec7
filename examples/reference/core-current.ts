// Reference: getcurrent() and Local, the opt-in implicit context. Creating the Local turns on
// tracking of the running greenlet; greenlets started from then on are tracked.
import { Local, getcurrent, joinall, sleep, spawn, type Greenlet } from "greenthread";
import { installVirtualClock } from "greenthread/testing";

installVirtualClock({ autojump: true }); // the sleeps below take no wall time

const requestId = new Local<string>();

function log(message: string): void {
  // Deep inside the call tree, without passing anything down.
  console.log(`[${getcurrent()?.name ?? "main"} ${requestId.get() ?? "-"}] ${message}`);
}

async function handle(g: Greenlet<void>, id: string, ms: number): Promise<void> {
  g.name = `worker-${id}`;
  requestId.set(id);
  log("start");
  await sleep(ms);
  log("done");
}

log("spawning");
await joinall([spawn(handle, "a", 20), spawn(handle, "b", 10)]);
log("all done");
