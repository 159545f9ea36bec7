/**
 * The machinery of `map`, `imap` and `imapUnordered`: a run pulls items from a source, spawns one
 * worker greenlet per item as a member of its group (through the pool's slot queue when the group
 * is a pool), and turns the workers' outcomes into a promise or an async iteration.
 *
 * Design notes (see docs/design/pool.md for the full page):
 *
 * - A sync source is pulled *slot first*: an item is taken only once a slot is free, so a
 *   generator is never read further than the pool can run. The feeder is a reusable claim in the
 *   pool's FIFO and is fed from the slot release itself, synchronously: no promise per item.
 * - An async source is pulled *item first* (as gevent's IMap does): the item is awaited, then a
 *   slot. A greenthread queue is read through `queue.iter({ signal })` with a signal of the run's
 *   own, so stopping the run withdraws its pending `get` and takes no item; a pending `next()` on
 *   any other async source cannot be cancelled, and an item it yields after the stop is dropped.
 * - A worker's watcher is added before the group's, so the run learns of a death before the slot
 *   is released and can stop feeding before the freed slot is offered to its own feeder.
 * - A run observes only what it surfaces. A failure it holds for later (imap waits for earlier
 *   items first) is observed at once, and reported to the hub if the iteration ends without
 *   reaching it. Outcomes that arrive after the run stopped are left alone, so the hub's usual
 *   end-of-turn report covers them.
 * - A worker that ended by a `GreenletExit` (killed by anyone, or thrown by the function) ends
 *   the run with that exit, as its `get()` rejects with it: it has no result, and a
 *   `GreenletExit` in the result array would lie about its type. Not a failure: never reported.
 * - The caller's `signal` and the run's own `timeout` are one registration and one timer per run
 *   (`run-limits.ts`), armed when the run starts and removed when it stops. They end the run
 *   through `_abort`, the door a group kill uses: workers are killed with a `GreenletExit`, not
 *   with the signal's reason, which is the caller's to receive and would make them fail.
 * @module
 */
import { reportError } from "../core/hub.js";
import { failArgument } from "../core/validate.js";
import { Greenlet } from "../greenlet.js";
import { BaseQueue } from "../queue/base.js";
import { RunGuard, type RunLimits } from "./run-limits.js";
import { SlotClaim } from "./slots.js";

/** The reason a run withdraws its pending `get` from a queue source when it stops. */
const STOPPED = new Error("the map stopped pulling from its source");

/** A mapped function: a greenlet function that receives the item after the greenlet. */
export type MapFunction<T, R> = (g: Greenlet<Awaited<R>>, item: T) => R | PromiseLike<R>;

/** What `map` and `imap` accept: a sync or an async iterable (a `Queue` is one). */
export type Source<T> = Iterable<T> | AsyncIterable<T>;

/** What a run needs from the group it runs in. */
export interface Host {
  /** @internal "Group" or "Pool", for messages. */
  readonly _kind: string;
  /** @internal The runs in progress, stopped by `kill()`. */
  readonly _runs: Set<Run>;
  /** @internal Makes a fresh `g` a member that reports its end through `_left` (killed at once while a kill is in progress). */
  _admitWorker(g: Greenlet<any>): void;
  /** @internal */
  _left(g: Greenlet<any>): void;
  /** @internal True when a member can be admitted now without jumping the slot queue. */
  _slotFree(): boolean;
  /** @internal Parks a claim until a slot is free. */
  _queueClaim(claim: SlotClaim<any>): void;
  /** @internal Removes a parked claim. */
  _dropClaim(claim: SlotClaim<any>): void;
  /** @internal The exception of the kill in progress, if any: workers a run kills get the same. */
  _killReason(): unknown;
}

