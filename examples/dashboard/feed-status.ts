// Whether the shared feed flows, as every page shows it. The in-process producer never stops, so
// its feed is always "live". A feed relayed from another process (the ZeroMQ producer) is
// "waiting" until its first point, "live" while points arrive, and "stalled" once none has come
// for `stallMs`: the producer died, hung, or its network went away. The relay says which.
import type { Server } from "socket.io";

export type FeedState = "waiting" | "live" | "stalled";

/** What a page is told: the state, since when (ms since the epoch), and where the points come from. */
export interface FeedStatusView {
  state: FeedState;
  since: number;
  /** `"in-process"`, or the ZeroMQ endpoint relayed (`"zmq tcp://127.0.0.1:5556"`). */
  source: string;
  /** When the last point arrived; null before the first one. */
  lastPointAt: number | null;
}

export class FeedStatus {
  private current: FeedStatusView;
  private readonly listeners = new Set<(view: FeedStatusView) => void>();

  constructor(source: string, state: FeedState) {
    this.current = { state, since: Date.now(), source, lastPointAt: null };
  }

  get state(): FeedState {
    return this.current.state;
  }

  view(): FeedStatusView {
    return { ...this.current };
  }

  /** A point arrived: the feed is live (again). */
  point(): void {
    this.current.lastPointAt = Date.now();
    if (this.current.state !== "live") this.change("live");
  }

  /** No point came for the stall period. */
  stalled(): void {
    if (this.current.state !== "stalled") this.change("stalled");
  }

  /** Calls `listener` with each change from now on; returns the function that stops that. */
  onChange(listener: (view: FeedStatusView) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private change(state: FeedState): void {
    this.current = { ...this.current, state, since: Date.now() };
    for (const listener of [...this.listeners]) listener(this.view());
  }
}

/**
 * Tells every page on this node's `/feed` namespace the status: once when it connects, then at
 * each change. Plain socket.io beside the layer's sessions (the forwarders send the points); local
 * to this node, since every node relays, and judges, its own feed.
 */
export function announceFeedStatus(io: Server, status: FeedStatus): () => void {
  const feed = io.of("/feed");
  const greet = (socket: { emit(event: string, view: FeedStatusView): unknown }) => socket.emit("feed status", status.view());
  feed.on("connection", greet);
  const stop = status.onChange((view) => feed.local.emit("feed status", view));
  return () => {
    feed.off("connection", greet);
    stop();
  };
}
