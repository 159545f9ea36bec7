// The other side of bench/socketio-flood.bench.ts, run as its own process so that encoding the
// flood does not eat the server's CPU: connects to argv[2] and sends argv[3] copies of the event
// argv[4] in one burst (with acks when argv[5] is "ack"), then prints what came back and exits.
import { io as connectClient } from "socket.io-client";

const [url, countText, event, mode] = process.argv.slice(2) as [string, string, string, string];
const count = Number(countText);
// FLOOD_TRANSPORT=polling sends the flood over HTTP long-polling, where one request carries many events.
const transport = process.env.FLOOD_TRANSPORT === "polling" ? "polling" : "websocket";
const client = connectClient(url, { transports: [transport], reconnection: false, forceNew: true });
await new Promise<void>((resolve, reject) => {
  client.once("connect", resolve);
  client.once("connect_error", reject);
});
process.stdout.write("connected\n");
let acked = 0;
let refused = 0;
const done = new Promise<string>((resolve) => {
  client.once("disconnect", (reason) => resolve(`disconnected (${reason})`));
  for (let i = 0; i < count; i++) {
    if (mode !== "ack") {
      client.emit(event, i);
      continue;
    }
    client.emit(event, i, (answer: unknown) => {
      if (typeof answer === "object" && answer !== null && "error" in answer) refused++;
      if (++acked === count) resolve("done");
    });
  }
  if (mode !== "ack") client.emit("done", () => resolve("done"));
});
const end = await done;
process.stdout.write(JSON.stringify({ end, acked, refused }) + "\n");
client.disconnect();