/** Validates the source argument of map/imap. */
export function checkSource(call: string, iterable: unknown): void {
  const value = iterable as { [Symbol.iterator]?: unknown; [Symbol.asyncIterator]?: unknown } | null | undefined;
  if (value == null || (typeof value[Symbol.asyncIterator] !== "function" && typeof value[Symbol.iterator] !== "function")) {
    failArgument("type", call, "iterable", "an iterable or an async iterable", iterable);
  }
}

/** Validates imap's `maxsize` option. */
export function checkMaxsize(call: string, value: unknown): number {
  if (value === undefined || value === Infinity) return Infinity;
  if (typeof value !== "number") failArgument("type", call, "maxsize", "an integer ≥ 1 or Infinity", value);
  if (!Number.isInteger(value) || value < 1) failArgument("range", call, "maxsize", "an integer ≥ 1 or Infinity", value);
  return value;
}

function reportSourceError(error: unknown): void {
  reportError(error, { kind: "pool source" });
}

/**
 * One worker of a run: the greenlet itself, with its index and its links in the run's list of live
 * workers. It tells the run and then the group when it ends (the run first, so that it can stop
 * feeding before the freed slot is offered to its own feeder): one object per item, no watcher.
 */
class Worker extends Greenlet<any> {
  prev: Worker | null = null;
  next: Worker | null = null;

  constructor(
    readonly run: Run,
    readonly index: number,
    fn: MapFunction<any, any>,
    item: unknown,
  ) {
    super(fn, item);
  }

  /** @internal */
  override _finish(ok: boolean, result: unknown): void {
    if (this.dead) return;
    super._finish(ok, result);
    if (!this.dead) return; // its children are dying: called again once they are dead
    this.run._workerDone(this);
    this.run.host._left(this);
  }
}

/** The feeder of a sync source, parked in the pool's FIFO; reused for every item. */
class FeedClaim extends SlotClaim<void> {
  constructor(private readonly run: Run) {
    super();
  }

  grant(): void {
    this.run._pull();
    this.run._feed();
  }
}

/** The feeder of an async source, holding the item it took, parked until a slot is free. */
class AsyncFeedClaim extends SlotClaim<void> {
  constructor(
    private readonly run: Run,
    private readonly value: unknown,
  ) {
    super();
  }

  grant(): void {
    this.run._spawnWorker(this.value);
    this.resolve();
  }
}

/** Pulls a source, spawns a worker per item, and hands the outcomes to a subclass. */
export abstract class Run {
  private iterator: Iterator<unknown> | AsyncIterator<unknown> | null = null;
  private isAsync = false;
  /** Withdraws the pending `get` when the source is a greenthread queue (see the notes above). */
  private stopper: AbortController | null = null;
  /** Index of the next item pulled. */
  protected pulled = 0;
  /** Live workers. */
  protected active = 0;
  private head: Worker | null = null;
  private tail: Worker | null = null;
  /** No more items will be pulled: the source ended, failed or was closed. */
  protected exhausted = false;
  /** The run no longer looks at outcomes. */
  protected stopped = false;
  /** Outcomes of workers with a higher index are ignored (ordered imap, after a failure). */
  protected cutoff = Infinity;
  private pulling = false;
  private claim: FeedClaim | null = null;
  private asyncClaim: AsyncFeedClaim | null = null;
  /** Items spawned and not yet consumed, bounded by `maxsize`. */
  private outstanding = 0;
  protected maxsize = Infinity;
  private paused = false;
  private resume: (() => void) | null = null;
  /** The caller's signal and the own timeout, when the call was given either. */
  private readonly guard: RunGuard | null;

  constructor(
    readonly host: Host,
    private readonly fn: MapFunction<any, any>,
    protected readonly source: Source<unknown>,
    limits: RunLimits | undefined,
  ) {
    this.guard = limits === undefined ? null : new RunGuard(this, limits);
  }

