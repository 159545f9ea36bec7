/**
 * Fair turns between sessions.
 *
 * socket.io hands a session its events synchronously, as fast as the transport decodes them: one
 * client that writes 50,000 events gets them all dispatched in a few event-loop turns, while
 * another client's single event waits behind them in its socket's buffer. So each session may
 * start at most `eventsPerTurn` events per event-loop turn inline; the events beyond that wait in
 * the session's backlog (bounded by `maxQueued`), and the backlogs are drained round-robin, at most
 * `eventsPerTurn` events per session per drain, one drain per macrotask turn. Between two drains
 * the loop polls I/O, so a quiet session's event is read and served (inline: its own budget is
 * untouched) in the middle of another session's flood.
 *
 * The common path costs one comparison: a turn counter that a `yieldTurn` advances once per turn
 * in which events arrived.
 * @module
 */
import { getClock } from "../core/clock.js";

/** A session with a backlog to drain. */
export interface Backlogged {
  /** Starts up to `budget` events of the backlog; true while some are left. */
  drainTurn(): boolean;
}

let turn = 0;
let ticking = false;

function nextTurn(): void {
  turn++;
  ticking = false;
}

/** The number of the current event-loop turn (it advances once per turn in which it was read). */
export function currentTurn(): number {
  if (!ticking) {
    ticking = true;
    getClock().yieldTurn(nextTurn);
  }
  return turn;
}

let ready: Backlogged[] = [];
let draining = false;

function drain(): void {
  draining = false;
  const batch = ready;
  ready = [];
  for (const session of batch) if (session.drainTurn()) ready.push(session);
  if (ready.length > 0) scheduleDrain();
}

function scheduleDrain(): void {
  if (draining) return;
  draining = true;
  getClock().yieldTurn(drain);
}

/** Puts `session` in the round-robin of backlogs; call once when its backlog starts. */
export function drainLater(session: Backlogged): void {
  ready.push(session);
  scheduleDrain();
}
