/**
 * What waits for a pool slot. Every producer that a full pool makes wait — `Pool.spawn`,
 * a blocking `Pool.add`, `Pool.waitAvailable` and the feeder of a `map`/`imap` — is one claim in
 * the pool's single FIFO, so that a slot freed by a dying member goes to whoever asked first,
 * whatever they asked through.
 * @module
 */
import { Waiter, type ExpireHandler } from "../core/waiter.js";

/**
 * A parked request for a slot. The pool unlinks it from its list and calls `grant()` while a
 * slot is free; the claim then either takes the slot (admits a member synchronously, so nothing
 * can steal the slot in between) or leaves it for the next claim.
 *
 * It is a kernel `Waiter`, so a claim with a timeout or a signal removes itself from the list
 * when either fires, and an aborted or timed-out claim never takes a slot.
 */
export abstract class SlotClaim<T> extends Waiter<T> {
  constructor(onExpire: ExpireHandler<T> = neverExpires) {
    super(onExpire);
  }

  /** Called with a free slot, after the claim was unlinked from the pool's list. */
  abstract grant(): void;
}

function neverExpires(): void {
  // Claims without a timeout never arm a timer.
}