  /** A worker succeeded. */
  protected abstract onValue(index: number, value: unknown): void;
  /**
   * A worker failed (`g` is the greenlet, its failure already observed), was killed (`g` null,
   * `report` false) or the source failed (`g` null, `report` true).
   */
  protected abstract onFailure(index: number, error: unknown, g: Greenlet<any> | null, report: boolean): void;
  /** The source is exhausted and no worker is left. */
  protected abstract onComplete(): void;
  /** The group was killed: end with `reason`. */
  abstract _abort(reason: unknown): void;

  /** Opens the source and starts feeding; an aborted signal stops the run before that. */
  protected open(): void {
    if (this.guard !== null && !this.guard.arm()) return;
    this.host._runs.add(this);
    const source = this.source as { [Symbol.iterator]?: () => Iterator<unknown>; [Symbol.asyncIterator]?: () => AsyncIterator<unknown> };
    try {
      // The order `for await` uses: an async iterator first.
      if (source instanceof BaseQueue) {
        this.isAsync = true;
        this.stopper = new AbortController();
        this.iterator = source.iter({ signal: this.stopper.signal });
      } else if (typeof source[Symbol.asyncIterator] === "function") {
        this.isAsync = true;
        this.iterator = source[Symbol.asyncIterator]!();
      } else {
        this.iterator = source[Symbol.iterator]!();
      }
    } catch (error) {
      this.sourceFailed(error);
      return;
    }
    if (this.isAsync) void this.feedAsync();
    else this._feed();
  }

  /** @internal Spawns workers while slots are free; parks the feeder claim when the pool is full. */
  _feed(): void {
    const host = this.host;
    while (!this.exhausted) {
      if (this.outstanding >= this.maxsize) {
        this.paused = true;
        return;
      }
      if (!host._slotFree()) {
        host._queueClaim((this.claim ??= new FeedClaim(this)));
        return;
      }
      this._pull();
    }
  }

  /** @internal Pulls one item from a sync source and spawns its worker. */
  _pull(): void {
    if (this.exhausted) return;
    let step: IteratorResult<unknown>;
    try {
      step = (this.iterator as Iterator<unknown>).next();
      if (step.done === true) {
        this.sourceDone();
        return;
      }
    } catch (error) {
      this.sourceFailed(error);
      return;
    }
    this._spawnWorker(step.value);
  }

  private async feedAsync(): Promise<void> {
    const iterator = this.iterator as AsyncIterator<unknown>;
    try {
      while (!this.exhausted) {
        if (this.outstanding >= this.maxsize) {
          this.paused = true;
          await new Promise<void>((resolve) => (this.resume = resolve));
          continue;
        }
        this.pulling = true;
        let step: IteratorResult<unknown>;
        try {
          step = await iterator.next();
        } finally {
          this.pulling = false;
        }
        if (this.exhausted) {
          // Stopped while we waited: the item is dropped, and the source closed now that no
          // next() is pending on it.
          this.closeSource();
          return;
        }
        if (step.done === true) {
          this.sourceDone();
          return;
        }
        if (this.host._slotFree()) {
          this._spawnWorker(step.value);
        } else {
          const claim = (this.asyncClaim = new AsyncFeedClaim(this, step.value));
          this.host._queueClaim(claim);
          await claim.promise;
          this.asyncClaim = null;
        }
      }
    } catch (error) {
      if (error === STOPPED) return; // our own withdrawal, after the run stopped
      if (this.exhausted) reportSourceError(error);
      else this.sourceFailed(error);
    }
  }

  /** @internal Spawns the worker of the next item as a member of the group. */
  _spawnWorker(item: unknown): void {
    const worker = new Worker(this, this.pulled++, this.fn, item);
    worker.prev = this.tail;
    if (this.tail === null) this.head = worker;
    else this.tail.next = worker;
    this.tail = worker;
    this.active++;
    this.outstanding++;
    this.host._admitWorker(worker);
    worker.start(); // does nothing if a kill in progress killed it at admission
  }

