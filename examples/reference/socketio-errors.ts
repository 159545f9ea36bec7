// Reference, socketio.md: every kind of refused or failed event, as the client sees it (the
// "error" event, then the ack) and, for a bug, as the server operator sees it (onError).
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { Server } from "socket.io";
import { io as connect } from "socket.io-client";
import { z } from "zod";
import { BaseNamespace, ClientError, mount } from "greenthread/socketio";

class RoomFullError extends ClientError {}

class GameNamespace extends BaseNamespace {
  static override schemas = { move: z.tuple([z.object({ x: z.number(), y: z.number() })]) };

  override initialize() {
    this.deny("reset");
  }
  onMove(to: { x: number; y: number }) {
    return `moved to ${to.x},${to.y}`;
  }
  onJoin(room: string) {
    throw new RoomFullError(`room ${room} is full`);
  }
  onReset() {
    return "reset";
  }
  onCrash() {
    throw new TypeError("cannot read the board");
  }
}

const http = createServer();
const io = new Server(http);
const app = mount(io, { "/game": GameNamespace }, {
  rateLimit: { intervalCap: 4, interval: 60_000 },
  onError: (error, { kind, event }) => console.log(`server onError (${kind}, event ${event}): ${String(error)}`),
});
await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;

const client = connect(`${url}/game`, { transports: ["websocket"] });
const show = (value: unknown) => inspect(value, { breakLength: Infinity });
client.on("error", (report) => console.log("client error event:", show(report)));
for (const [event, ...args] of [
  ["a/b"],
  ["strat"],
  ["reset"],
  ["move", { x: "1", y: 2 }],
  ["move", { x: 1, y: 2 }],
  ["join", "lobby"],
  ["crash"],
  ["move", { x: 3, y: 4 }],
] as [string, ...unknown[]][]) {
  console.log(`${event}: ack`, show(await client.emitWithAck(event, ...args)));
}

client.disconnect();
await app.close();
await io.close();
