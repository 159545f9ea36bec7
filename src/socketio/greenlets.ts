/**
 * The greenlets a session owns, and how they are reaped when it ends.
 *
 * An owner counts its live greenlets through a synchronous death notification (the waitable
 * protocol's watcher: the owner itself is the watcher, so a spawn costs no closure). Reaping kills
 * every live greenlet with one `GreenletExit(reason)` and waits until each has died (its `finally`
 * blocks have run) or `graceMs` has passed; whatever is still running then is a straggler:
 * reported once, dropped from the count, left alone.
 *
 * Failures: a session greenlet's failure that nobody else observes goes to the app's `onError`,
 * not to the hub. A {@link SessionGreenlet} tells the owner apart from other observers by noting the
 * public ways of asking for a failure (`get`, `link`, `linkException`, `exception`, an owner's
 * `_observe`); the hub's end-of-turn check then calls back into it, and it reports to the session.
 * @module
 */
import createDebug from "debug";
import { getClock, type TimerHandle } from "../core/clock.js";
import { checkAtEndOfTurn } from "../core/hub.js";
import { addWatcher, type Waitable, type Watcher } from "../core/waitable.js";
import { GreenletExit } from "../errors.js";
import { Greenlet, type GetOptions, type LinkCallback, type LinkTarget } from "../greenlet.js";
import { joinall } from "../joinall.js";
import { describeOwner, emitOwned, observing, ownerLabel } from "../core/instrument.js";

const debug = createDebug("greenthread:socketio");

/** The running totals an app keeps across its sessions (what `stats()` reports). */
export interface Counters {
  sessions: number;
  greenlets: number;
  reaped: number;
  stragglers: number;
}

/** Where an owner sends what the operator must see. */
export interface OwnerEvents {
  /** A greenlet failed and nobody else asked for the failure by the end of that turn. */
  failed(g: Greenlet<unknown>, error: unknown): void;
  /** A greenlet outlived the grace period. */
  straggled(g: Greenlet<unknown>, graceMs: number, reason: string): void;
}

/**
 * A greenlet owned by a session. Behaves exactly as a Greenlet; it only notes whether someone
 * other than its owner asked for its failure.
 */
class SessionGreenlet<T> extends Greenlet<T> {
  /** Someone other than the owner observed (or will observe) the outcome. */
  seen = false;
  owner: GreenletOwner | null = null;

  override get exception(): unknown {
    this.seen = true;
    return super.exception;
  }

  override get(options?: GetOptions): Promise<T> {
    this.seen = true;
    return super.get(options);
  }

  override link(callback: LinkCallback<T> | LinkTarget): void {
    this.seen = true;
    super.link(callback);
  }

  override linkException(callback: LinkCallback<T> | LinkTarget): void {
    this.seen = true;
    super.linkException(callback);
  }

  override _observe(): void {
    this.seen = true;
    super._observe();
  }

  /** The failure, read without counting as someone else's observation. */
  failure(): unknown {
    return super.exception;
  }

  /** Called by the hub at the end of the turn in which the greenlet failed. */
  override reportIfUnobserved(): void {
    if (this.seen) return;
    this.seen = true;
    this.owner?.reportFailure(this);
  }
}

function graceExpired(owner: GreenletOwner): void {
  owner.expire();
}

/** The live greenlets of one owner: a session, or the app itself (`app.spawn`). */
export class GreenletOwner implements Watcher {
  readonly live = new Set<Greenlet<any>>();
  private reaping: { resolve: () => void; reason: string; graceMs: number; timer: TimerHandle | undefined } | null = null;

  constructor(
    private readonly counters: Counters,
    private readonly events: OwnerEvents,
  ) {}

  /** Starts `fn(g, ...args)` as a greenlet owned here. */
  spawn(fn: (g: Greenlet<any>, ...args: any[]) => unknown, args: unknown[]): Greenlet<any> {
    const g = this.create(fn, args);
    this.live.add(g);
    this.counters.greenlets++;
    g[addWatcher](this);
    if (observing) emitOwned(g, this);
    return g.start();
  }

  /** @internal Named after the session (`/chat#sid`) or the app, as its events object names itself. */
  [describeOwner](): string {
    return ownerLabel(this.events);
  }


  /** A greenlet that is already dead: killed before it started, its function never runs. */
  spawnDead(fn: (g: Greenlet<any>, ...args: any[]) => unknown, args: unknown[], reason: string): Greenlet<any> {
    const g = this.create(fn, args);
    g._kill(new GreenletExit(reason));
    return g;
  }

  private create(fn: (g: Greenlet<any>, ...args: any[]) => unknown, args: unknown[]): SessionGreenlet<any> {
    const g = new SessionGreenlet<any>(fn, ...args);
    g.owner = this;
    // The owner takes over from the hub; failures nobody else observes come back through
    // reportIfUnobserved and go to the session's onError.
    Greenlet.prototype._observe.call(g);
    return g;
  }

  /** Watcher: a greenlet died. Synchronous, before any link callback. */
  notify(source: Waitable): void {
    const g = source as SessionGreenlet<any>;
    if (this.live.delete(g)) {
      this.counters.greenlets--;
      if (this.live.size === 0 && this.reaping !== null) this.finishReaping();
    }
    if (!g.successful() && !g.seen) checkAtEndOfTurn(g);
  }

  /** @internal Called by a SessionGreenlet whose failure nobody else observed. */
  reportFailure(g: SessionGreenlet<any>): void {
    this.events.failed(g, g.failure());
  }

  /**
   * Kills every live greenlet for which `select` (when given) returns true, with the default
   * `GreenletExit` or `exception`, and resolves once they are dead, or silently when `timeout`
   * expires first. `select` runs for every live greenlet before the first kill, so one that throws
   * throws from here with nothing killed.
   */
  killAll(exception: unknown, timeout: number | undefined, select?: (g: Greenlet<unknown>) => boolean): Promise<void> {
    const victims = select === undefined ? [...this.live] : [...this.live].filter(select);
    for (const g of victims) g._kill(exception);
    const alive = victims.filter((g) => !g.dead);
    if (alive.length === 0) return Promise.resolve();
    return joinall(alive, { timeout }).then(() => undefined);
  }

  /**
   * Kills every live greenlet with `exit` (by default a new `GreenletExit(reason)`) and resolves
   * once all have died, or once `graceMs` has passed (the survivors are reported as stragglers and
   * dropped).
   */
  reap(reason: string, graceMs: number, exit: GreenletExit = new GreenletExit(reason)): Promise<void> {
    const victims = [...this.live];
    this.counters.reaped += victims.length;
    if (victims.length > 0) debug("reaping %d greenlets (%s)", victims.length, reason);
    for (const g of victims) g._kill(exit);
    if (this.live.size === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.reaping = { resolve, reason, graceMs, timer: undefined };
      this.reaping.timer = getClock().setTimer(graceExpired, graceMs, this);
    });
  }

  /** @internal The grace period is over: whoever is still alive is a straggler. */
  expire(): void {
    const reaping = this.reaping;
    if (reaping === null) return;
    reaping.timer = undefined;
    for (const g of [...this.live]) {
      this.live.delete(g);
      this.counters.greenlets--;
      this.counters.stragglers++;
      debug("straggler %s (%s)", g.name, reaping.reason);
      this.events.straggled(g, reaping.graceMs, reaping.reason);
    }
    this.finishReaping();
  }

  private finishReaping(): void {
    const reaping = this.reaping!;
    this.reaping = null;
    if (reaping.timer !== undefined) getClock().clearTimer(reaping.timer);
    reaping.resolve();
  }
}
