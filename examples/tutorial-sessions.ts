// Tutorial, chapter 5: a session owns its greenlets. The client starts a job; the job's greenlet
// belongs to the client's session; when the client goes away, the session reaps it.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Server } from "socket.io";
import { io as connect } from "socket.io-client";
import { GreenletExit, sleep } from "greenthread";
import { BaseNamespace, mount } from "greenthread/socketio";

let sessionEnded!: () => void;
const ended = new Promise<void>((resolve) => (sessionEnded = resolve));

class JobsNamespace extends BaseNamespace {
  onStart(steps: number) {
    const job = this.spawn(async (g) => {
      try {
        for (let step = 1; step <= steps; step++) {
          await sleep(10, { signal: g }); // a switch point: the reaper's kill lands here
          this.emit("progress", step);
        }
        return "finished";
      } catch (error) {
        if (error instanceof GreenletExit) console.log(`server: job reaped (${String(error.reason)})`);
        throw error;
      }
    });
    job.name = "job";
    return `started ${job.name}`;
  }

  override disconnected(reason: string) {
    console.log(`server: disconnected hook (${reason}), after the reaping`);
    sessionEnded();
  }
}

const http = createServer();
const server = new Server(http);
const app = mount(server, { "/jobs": JobsNamespace });
await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
const { port } = http.address() as AddressInfo;

const client = connect(`http://127.0.0.1:${port}/jobs`, { transports: ["websocket"] });
console.log("client:", await client.emitWithAck("start", 1000));
await new Promise<void>((resolve) =>
  client.on("progress", (step: number) => {
    console.log(`client: progress ${step}`);
    if (step === 3) resolve();
  }),
);
console.log("stats while connected:", app.stats());
client.disconnect(); // the job has 997 steps to go: the session reaps it
await ended;
console.log("stats after the disconnect:", app.stats());

await app.close(); // refuses new sessions, reaps what is left, resolves after every cleanup
console.log("stats after close:", app.stats());
server.close();
