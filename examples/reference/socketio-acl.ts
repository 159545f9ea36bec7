// Reference, socketio.md: a session that allows only "login" until the login succeeds; then
// liftAcl() allows every event. Refusals reach the client as error reports; the session stays.
import { createServer } from "node:http";
import { inspect } from "node:util";
import type { AddressInfo } from "node:net";
import { Server } from "socket.io";
import { io as connect } from "socket.io-client";
import { BaseNamespace, ClientError, mount } from "greenthread/socketio";

async function verify(token: string) {
  if (token !== "token-of-ada") throw new ClientError("invalid token");
  return "ada";
}

class Chat extends BaseNamespace {
  static override acl = ["login"];
  async onLogin(token: string) {
    this.data.user = await verify(token); // throws a ClientError when invalid
    this.liftAcl();
  }
  onUserMessage(text: string) {
    return `${this.data.user}: ${text}`;
  }
}

const http = createServer();
const io = new Server(http);
const app = mount(io, { "/chat": Chat });
await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;

const client = connect(`${url}/chat`, { transports: ["websocket"] });
const show = (label: string, ack: unknown) => console.log(label, inspect(ack, { breakLength: Infinity }));
show("before the login:", await client.emitWithAck("user message", "hello?"));
show("bad login:", await client.emitWithAck("login", "guess"));
show("login:", await client.emitWithAck("login", "token-of-ada"));
show("after the login:", await client.emitWithAck("user message", "hello"));

client.disconnect();
await app.close();
await io.close();