  /** @internal A worker died. */
  _workerDone(worker: Worker): void {
    if (worker.prev === null) this.head = worker.next;
    else worker.prev.next = worker.next;
    if (worker.next === null) this.tail = worker.prev;
    else worker.next.prev = worker.prev;
    this.active--;
    if (this.stopped || worker.index > this.cutoff) return;
    const g = worker;
    if (g._exited()) {
      this.onFailure(worker.index, g.value, null, false);
    } else if (g.successful()) {
      this.onValue(worker.index, g.value);
    } else {
      this.onFailure(worker.index, g.exception, g, true); // reading `exception` observes it
    }
    if (!this.stopped && this.exhausted && this.active === 0) this.onComplete();
  }

  /** Called by the consumer once it has taken an item: lets a paused feeder go on. */
  protected consumed(): void {
    this.outstanding--;
    if (this.paused && this.outstanding < this.maxsize) this.unpause();
  }

  private unpause(): void {
    this.paused = false;
    if (this.isAsync) {
      const resume = this.resume;
      this.resume = null;
      resume?.();
    } else {
      this._feed();
    }
  }

  private sourceDone(): void {
    this.exhausted = true;
    this.iterator = null;
    if (!this.stopped && this.active === 0) this.onComplete();
  }

  private sourceFailed(error: unknown): void {
    this.exhausted = true;
    this.iterator = null; // a source that threw is not closed again
    if (!this.stopped) this.onFailure(this.pulled, error, null, true);
  }

  /** Pulls no more items: drops the parked claim and closes the source. */
  protected stopFeeding(): void {
    if (this.exhausted) return;
    this.exhausted = true;
    if (this.claim !== null) this.host._dropClaim(this.claim);
    const asyncClaim = this.asyncClaim;
    if (asyncClaim !== null) {
      this.asyncClaim = null;
      this.host._dropClaim(asyncClaim);
      asyncClaim.resolve();
    }
    if (this.paused) this.unpause();
    if (!this.pulling) this.closeSource();
    else this.stopper?.abort(STOPPED);
  }

  private closeSource(): void {
    const iterator = this.iterator;
    if (iterator === null) return;
    this.iterator = null;
    if (typeof iterator.return !== "function") return;
    try {
      const closed = iterator.return();
      if (this.isAsync) Promise.resolve(closed).then(undefined, reportSourceError);
    } catch (error) {
      reportSourceError(error);
    }
  }

  /** Kills the live workers whose index is above `index`. */
  protected killWorkersAfter(index: number): void {
    const victims: Greenlet<any>[] = [];
    for (let w = this.head; w !== null; w = w.next) if (w.index > index) victims.push(w);
    if (victims.length === 0) return;
    const reason = this.host._killReason();
    for (const g of victims) g._kill(reason);
  }

  /** Stops everything: outcomes are ignored from now on, feeding stops, live workers are killed. */
  protected halt(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.guard?.disarm();
    this.host._runs.delete(this);
    this.stopFeeding();
    this.killWorkersAfter(-1);
  }
}

/** `map`: the values in input order, or the first failure in completion order. */
export class MapRun<R> extends Run {
  // Sized up front for an array source: filled by index, often out of order, it would otherwise
  // grow (and copy) as it goes.
  private readonly results: R[] = Array.isArray(this.source) ? new Array<R>(this.source.length) : [];
  private resolveFn!: (values: R[]) => void;
  private rejectFn!: (error: unknown) => void;

  start(): Promise<R[]> {
    const promise = new Promise<R[]>((resolve, reject) => {
      this.resolveFn = resolve;
      this.rejectFn = reject;
    });
    this.open();
    return promise;
  }

  protected onValue(index: number, value: unknown): void {
    this.results[index] = value as R;
  }

  protected onFailure(_index: number, error: unknown): void {
    this.halt();
    this.rejectFn(error);
  }

  protected onComplete(): void {
    this.halt();
    this.resolveFn(this.results);
  }

