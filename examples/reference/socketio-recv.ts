// Reference, socketio.md: a pull-style session. main(g) takes the events no on… handler answers
// with recv(), in arrival order, acks those that ask for it, waits at most a while for the next
// one, and its end ends the session.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Server } from "socket.io";
import { io as connect } from "socket.io-client";
import { GreenletExit, TimeoutError, type Greenlet } from "greenthread";
import { BaseNamespace, mount } from "greenthread/socketio";

interface ClientEvents {
  add: (n: number, ack: (total: number) => void) => void;
  note: (text: string) => void;
}

class Tally extends BaseNamespace<unknown, ClientEvents> {
  onPing() {
    return "pong"; // a handler beside main answers its own event
  }

  override async main(g: Greenlet<unknown>) {
    let total = 0;
    try {
      for (;;) {
        const received = await this.recv({ timeout: 1000, signal: g });
        if (received[0] === "add") {
          total += received[1];
          received.ack?.(total);
        } else {
          console.log("server: note", received[1]);
        }
      }
    } catch (error) {
      if (error instanceof TimeoutError) console.log(`server: idle, total ${total}: ending the session`);
      else if (error instanceof GreenletExit) console.log(`server: ended (${String(error.reason)})`);
      else throw error;
    }
  }
}

const http = createServer();
const io = new Server(http);
const app = mount(io, { "/tally": Tally }, { maxQueued: 100 });
await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;

const client = connect(`${url}/tally`, { transports: ["websocket"] });
const gone = new Promise<string>((resolve) => client.once("disconnect", resolve));
client.emit("note", "counting starts");
console.log("add 2:", await client.emitWithAck("add", 2));
console.log("add 3:", await client.emitWithAck("add", 3));
console.log("ping:", await client.emitWithAck("ping"));
console.log("client:", await gone); // main returned after a second without an event
console.log(app.stats());
await app.close();
await io.close();
