// A real socket.io server on 127.0.0.1, port 0, and socket.io-client sockets over the websocket
// transport, with the bookkeeping every socketio test needs: what the client heard, what onError
// got, and a close that leaves no handle behind.
import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Server, type ServerOptions } from "socket.io";
import { Manager, io as connectClient, type ManagerOptions, type Socket as ClientSocket, type SocketOptions } from "socket.io-client";
import type { SocketErrorContext } from "../../src/socketio/index.js";

export type { ClientSocket };

export interface TestServer {
  io: Server;
  http: HttpServer;
  url: string;
  /** Connects a new client (its own connection) to `nsp`; rejects with the connect_error. */
  connect(nsp: string, options?: Partial<ManagerOptions & SocketOptions>): Promise<ClientSocket>;
  /** Starts connecting a new client and returns it at once, to attach listeners first. */
  open(nsp: string, options?: Partial<ManagerOptions & SocketOptions>): ClientSocket;
  /** A manager (one connection) for multiplexed namespaces; closed with the server. */
  manager(options?: Partial<ManagerOptions>): Manager;
  /** Disconnects every client and closes the socket.io and HTTP servers. */
  close(): Promise<void>;
}

const clientDefaults: Partial<ManagerOptions & SocketOptions> = { transports: ["websocket"], reconnection: false, forceNew: true };

export async function startServer(options?: Partial<ServerOptions>): Promise<TestServer> {
  const http = createServer();
  const io = new Server(http, { transports: ["websocket"], ...options });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const clients: ClientSocket[] = [];
  const managers: Manager[] = [];
  const server: TestServer = {
    io,
    http,
    url,
    open(nsp, clientOptions) {
      const client = connectClient(url + nsp, { ...clientDefaults, ...clientOptions });
      clients.push(client);
      return client;
    },
    connect(nsp, clientOptions) {
      return connected(server.open(nsp, clientOptions));
    },
    manager(managerOptions) {
      const manager = new Manager(url, { ...clientDefaults, ...managerOptions });
      managers.push(manager);
      return manager;
    },
    async close() {
      for (const client of clients) client.disconnect();
      for (const manager of managers) manager.engine?.close();
      await io.close();
    },
  };
  return server;
}

/** Resolves once `client` is connected; rejects with its connect_error. */
export function connected(client: ClientSocket): Promise<ClientSocket> {
  return new Promise((resolve, reject) => {
    if (client.connected) return resolve(client);
    client.once("connect", () => resolve(client));
    client.once("connect_error", reject);
  });
}

/** The arguments of the next `event` on `emitter`. */
export function nextEvent(emitter: { once(event: string, listener: (...args: any[]) => void): unknown }, event: string): Promise<unknown[]> {
  return new Promise((resolve) => emitter.once(event, (...args: unknown[]) => resolve(args)));
}

/** What a client received on the layer's `"error"` report channel. */
export interface ErrorReport {
  name: string;
  message: string;
  event: string;
}

/** Records the `"error"` reports a client receives. */
export function errorReports(client: ClientSocket): ErrorReport[] {
  const reports: ErrorReport[] = [];
  client.on("error" as any, (report: ErrorReport) => reports.push(report));
  return reports;
}

/** An onError that records what it gets. */
export function recordOnError(): { calls: { error: unknown; context: SocketErrorContext }[]; onError: (error: unknown, context: SocketErrorContext) => void } {
  const calls: { error: unknown; context: SocketErrorContext }[] = [];
  return { calls, onError: (error, context) => calls.push({ error, context }) };
}

/** A promise the test settles, with a flag saying whether it has been. */
export function signal<T = void>(): { promise: Promise<T>; resolve: (value: T) => void; done: boolean } {
  let resolve!: (value: T) => void;
  const result = { promise: new Promise<T>((r) => (resolve = r)), resolve: (_value: T) => {}, done: false };
  result.resolve = (value: T) => {
    result.done = true;
    resolve(value);
  };
  return result;
}

/** Apps a test file mounts as it goes, closed together in its `after`. */
export function appsToClose(): { mounted<A extends { close(): Promise<void> }>(app: A): A; closeAll(): Promise<void> } {
  const apps: { close(): Promise<void> }[] = [];
  return {
    mounted(app) {
      apps.push(app);
      return app;
    },
    closeAll: async () => {
      await Promise.all(apps.map((app) => app.close()));
    },
  };
}