  _abort(reason: unknown): void {
    if (!this.stopped) this.onFailure(0, reason);
  }
}

interface Outcome {
  ok: boolean;
  value: unknown;
  /** The failed worker (its failure observed by the run), when there is one. */
  g: Greenlet<any> | null;
  /** Whether the hub must hear of this failure if the iteration never surfaces it. */
  report: boolean;
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined }) as IteratorReturnResult<undefined>;

interface Consumer<R> {
  resolve(result: IteratorResult<R, undefined>): void;
  reject(error: unknown): void;
}

/** A slot with nothing in it yet (a value may be `undefined`, so that cannot mark it). */
const EMPTY: unique symbol = Symbol("empty");

/** A failure waiting in the outcome queue; values wait as themselves. */
class Failure {
  constructor(readonly outcome: Outcome) {}
}

/**
 * The outcomes waiting for the consumer, by position: ordered imap places an outcome at its
 * worker's index, unordered imap at its rank of completion, and the consumer reads position after
 * position. A dense array from `offset` on, whose consumed front is cut off in large steps. (It
 * replaced a Map of outcome objects: a hash insert, a delete and an object per item.)
 */
class OutcomeQueue {
  private values: unknown[] = [];
  private offset = 0;

  put(position: number, value: unknown): void {
    const values = this.values;
    const i = position - this.offset;
    while (values.length < i) values.push(EMPTY);
    if (i === values.length) values.push(value);
    else values[i] = value;
  }

  /** What `position` holds, or EMPTY. */
  peek(position: number): unknown {
    const i = position - this.offset;
    return i < this.values.length ? this.values[i] : EMPTY;
  }

  /** Takes the content of `position` out; every position before it was taken already. */
  take(position: number): unknown {
    const values = this.values;
    const i = position - this.offset;
    const value = values[i];
    values[i] = EMPTY;
    if (i + 1 === values.length) {
      values.length = 0;
      this.offset = position + 1;
    } else if (i >= 1024 && i * 2 >= values.length) {
      this.values = values.slice(i + 1);
      this.offset = position + 1;
    }
    return value;
  }

  /** Replaces a held failure at `position` (ordered imap, superseded by an earlier one). */
  drop(position: number): unknown {
    const i = position - this.offset;
    if (i < 0 || i >= this.values.length) return EMPTY;
    const value = this.values[i];
    this.values[i] = EMPTY;
    return value;
  }

  /** Every failure still held, taken out; the queue is empty afterwards. */
  drainFailures(): Outcome[] {
    const failures: Outcome[] = [];
    for (const value of this.values) if (value instanceof Failure) failures.push(value.outcome);
    this.values = [];
    return failures;
  }
}

// What `take()` found; the content is in `taken`.
const NONE = 0;
const TOOK_VALUE = 1;
const TOOK_FAILURE = 2;
const TOOK_END = 3;

/**
 * `imap` and `imapUnordered`: an async iterator over the values, in input or completion order.
 * A failure ends the iteration at its place in that order; workers whose values would come after
 * it are killed at once. Starts on the first `next()`.
 */
export class ImapRun<R> extends Run implements AsyncIterableIterator<R, undefined> {
  private started = false;
  private finished = false;
  private readonly ring = new OutcomeQueue();
  /** The next position the consumer reads. */
  private readAt = 0;
  /** Unordered: the next position an outcome is stored at. */
  private writeAt = 0;
  private terminal: Outcome | null = null;
  private taken: unknown = undefined;
  private readonly consumers: Consumer<R>[] = [];

