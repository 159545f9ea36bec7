// The last mile from Redis to a browser tab: every session of this namespace owns a Redis
// subscriber connection of its own, opened by a greenlet that initialize() spawns and closed by
// that greenlet's `finally` when the session ends. The tab names its first channel in the
// handshake (`auth: { channel }`) and adds more with the "subscribe" event.
import { abortable } from "abort-controller-x";
import type { RedisClientType } from "redis";
import { Event } from "greenthread";
import { BaseNamespace, ClientError } from "greenthread/socketio";

/** Channels a tab may subscribe to: `news:` and a topic of letters, digits and dashes. */
const CHANNEL = /^news:[a-z0-9-]{1,32}$/;

/** The namespace class, subscribing through duplicates of `redis` (a node-redis 4 client). */
export function createNewsNamespace(redis: RedisClientType<any, any, any>) {
  return class NewsNamespace extends BaseNamespace {
    /** This session's own connection: a subscribed node-redis client can run nothing else. */
    private subscriber: RedisClientType<any, any, any> | undefined;
    /** Set once the subscriber is connected and on its first channel. */
    private readonly ready = new Event();
    private readonly relay = (message: string, channel: string) => this.emit("news", channel, message);

    override initialize(): void {
      const channel = (this.socket.handshake.auth as { channel?: unknown }).channel ?? "news:general";
      if (typeof channel !== "string" || !CHANNEL.test(channel)) throw new ClientError(`no such channel: ${String(channel)}`);
      const listener = this.spawn(async (g) => {
        const client = (this.subscriber = redis.duplicate());
        // A dropped connection reconnects and resubscribes by itself; the session decides when it ends.
        client.on("error", () => {});
        try {
          await abortable(g.signal, client.connect()); // a kill lands here too, not only once connected
          await client.subscribe(channel, this.relay);
          this.ready.set();
          await new Event().wait({ signal: g }); // parked until the session ends and reaps it
        } finally {
          // Closing the connection drops every channel it subscribed to, the ones onSubscribe added too.
          if (client.isOpen) await client.disconnect();
        }
      });
      listener.name = `news-subscriber ${this.socket.id}`;
    }

    async onSubscribe(channel: string): Promise<string> {
      if (typeof channel !== "string" || !CHANNEL.test(channel)) throw new ClientError(`no such channel: ${String(channel)}`);
      if (!(await this.ready.wait({ timeout: 5000 }))) throw new ClientError("the news feed is not connected yet; try again");
      await this.subscriber!.subscribe(channel, this.relay);
      return `subscribed to ${channel}`;
    }
  };
}
