// Tutorial, chapter 4, step 3: platform APIs take an AbortSignal, so a greenlet hands them
// `g.signal`. fetch() rejects with the signal's reason as it is; timers/promises rejects with an
// AbortError of its own whose cause is the kill's reason, which the greenlet recognises as its kill.
// This step runs on the real clock, against a server on this machine.
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import { Event, GreenletExit, TimeoutError, sleep, spawn, withTimeout, type Greenlet } from "greenthread";

// /fast answers at once; /hang never answers. The events tell the program what the server saw.
const arrived = new Event();
const closed = new Event();
const server = createServer((request, response) => {
  if (request.url === "/fast") {
    response.end("fast page");
    return;
  }
  arrived.set();
  response.on("close", () => closed.set()); // the client went away
});
server.listen(0, "127.0.0.1");
await once(server, "listening");
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

async function download(g: Greenlet<string>, path: string): Promise<string> {
  const response = await fetch(`${base}${path}`, { signal: g.signal });
  return response.text();
}

console.log("fast:", await spawn(download, "/fast").get());

const hanging = spawn(download, "/hang");
await arrived.wait(); // the request reached the server
await hanging.kill();
await closed.wait({ timeout: 1000 });
console.log("killed fetch:", hanging.successful(), hanging.value instanceof GreenletExit, "| server saw the close:", closed.isSet());

async function pause(g: Greenlet, ms: number): Promise<void> {
  try {
    await delay(ms, undefined, { signal: g.signal });
  } catch (error) {
    const { name, cause } = error as Error;
    console.log(`pause saw: ${name}, caused by the kill: ${cause === g.signal.reason}`);
    throw error;
  }
}
const paused = spawn(pause, 60_000);
await sleep(0); // let it start and park in delay()
await paused.kill();
console.log("pause ended:", paused.successful() ? "killed" : "failed", paused.value instanceof GreenletExit);

closed.clear();
arrived.clear();
try {
  await withTimeout(200, (signal) => fetch(`${base}/hang`, { signal }));
} catch (error) {
  await closed.wait({ timeout: 1000 });
  console.log("withTimeout:", error instanceof TimeoutError, (error as Error).message, "| server saw the close:", closed.isSet());
}

server.closeAllConnections();
server.close();

