// Reference, core.md: children die with their parent. g.spawn() makes a child; when the parent's
// function settles, its live children are killed, and the parent counts as dead only once they
// are, grandchildren included.
import { getClock, sleep, spawn, type Greenlet } from "greenthread";
import { installVirtualClock } from "greenthread/testing";

installVirtualClock({ autojump: true });
const log = (message: string): void => console.log(`${getClock().now()} ms: ${message}`);

async function heartbeat(g: Greenlet, name: string): Promise<void> {
  try {
    for (;;) await sleep(1000, { signal: g });
  } finally {
    await sleep(30); // says goodbye to the server
    log(`${name} stopped (parent: ${g.parent?.name})`);
  }
}

const server = spawn(async (g) => {
  g.name = "server";
  const worker = g.spawn(async (w) => {
    w.name = "worker";
    w.spawn(heartbeat, "worker's heartbeat");
    await sleep(60_000, { signal: w });
  });
  g.spawn(heartbeat, "server's heartbeat");
  await sleep(100, { signal: g });
  log(`server returns; worker dead: ${worker.dead}`);
  return "served";
});

await server.join();
log(`server dead with value ${String(server.value)}`);
