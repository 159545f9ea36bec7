// The dashboard's socket.io namespaces. Each class is one kind of session; every greenlet a session
// spawns through `this.spawn` is owned by it and reaped when the tab closes.
import { TimeoutError, sleep, type Greenlet } from "greenthread";
import { formatRunInfo, runInfo } from "greenthread/observe";
import { BaseNamespace, ClientError, type ClusterStats, type MountedApp, type SocketStats } from "greenthread/socketio";
import { z } from "zod";
import { cpuPercent, readCpuTimes } from "./cpu.js";
import type { BlockRow } from "./blocking.js";
import type { Subscription, Topic } from "./pubsub.js";

/** A point of the shared feed. */
export interface FeedPoint {
  seq: number;
  t: number;
  value: number;
}

/** What the namespaces share: the app (for stats), the feed topic and the session registry. */
export interface DashboardContext {
  app: MountedApp | undefined;
  topic: Topic<FeedPoint>;
  /** Every open session, for the runtime panel. */
  sessions: Set<BaseNamespace>;
  /** Every node's stats, refreshed every second when the dashboard runs on Redis (several nodes). */
  cluster?: ClusterStats<SocketStats>;
  /** The blocking monitor's last reports, newest first (blocking.ts). */
  blocks?: BlockRow[];
}

/** One row of the runtime panel. */
export interface SessionRow {
  namespace: string;
  id: string;
  /** The browser tab the session belongs to (each page names itself in its handshake). */
  tab: string;
  greenlets: number;
}

class ChatRoomError extends ClientError {}

/** A nickname another tab's chat session already goes by, on this node or another. */
class NicknameTakenError extends ClientError {}

/** The tab a session belongs to, as its page named itself in the handshake; undefined if it did not. */
function tabOf(handshake: { auth: unknown }): string | undefined {
  const tab = (handshake.auth as { tab?: unknown } | undefined)?.tab;
  return typeof tab === "string" ? tab : undefined;
}