  constructor(
    host: Host,
    fn: MapFunction<any, any>,
    source: Source<unknown>,
    private readonly ordered: boolean,
    maxsize: number,
    limits: RunLimits | undefined,
  ) {
    super(host, fn, source, limits);
    this.maxsize = maxsize;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<R, undefined>> {
    if (!this.started) {
      this.started = true;
      this.open();
    }
    if (this.consumers.length === 0) {
      const took = this.take();
      if (took !== NONE) return this.settle(took);
    }
    return new Promise((resolve, reject) => this.consumers.push({ resolve, reject }));
  }

  /** Leaving the loop early: the outstanding workers are killed and the source is closed. */
  return(): Promise<IteratorResult<R, undefined>> {
    this.started = true;
    this.finish();
    return Promise.resolve(DONE);
  }

  protected onValue(index: number, value: unknown): void {
    this.ring.put(this.ordered ? index : this.writeAt++, value);
    if (this.consumers.length > 0) this.flush();
  }

  protected onFailure(index: number, error: unknown, g: Greenlet<any> | null, report: boolean): void {
    const outcome: Outcome = { ok: false, value: error, g, report };
    if (this.ordered) {
      // The earliest failure in input order wins; one it supersedes will never be surfaced.
      if (this.cutoff !== Infinity) {
        const superseded = this.ring.drop(this.cutoff);
        if (superseded instanceof Failure) reportOutcome(superseded.outcome);
      }
      this.ring.put(index, new Failure(outcome));
      this.cutoff = index;
      this.stopFeeding();
      this.killWorkersAfter(index);
    } else {
      this.ring.put(this.writeAt++, new Failure(outcome));
      this.halt();
    }
    this.flush();
  }

  protected onComplete(): void {
    this.flush();
  }

  _abort(reason: unknown): void {
    if (this.finished || this.terminal !== null) return;
    this.terminal = { ok: false, value: reason, g: null, report: false };
    this.halt();
    this.flush();
  }

  /** What the consumer may have next (its content in `taken`), or NONE if nothing yet. */
  private take(): number {
    if (this.finished) return TOOK_END;
    if (this.terminal !== null) {
      this.taken = this.terminal.value;
      return TOOK_FAILURE;
    }
    if (this.ring.peek(this.readAt) !== EMPTY) {
      const content = this.ring.take(this.readAt++);
      if (content instanceof Failure) {
        this.taken = content.outcome.value;
        return TOOK_FAILURE;
      }
      this.taken = content;
      return TOOK_VALUE;
    }
    if (this.ordered) return this.exhausted && this.active === 0 && this.readAt >= this.pulled ? TOOK_END : NONE;
    // Once stopped nothing more is stored: a failure or the group's kill went in last.
    return this.stopped || (this.exhausted && this.active === 0) ? TOOK_END : NONE;
  }

  private settle(took: number): Promise<IteratorResult<R, undefined>> {
    const content = this.taken;
    this.taken = undefined;
    if (took === TOOK_END) {
      this.finish();
      return Promise.resolve(DONE);
    }
    if (took === TOOK_FAILURE) {
      this.finish();
      return Promise.reject(content);
    }
    this.consumed();
    return Promise.resolve({ done: false, value: content as R });
  }

  private flush(): void {
    while (this.consumers.length > 0) {
      const took = this.take();
      if (took === NONE) return;
      const content = this.taken;
      this.taken = undefined;
      const consumer = this.consumers.shift()!;
      if (took === TOOK_END) {
        this.finish();
        consumer.resolve(DONE);
      } else if (took === TOOK_FAILURE) {
        this.finish();
        consumer.reject(content);
      } else {
        this.consumed();
        consumer.resolve({ done: false, value: content as R });
      }
    }
  }

  /** The iteration is over: stop the run and report the failures it held and never surfaced. */
  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.halt();
    for (const outcome of this.ring.drainFailures()) reportOutcome(outcome);
    const waiting = this.consumers.splice(0);
    for (const consumer of waiting) consumer.resolve(DONE);
  }
}

function reportOutcome(outcome: Outcome): void {
  if (outcome.ok || !outcome.report) return;
  if (outcome.g !== null) reportError(outcome.value, { kind: "greenlet", greenlet: outcome.g });
  else reportSourceError(outcome.value);
}
