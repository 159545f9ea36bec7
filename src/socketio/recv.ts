/**
 * The pull style of session: a class that defines `main(g)` gets it run as a session greenlet,
 * and the events no `on…` handler answers wait in the session's mailbox until that code takes
 * them with `recv()`: sequential code in place of callbacks, as gevent-socketio's `recv()` loops.
 *
 * - An event reaches the mailbox only after the checks every event passes (name, ACL, rate limit,
 *   schema): main sees what a catch-all handler would have been called with.
 * - The mailbox is FIFO and counts against `maxQueued` with the session's other waiting events,
 *   so its bound is the one the session already has: an event that would make more wait is
 *   refused with `BacklogFullError`, the client hears of it, and nothing is dropped silently.
 * - `main` starts once `initialize()` has resolved, and its end ends the session: a session with
 *   nobody left to receive would only fill its mailbox. A failure of main is reported once, to
 *   the client (masked, `event: "main"`, like a failed `initialize()`) and, unless it is meant for
 *   the client, to `onError` (kind `"greenlet"`).
 * - When the session ends, main is killed by the reaping like any session greenlet; the mailbox
 *   is shut with the same `GreenletExit`, so every `recv()` then rejects with it, signal or not.
 *   Events still in the mailbox are dropped: their client has gone.
 * @module
 */
import { checkSignal } from "../core/cancel.js";
import { addWatcher, type Waitable, type Watcher } from "../core/waitable.js";
import { checkOptions, checkTimeout } from "../core/validate.js";
import { GreenletExit, QueueEmptyError, QueueShutDownError, TimeoutError } from "../errors.js";
import type { Greenlet, Signal } from "../greenlet.js";
import { Queue } from "../queue/queue.js";
import { ackWith, refuse, sendReport, type Ack } from "./events.js";
import { callErrorHandler, clientView, isClientFacing } from "./report.js";
import type { Session } from "./session.js";
import type { DefaultEventsMap, EventsMap, Received } from "./types.js";

/** Options of {@link BaseNamespace.recv}. */
export interface RecvOptions {
  /** Milliseconds to wait for an event; then `recv()` rejects with `TimeoutError`. */
  timeout?: number;
  /** Aborts the wait with `signal.reason`. Inside `main(g)`, pass the greenlet. */
  signal?: Signal;
}

const CALL = "BaseNamespace.recv()";

/** The ack of one received event: sends once, while the session is open. */
function replier(session: Session, ack: Ack, event: string): (...values: unknown[]) => boolean {
  let answered = false;
  return (...values) => {
    if (answered || !session.open) return false;
    answered = true;
    ackWith(session, ack, values, event);
    return true;
  };
}

/** The events of one pull-style session that `recv()` has not taken yet. */
export class Mailbox {
  private readonly queue = new Queue<Received<EventsMap>>();
  private exit: GreenletExit | null = null;

  constructor(private readonly session: Session) {}

  /** Events waiting to be received. */
  get size(): number {
    return this.queue.qsize();
  }

  /** An event that passed its checks: kept for `recv()`, or refused when the session holds `maxQueued` already. */
  deliver(event: string, args: unknown[], ack: Ack | undefined): void {
    const session = this.session;
    if (session.waiting() >= session.options.maxQueued) return refuse(session, "backlog", event, ack);
    const item = [event, ...args] as unknown as Received<EventsMap>;
    // Not enumerable: the array logs, spreads and serialises as the event and its arguments alone.
    if (ack !== undefined) Object.defineProperty(item, "ack", { value: replier(session, ack, event) });
    this.queue.putNowait(item);
  }

  /** `recv()`: the next event, in arrival order. */
  recv<C extends EventsMap = DefaultEventsMap>(options: RecvOptions | undefined): Promise<Received<C>> {
    checkOptions(CALL, options);
    const timeout = checkTimeout(CALL, options?.timeout);
    const signal = checkSignal(CALL, options?.signal);
    return this.queue.get({ timeout, signal }).catch((error: unknown) => {
      if (error instanceof QueueShutDownError) throw this.exit;
      if (error instanceof QueueEmptyError) throw new TimeoutError(`${CALL}: no event within ${timeout} ms`, timeout);
      throw error;
    }) as Promise<Received<C>>;
  }

  /** The session ended with `exit`: every waiting and later `recv()` rejects with it. */
  close(exit: GreenletExit): void {
    this.exit = exit;
    this.queue.shutdown(true);
  }
}

function runMain(g: Greenlet<unknown>, session: Session, main: (g: unknown) => unknown): unknown {
  return main.call(session.instance, g);
}

/** Ends the session once its main greenlet ended on its own. */
class MainWatcher implements Watcher {
  constructor(private readonly session: Session) {}

  notify(source: Waitable): void {
    const session = this.session;
    // Killed by the reaping: the session is ending already, and a failure in main's cleanup is
    // left to the owner, which reports it like any session greenlet's.
    if (!session.open) return;
    const g = source as Greenlet<unknown>;
    if (!g.successful()) {
      // Asking for the failure takes it over from the owner: reported here, once.
      const error = g.exception;
      try {
        if (!isClientFacing(error)) {
          callErrorHandler(session.options.onError, error, { kind: "greenlet", namespace: session.namespace, sessionId: session.socket.id, greenlet: g });
        }
      } catch {
        // isClientFacing on a hostile value: it is not one of ours, and onError was called or failed on its own.
      }
      sendReport(session, clientView(error, session.options.exposeErrors), "main", undefined);
    }
    session.disconnect(false);
  }
}

/** Starts `main(g)` as a greenlet of `session`; its end ends the session. */
export function startMain(session: Session, main: (g: unknown) => unknown): Greenlet<unknown> {
  const g = session.owner.spawn(runMain, [session, main]) as Greenlet<unknown>;
  g.name = `${session.info.cls.name}.main`;
  // After the owner's watcher (added by spawn): the live count is down before the session ends.
  g[addWatcher](new MainWatcher(session));
  return g;
}