export function createNamespaces(context: DashboardContext) {
  /** Registers every session for the runtime panel. */
  abstract class Tracked extends BaseNamespace {
    override initialize(): void {
      context.sessions.add(this);
    }

    override disconnected(): void {
      context.sessions.delete(this);
    }
  }

  /** A live CPU graph: one sampler greenlet per session, started by the client's "start". */
  class CpuNamespace extends Tracked {
    static override schemas = { start: z.tuple([z.number().int().min(100).max(10_000)]) };
    private sampler: Greenlet<void> | undefined;

    onStart(intervalMs: number): string {
      if (this.sampler !== undefined && !this.sampler.dead) return "already running";
      this.sampler = this.spawn(async (g) => {
        let before = readCpuTimes();
        for (;;) {
          await sleep(intervalMs, { signal: g });
          const after = readCpuTimes();
          this.emit("point", { t: Date.now(), cpu: Math.round(cpuPercent(before, after) * 10) / 10 });
          before = after;
        }
      });
      this.sampler.name = `cpu-sampler ${this.socket.id}`;
      return "started";
    }

    onStop(): string {
      void this.sampler?.kill({ block: false });
      return "stopped";
    }
  }

  /**
   * The shared feed: every session subscribes to one topic and forwards its points, waiting for
   * the page's ack before sending the next. A slow page fills only its own bounded queue; its
   * oldest points are dropped and counted.
   */
  class FeedNamespace extends Tracked {
    private subscription: Subscription<FeedPoint> | undefined;

    override initialize(): void {
      super.initialize();
      const subscription = (this.subscription = context.topic.subscribe(20));
      const forwarder = this.spawn(async (g) => {
        for (;;) {
          const point = await subscription.next(g);
          try {
            await this.call("feed", [point, subscription.dropped], { timeout: 10_000, signal: g });
          } catch (error) {
            // A lost ack only skips a point; anything else (the tab closed: the reaper's kill) ends us.
            if (!(error instanceof TimeoutError)) throw error;
          }
        }
      });
      forwarder.name = `feed-forwarder ${this.socket.id}`;
    }

    override disconnected(): void {
      super.disconnected();
      this.subscription?.close();
    }
  }

  /** Chat rooms: a nickname, one room at a time, messages to the room, who is online. */
  class ChatNamespace extends Tracked {
    static override schemas = {
      nickname: z.tuple([z.string().trim().min(1).max(24)]),
      join: z.tuple([z.string().trim().min(1).max(32)]),
      message: z.tuple([z.string().min(1).max(500)]),
    };
    private room: string | undefined;

    async onNickname(nick: string): Promise<{ nick: string }> {
      const holders = await this.socket.nsp.fetchSockets();
      // For this node's sessions fetchSockets() hands over their live `data`, and nothing awaits
      // between this check and the assignment below: two tabs on one node cannot both win. Two
      // nodes asking at the same moment can (the demo accepts that; a shared store would not).
      const wanted = nick.toLowerCase();
      const tab = tabOf(this.socket.handshake);
      const taken = holders.some((s) => {
        const held = (s.data as { nick?: unknown }).nick;
        if (s.id === this.socket.id || typeof held !== "string" || held.toLowerCase() !== wanted) return false;
        // The same tab's earlier session (a reconnect the server has not noticed yet) does not count.
        return tab === undefined || tabOf(s.handshake) !== tab;
      });
      if (taken) throw new NicknameTakenError(`the nickname ${nick} is taken; choose another`);
      this.data.nick = nick;
      return { nick };
    }

    async onJoin(room: string): Promise<{ room: string; online: string[] }> {
      const nick = this.nick();
      if (this.room === room) return { room, online: await this.online(room) };
      if (this.room !== undefined) await this.leaveRoom(this.room, nick);
      this.room = room;
      await this.join(room);
      this.emitToRoom(room, "announcement", { text: `${nick} joined ${room}`, t: Date.now() });
      const online = await this.online(room);
      this.emitToRoom(room, "online", online);
      return { room, online };
    }

    onMessage(text: string): { t: number } {
      const nick = this.nick();
      if (this.room === undefined) throw new ChatRoomError("join a room first");
      const t = Date.now();
      this.emitToRoom(this.room, "message", { nick, text, t });
      return { t };
    }

    override async disconnected(): Promise<void> {
      super.disconnected();
      const room = this.room;
      if (room === undefined) return;
      // Room sends still work once the session has ended: the others in the room hear it.
      this.emitToRoom(room, "announcement", { text: `${String(this.data.nick)} left ${room}`, t: Date.now() });
      this.emitToRoom(room, "online", await this.online(room));
    }

    private nick(): string {
      const nick = this.data.nick as string | undefined;
      if (nick === undefined) throw new ChatRoomError("choose a nickname first");
      return nick;
    }

    private async leaveRoom(room: string, nick: string): Promise<void> {
      await this.leave(room);
      this.emitToRoom(room, "announcement", { text: `${nick} left ${room}`, t: Date.now() });
      this.emitToRoom(room, "online", await this.online(room));
    }

    /** Nicknames in `room`, across every node (through the adapter). */
    private async online(room: string): Promise<string[]> {
      const sockets = await this.socket.nsp.in(room).fetchSockets();
      return sockets.map((s) => String((s.data as { nick?: string }).nick ?? "?")).sort();
    }
  }

  /** The runtime panel: app.stats() and the open sessions with their greenlets, every second. */
  class RuntimeNamespace extends Tracked {
    override initialize(): void {
      super.initialize();
      const tab = tabOf(this.socket.handshake);
      const pusher = this.spawn(async (g) => {
        for (;;) {
          this.emit("runtime", { ...snapshot(context), runInfo: ownGreenlets(context, tab) });
          await sleep(1000, { signal: g });
        }
      });
      pusher.name = `runtime-pusher ${this.socket.id}`;
    }
  }

  return { CpuNamespace, FeedNamespace, ChatNamespace, RuntimeNamespace };
}

/**
 * The run-info tree of one tab's own sessions: each session (`namespace#sid`) with its greenlets
 * and what each is parked on (the server turns run-info on at start).
 */
export function ownGreenlets(context: DashboardContext, tab: string | undefined): string {
  const owners = new Set<string>();
  for (const session of context.sessions) {
    if (tabOf(session.socket.handshake) === tab) owners.add(`${session.socket.nsp.name}#${session.socket.id}`);
  }
  const info = runInfo();
  return formatRunInfo({ at: info.at, greenlets: info.greenlets.filter((g) => g.owner !== undefined && owners.has(g.owner)) });
}

/** What the runtime panel shows. */
export function snapshot(context: DashboardContext) {
  const rows: SessionRow[] = [];
  for (const session of context.sessions) {
    rows.push({ namespace: session.name, id: session.socket.id, tab: tabOf(session.socket.handshake) ?? "?", greenlets: session.greenlets.size });
  }
  const appGreenlets = context.app === undefined ? [] : [...context.app.greenlets].map((g) => g.name);
  return {
    stats: context.app?.stats(),
    /** Browser tabs with a session open here; each tab opens one session per namespace. */
    tabs: new Set(rows.map((row) => row.tab)).size,
    sessions: rows,
    appGreenlets,
    feed: { published: context.topic.published, subscribers: context.topic.size },
    /** The node this tab's sessions live on, and every node's stats (null on a single node). */
    node: context.app?.nodeId,
    cluster: context.cluster ?? null,
    /** The blocking monitor's last reports. */
    blocks: context.blocks ?? [],
  };
}
