// Reference, socketio.md: a namespace class whose sessions each sample on a greenlet of their own.
// The client starts the sampler, gets the first point, is refused a second start, stops it, and
// app.close() ends the session.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Server } from "socket.io";
import { io as connect } from "socket.io-client";
import { sleep } from "greenthread";
import { BaseNamespace, ClientError, mount } from "greenthread/socketio";

class CpuNamespace extends BaseNamespace {
  private samples = 0;

  onStart(intervalMs: number) {            // the client event "start"
    if (this.greenlets.size > 0) throw new ClientError("already started");
    this.spawn(async (g) => {              // owned by this session
      for (;;) {
        this.emit("point", ++this.samples);
        await sleep(intervalMs, { signal: g });
      }
    });
    return "started";                      // the ack, if the client asked for one
  }

  onStop() {
    return this.killAll();                 // resolves (and acks) once they are dead
  }

  override disconnected(reason: string) {  // after the greenlets were reaped
    console.log(`server: a session of ${this.name} ended: ${reason}`);
  }
}

const http = createServer();
const io = new Server(http);
const app = mount(io, { "/cpu": CpuNamespace }, { graceMs: 5000 });
await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;

const socket = connect(`${url}/cpu`, { transports: ["websocket"] });
socket.on("point", (n: number) => console.log("point", n));
socket.on("error", (report) => console.log("error event:", report)); // { name, message, event }
const ack = await socket.emitWithAck("start", 60_000); // "started", or { error: { name, message } }

// The first point was sent before the second start's ack, so it has been printed by then.
const again = await socket.emitWithAck("start", 60_000);
console.log("acks:", ack, again);
console.log("stop acked:", await socket.emitWithAck("stop"), app.stats());

await app.close();   // sessions end with "server shutting down", greenlets reaped, hooks run
await io.close();    // the HTTP server with it
socket.disconnect();
console.log("closed:", app.stats());
