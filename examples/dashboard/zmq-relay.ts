// The server's end of the ZeroMQ feed: one greenlet, owned by the app, reads a SUB socket and
// publishes each point into the dashboard's topic, from which every session's forwarder (and every
// WebSocket's) takes it. Imported only when the dashboard runs with FEED=zmq, so the default
// dashboard never loads the native zeromq addon.
//
// The SUB socket connects rather than binds: ZeroMQ reconnects by itself, so the relay needs no
// code for a producer that dies and comes back, and it can start before the producer does.
import { Subscriber } from "zeromq";
import { AsyncResult, TimeoutError, type Greenlet } from "greenthread";
import type { FeedStatus } from "./feed-status.js";
import type { FeedPoint } from "./namespaces.js";
import type { Topic } from "./pubsub.js";

/** The ZeroMQ topic (first frame) of the feed's messages; the second frame is a point as JSON. */
export const FEED_TOPIC = "sine";
/** Where the producer binds, and the relay connects, unless told otherwise. */
export const DEFAULT_ENDPOINT = "tcp://127.0.0.1:5556";

/** A point from the producer process: a feed point, and the pid of the process that made it. */
export interface RelayedPoint extends FeedPoint {
  pid: number;
}

/** The relay's counts, for the tests and the logs. */
export interface RelayCounts {
  relayed: number;
  /** Messages that were not a point (wrong shape, not JSON): skipped. */
  malformed: number;
}

/**
 * The next message of `subscriber` as an AsyncResult, so that a greenlet can wait for it with a
 * signal: zeromq's own `receive()` promise cannot be cancelled, and a kill must not wait for the
 * next message. Closing the socket rejects the pending receive; nobody asks for that result then.
 */
function nextMessage(subscriber: Subscriber): AsyncResult<Buffer[]> {
  const result = new AsyncResult<Buffer[]>();
  subscriber.receive().then(
    (frames) => result.set(frames),
    (error: unknown) => result.setException(error),
  );
  return result;
}

function parsePoint(frames: Buffer[]): RelayedPoint | undefined {
  if (frames.length !== 2) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(frames[1]!.toString("utf8"));
  } catch {
    return undefined;
  }
  const p = value as Partial<RelayedPoint> | null;
  if (p === null || typeof p !== "object") return undefined;
  const numbers = [p.seq, p.t, p.value, p.pid];
  if (!numbers.every((n) => typeof n === "number" && Number.isFinite(n))) return undefined;
  return { seq: p.seq!, t: p.t!, value: p.value!, pid: p.pid! };
}

/**
 * Relays the feed from `endpoint` into `topic` until killed, and keeps `status` up to date: live
 * while points arrive, stalled after `stallMs` without one. Run it with `app.spawn`.
 */
export async function relayZmq(
  g: Greenlet<void>,
  topic: Topic<FeedPoint>,
  status: FeedStatus,
  endpoint: string,
  stallMs: number,
  counts: RelayCounts = { relayed: 0, malformed: 0 },
): Promise<void> {
  const subscriber = new Subscriber({ linger: 0 });
  subscriber.connect(endpoint);
  subscriber.subscribe(FEED_TOPIC);
  try {
    let next = nextMessage(subscriber);
    for (;;) {
      let frames: Buffer[];
      try {
        frames = await next.get({ timeout: stallMs, signal: g });
      } catch (error) {
        // Our own timeout: nothing for stallMs. The same receive stays pending; keep waiting on it.
        if (!(error instanceof TimeoutError)) throw error;
        status.stalled();
        continue;
      }
      next = nextMessage(subscriber);
      const point = parsePoint(frames);
      if (point === undefined) {
        counts.malformed++;
        continue;
      }
      counts.relayed++;
      status.point();
      topic.publish(point);
    }
  } finally {
    subscriber.close();
  }
}
