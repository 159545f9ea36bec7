// Tutorial, chapter 8, step 1: an echo server on plain TCP, one greenlet per connection. The
// greenlet reads lines in a loop whose every wait is a switch point; the socket's "close" kills
// it; the server's shutdown kills the ones left. A client in the same program talks to it.
import { once } from "node:events";
import { connect, createServer, type AddressInfo, type Socket } from "node:net";
import { Group, GreenletExit, sleep, type Greenlet } from "greenthread";
import { lines } from "greenthread/process";

const handlers = new Group(); // every connection's greenlet, for the shutdown

async function handle(g: Greenlet, socket: Socket, name: string): Promise<void> {
  console.log(`server: ${name} connected`);
  try {
    for await (const line of lines(socket, { signal: g })) { // parks until a line comes in
      if (line === "slow") {
        socket.write("working on it\n");
        await sleep(60_000, { signal: g }); // a long job: a kill lands here too
      }
      socket.write(`echo: ${line}\n`);
    }
    console.log(`server: ${name} closed its end`);
  } catch (error) {
    if (error instanceof GreenletExit) console.log(`server: ${name}'s greenlet killed (${String(error.reason)})`);
    throw error;
  } finally {
    socket.destroy();
  }
}

const spawned: Greenlet[] = [];
const server = createServer((socket) => {
  const g = handlers.spawn(handle, socket, `client ${spawned.length + 1}`);
  spawned.push(g);
  socket.on("error", () => {}); // a broken connection: its "close" follows, and does the work
  socket.once("close", () => void g.kill({ exception: new GreenletExit("connection closed"), block: false }));
});
server.listen(0, "127.0.0.1");
await once(server, "listening");
const { port } = server.address() as AddressInfo;
// The client's side of the program:
/** A client: sends one line at a time and waits for the line that answers it. */
async function client() {
  const socket = connect(port, "127.0.0.1");
  await once(socket, "connect");
  const replies = lines(socket);
  const say = async (text: string) => {
    socket.write(`${text}\n`);
    return (await replies.next()).value as string;
  };
  return { socket, say };
}

const ann = await client();
console.log("ann heard:", await ann.say("hello"), "|", await ann.say("anyone?"));

const bob = await client();
console.log("bob heard:", await bob.say("hi"));
bob.socket.end(); // bob is done: the server's loop sees the end of his lines
await once(bob.socket, "close");

const cat = await client();
console.log("cat heard:", await cat.say("slow")); // the server starts a long job...
cat.socket.resetAndDestroy(); // ...and the connection breaks: its "close" kills the greenlet
await spawned[2]!.join();

console.log(`still connected: ${handlers.size}`);
server.close(); // no new connections
await handlers.kill({ exception: new GreenletExit("server shutting down") }); // ann's greenlet
console.log(`after the shutdown: ${handlers.size}`);
ann.socket.destroy();
