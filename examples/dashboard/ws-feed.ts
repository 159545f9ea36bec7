// The shared feed on a plain WebSocket, for pages that use `new WebSocket(url)` rather than
// socket.io (public/ws.html is one). One greenlet per connection, owned by the app: it subscribes
// to the topic and sends each point as JSON, waiting for each send to be written out before the
// next, so a slow client only fills its own bounded queue (its oldest points are dropped and
// counted, as for socket.io pages). The client closing its end kills the greenlet; `app.close()`
// reaps the ones still open.
//
// Messages, one JSON object each: `{ type: "point", seq, t, value, dropped }` and
// `{ type: "status", state, since, source, lastPointAt }` (on connect and on each change).
import type { Server as HttpServer, IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import { AsyncResult, GreenletExit, type Greenlet } from "greenthread";
import type { MountedApp } from "greenthread/socketio";
import type { FeedStatus } from "./feed-status.js";
import type { FeedPoint } from "./namespaces.js";
import type { Topic } from "./pubsub.js";

/** The path the WebSocket feed is served on. */
export const WS_FEED_PATH = "/feed.ws";

/** What the WebSocket feed counts: connections open now, and totals since it started. */
export interface WsFeedStats {
  open: number;
  opened: number;
  /** Connections whose greenlet has ended (its subscription closed, its socket closed). */
  ended: number;
}

export interface WsFeed {
  /** The greenlets serving open connections: a live view. */
  readonly greenlets: ReadonlySet<Greenlet<void>>;
  stats(): WsFeedStats;
  /** Stops taking connections (the open ones are the app's to reap). */
  close(): void;
}

/** Sends `data` and waits until it is written out, or until `g` is killed. */
function send(g: Greenlet<void>, ws: WebSocket, data: string): Promise<void> {
  const written = new AsyncResult<void>();
  ws.send(data, (error) => (error === undefined || error === null ? written.set() : written.setException(error)));
  return written.get({ signal: g });
}

/** Serves the feed on `path` of `http`, one app greenlet per connection. */
export function serveWebSocketFeed(http: HttpServer, app: MountedApp, topic: Topic<FeedPoint>, status: FeedStatus, path = WS_FEED_PATH): WsFeed {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 });
  const greenlets = new Set<Greenlet<void>>();
  const counts = { opened: 0, ended: 0 };

  async function forward(g: Greenlet<void>, ws: WebSocket): Promise<void> {
    const subscription = topic.subscribe(20);
    // Status changes go out between points, from whichever turn they happen in.
    const stopStatus = status.onChange((view) => ws.send(JSON.stringify({ type: "status", ...view })));
    try {
      await send(g, ws, JSON.stringify({ type: "status", ...status.view() }));
      for (;;) {
        const point = await subscription.next(g);
        await send(g, ws, JSON.stringify({ type: "point", ...point, dropped: subscription.dropped }));
      }
    } catch (error) {
      // A send the closing socket refused: the close (and its kill) is on its way; that is an end, not a failure.
      if (error instanceof GreenletExit || ws.readyState === ws.OPEN) throw error;
    } finally {
      stopStatus();
      subscription.close();
      greenlets.delete(g);
      counts.ended++;
      if (ws.readyState === ws.OPEN) ws.close(1001, "server closing");
    }
  }

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (new URL(request.url ?? "/", "http://localhost").pathname !== path) return; // socket.io's, or nobody's
    wss.handleUpgrade(request, socket, head, (ws) => {
      const g = app.spawn(forward, ws);
      if (g.dead) {
        // The app is closing: spawn gave a greenlet that never runs.
        ws.close(1001, "server closing");
        return;
      }
      counts.opened++;
      g.name = `ws-forwarder ${counts.opened}`;
      greenlets.add(g);
      ws.once("close", () => void g.kill({ block: false }));
      ws.on("error", () => void g.kill({ block: false }));
    });
  };
  http.on("upgrade", onUpgrade);

  return {
    greenlets,
    stats: () => ({ open: greenlets.size, opened: counts.opened, ended: counts.ended }),
    close: () => {
      http.off("upgrade", onUpgrade);
      wss.close();
    },
  };
}
