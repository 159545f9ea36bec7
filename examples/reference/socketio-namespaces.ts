// Reference, socketio.md: a RegExp mounts dynamic namespaces; middleware on the parent namespace
// that mount() created applies to every child, and a connection it rejects creates no session.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Server, type Socket } from "socket.io";
import { io as connect } from "socket.io-client";
import { BaseNamespace, mount } from "greenthread/socketio";

class JobNamespace extends BaseNamespace {
  onStatus() {
    return `${this.name}: running`; // this.name is the child namespace's name
  }
}

function authenticate(socket: Socket, next: (error?: Error) => void) {
  if (socket.handshake.auth.token === "secret") next();
  else next(new Error("unauthorized"));
}

const http = createServer();
const io = new Server(http);
await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;

const jobPaths = /^\/job-\d+$/;
const jobs = mount(io, [[jobPaths, JobNamespace]]);
jobs.namespaces.get(jobPaths)!.use(authenticate); // before the first child namespace is created

const seven = connect(`${url}/job-7`, { transports: ["websocket"], auth: { token: "secret" } });
console.log(await seven.emitWithAck("status"));

const intruder = connect(`${url}/job-8`, { transports: ["websocket"], auth: { token: "guess" } });
const refused = await new Promise<Error>((resolve) => intruder.on("connect_error", resolve));
console.log("job-8 refused:", refused.message);
console.log(jobs.stats());

intruder.disconnect();
await jobs.close();
seven.disconnect();
await io.close();
