// Tutorial, chapter 8, step 2: the same echo server over WebSocket (the `ws` package). ws hands
// over each message as an event; a Queue turns those events into a loop the connection's
// greenlet pulls from, so the handler reads as the TCP one did.
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocket, WebSocketServer } from "ws";
import { Group, GreenletExit, Queue, sleep, type Greenlet } from "greenthread";

const handlers = new Group();

async function handle(g: Greenlet, ws: WebSocket, inbox: Queue<string>, name: string): Promise<void> {
  console.log(`server: ${name} connected`);
  try {
    for (;;) {
      const text = await inbox.get({ signal: g }); // parks until a message comes in
      if (text === "slow") {
        ws.send("working on it");
        await sleep(60_000, { signal: g });
      }
      ws.send(`echo: ${text}`);
    }
  } catch (error) {
    if (error instanceof GreenletExit) console.log(`server: ${name}'s greenlet killed (${String(error.reason)})`);
    throw error;
  } finally {
    ws.terminate(); // does nothing once the connection is closed
  }
}

const http = createServer();
const wss = new WebSocketServer({ server: http, maxPayload: 64 * 1024 });
const spawned: Greenlet[] = [];
wss.on("connection", (ws) => {
  const inbox = new Queue<string>(100); // room for 100 messages the greenlet has not taken yet
  const g = handlers.spawn(handle, ws, inbox, `client ${spawned.length + 1}`);
  spawned.push(g);
  ws.on("message", (data) => {
    if (!inbox.full()) inbox.putNowait(String(data));
    else ws.close(1008, "too many messages"); // a client that does not wait for its answers
  });
  ws.once("close", (code) => void g.kill({ exception: new GreenletExit(`connection closed, code ${code}`), block: false }));
});
http.listen(0, "127.0.0.1");
await once(http, "listening");
const url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}`;
// The client's side of the program:
/** A client: sends one message at a time and waits for the message that answers it. */
async function client() {
  const ws = new WebSocket(url);
  const replies = new Queue<string>();
  ws.on("message", (data) => replies.putNowait(String(data)));
  await once(ws, "open");
  const say = async (text: string) => {
    ws.send(text);
    return replies.get();
  };
  return { ws, say };
}

const ann = await client();
console.log("ann heard:", await ann.say("hello"), "|", await ann.say("anyone?"));

const bob = await client();
console.log("bob heard:", await bob.say("hi"));
bob.ws.close(1000, "bye"); // the closing handshake: the server's "close" kills bob's greenlet
await spawned[1]!.join();

const cat = await client();
console.log("cat heard:", await cat.say("slow"));
cat.ws.terminate(); // the connection breaks, no handshake: the same kill, a different code
await spawned[2]!.join();

console.log(`still connected: ${handlers.size}`);
wss.close(); // no new connections
http.close();
await handlers.kill({ exception: new GreenletExit("server shutting down") }); // ann's greenlet
console.log(`after the shutdown: ${handlers.size}`);
