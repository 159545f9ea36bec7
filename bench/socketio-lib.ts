// What the socket.io suites share: a server listening on a free loopback port, and websocket
// clients that connect to it without reconnecting.
import type { Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { io as connectClient, type Socket as ClientSocket } from "socket.io-client";

/** Listens on 127.0.0.1, port 0; resolves with the base URL. */
export async function listenLocal(http: HttpServer): Promise<string> {
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
}

/** A new websocket client (its own connection, no reconnection) once connected; rejects with its connect_error. */
export function connectTo(url: string): Promise<ClientSocket> {
  const client = connectClient(url, { transports: ["websocket"], reconnection: false, forceNew: true });
  return new Promise((resolve, reject) => {
    client.once("connect", () => resolve(client));
    client.once("connect_error", reject);
  });
}
