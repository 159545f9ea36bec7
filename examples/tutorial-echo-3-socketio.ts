// Tutorial, chapter 8, step 3: the echo server as socket.io namespaces, written twice: a method
// per event, and one main(g) loop that pulls its events with recv(), the TCP handler's shape
// again. Each connection is a session that owns its greenlets and reaps them when it ends.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Server } from "socket.io";
import { io as connect, type Socket } from "socket.io-client";
import { GreenletExit, sleep, type Greenlet } from "greenthread";
import { BaseNamespace, mount } from "greenthread/socketio";

function reaped(name: string, error: unknown) {
  if (error instanceof GreenletExit) console.log(`server: ${name}, the slow job reaped (${String(error.reason)})`);
}

class EchoHandlers extends BaseNamespace {
  onEcho(text: string) {
    return `echo: ${text}`; // the return value is the ack
  }

  onSlow() {
    this.spawn(async (g) => { // a handler is a method call: long work goes into a session greenlet
      try {
        await sleep(60_000, { signal: g });
        this.emit("done", "echo: slow");
      } catch (error) {
        reaped(this.name, error);
        throw error;
      }
    });
    return "working on it";
  }
}

class EchoLoop extends BaseNamespace {
  static override acl = ["echo", "slow"]; // anything else is refused before it reaches the loop

  override async main(g: Greenlet<unknown>) {
    for (;;) {
      const received = await this.recv({ signal: g }); // parks until an event comes in
      const [event, text] = received;
      if (event === "slow") {
        received.ack?.("working on it");
        try {
          await sleep(60_000, { signal: g }); // the session's end lands here, as the TCP kill did
        } catch (error) {
          reaped(this.name, error);
          throw error;
        }
        this.emit("done", "echo: slow");
      } else {
        received.ack?.(`echo: ${String(text)}`);
      }
    }
  }
}

const http = createServer();
const io = new Server(http);
const app = mount(io, { "/handlers": EchoHandlers, "/loop": EchoLoop });
await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
// The client's side of the program:
async function client(path: string): Promise<Socket> {
  const socket = connect(`${url}${path}`, { transports: ["websocket"] });
  await new Promise((resolve) => socket.once("connect", () => resolve(undefined)));
  return socket;
}

for (const path of ["/handlers", "/loop"]) {
  const ann = await client(path);
  console.log(`${path} ann heard:`, await ann.emitWithAck("echo", "hello"), "|", await ann.emitWithAck("echo", "anyone?"));
  console.log(`${path} ann heard:`, await ann.emitWithAck("slow"));
  const answer = ann.timeout(500).emitWithAck("echo", "still there?"); // while the job runs
  console.log(`${path} ann heard:`, await answer.catch((error: Error) => `nothing (${error.message})`));
  ann.disconnect(); // the session ends: it reaps the job, wherever it was parked
  while (app.stats(path).sessions > 0) await sleep(10);
  console.log(`${path} after ann left:`, app.stats(path));
}

const bob = await client("/loop");
console.log("/loop bob heard:", await bob.emitWithAck("echo", "hi"));
await app.close(); // every session left ends with "server shutting down"
console.log("after the shutdown:", app.stats());
await io.close();
