// Random interleavings of put/get/peek/abort/timeout/shutdown/taskDone/maxsize, checked two ways:
//
// 1. Against a model. Every state change of a queue happens synchronously inside a call, an abort
//    or a timer, so a small sequential model predicts exactly which waits have settled after each
//    command and with what. After every command the test compares each wait's outcome (pending,
//    the value it resolved with, the error it rejected with), the queue's size and its unfinished
//    count with the model's.
// 2. Against the properties themselves, at the end of each run, with the model out of the loop:
//    no item lost, none duplicated, an item whose put failed never delivered, FIFO per producer
//    (Queue and Channel), lowest first (PriorityQueue).
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { BaseQueue, Channel, LifoQueue, PriorityQueue, Queue } from "../../src/queue/index.js";
import { installVirtualClock } from "../../src/testing/index.js";
import { flush } from "./util.js";

type Kind = "fifo" | "lifo" | "priority" | "channel";

interface Item {
  id: number;
  producer: number;
  n: number;
  prio: number;
}

type Command =
  | { t: "put"; producer: number; prio: number; timeout: number | undefined; signal: boolean; block: boolean }
  | { t: "putNowait"; producer: number; prio: number }
  | { t: "get"; timeout: number | undefined; signal: boolean; block: boolean }
  | { t: "getNowait" }
  | { t: "peek"; timeout: number | undefined; signal: boolean }
  | { t: "abort"; pick: number }
  | { t: "advance"; ms: number }
  | { t: "shutdown"; immediate: boolean }
  | { t: "taskDone" }
  | { t: "maxsize"; value: number };

const timeoutArb = fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined });
const blockArb = fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) });
const commandArb: fc.Arbitrary<Command> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ t: fc.constant("put" as const), producer: fc.nat(2), prio: fc.nat(3), timeout: timeoutArb, signal: fc.boolean(), block: blockArb }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("putNowait" as const), producer: fc.nat(2), prio: fc.nat(3) }) },
  { weight: 6, arbitrary: fc.record({ t: fc.constant("get" as const), timeout: timeoutArb, signal: fc.boolean(), block: blockArb }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("getNowait" as const) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("peek" as const), timeout: timeoutArb, signal: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant("abort" as const), pick: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant("advance" as const), ms: fc.integer({ min: 1, max: 40 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("shutdown" as const), immediate: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("taskDone" as const) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("maxsize" as const), value: fc.oneof(fc.integer({ min: 1, max: 4 }), fc.constant(Infinity)) }) },
);
const maxsizeArb = fc.oneof(fc.integer({ min: 1, max: 4 }), fc.constant(Infinity));

/** An outcome, as observed or as predicted: the value, or the error (by name, or by identity for aborts). */
type Outcome = { state: "pending" } | { state: "resolved"; value: unknown } | { state: "rejected"; error: string | object };

interface ModelOp {
  id: number;
  kind: "get" | "put" | "peek";
  item: Item | undefined;
  deadline: number | undefined;
  reason: object | undefined;
}

/** The sequential model of one queue (or channel). */
class Model {
  store: { item: Item; seq: number }[] = [];
  getters: ModelOp[] = [];
  putters: ModelOp[] = [];
  peekers: ModelOp[] = [];
  shut = false;
  unfinished = 0;
  now = 0;
  seq = 0;
  dropped = 0;
  readonly outcomes = new Map<number, Outcome>();

  constructor(
    readonly kind: Kind,
    public max: number,
  ) {}

  private settle(op: ModelOp, outcome: Outcome): void {
    this.outcomes.set(op.id, outcome);
  }

  private push(item: Item): void {
    this.store.push({ item, seq: this.seq++ });
  }

  private nextIndex(): number {
    if (this.kind === "fifo") return 0;
    if (this.kind === "lifo") return this.store.length - 1;
    let best = 0;
    for (let i = 1; i < this.store.length; i++) {
      const a = this.store[i]!;
      const b = this.store[best]!;
      if (a.item.prio < b.item.prio || (a.item.prio === b.item.prio && a.seq < b.seq)) best = i;
    }
    return best;
  }

  private take(): Item {
    const item = this.store.splice(this.nextIndex(), 1)[0]!.item;
    while (this.putters.length > 0 && this.store.length < this.max) {
      const putter = this.putters.shift()!;
      this.push(putter.item!);
      this.unfinished++;
      this.settle(putter, { state: "resolved", value: undefined });
    }
    return item;
  }

  /** put/putNowait: "ok", an error name, or "park". */
  offer(item: Item): "ok" | "full" | "shut" {
    if (this.shut) return "shut";
    if (this.kind === "channel") {
      const getter = this.getters.shift();
      if (getter === undefined) return "full";
      this.settle(getter, { state: "resolved", value: item });
      return "ok";
    }
    const getter = this.getters.shift();
    if (getter !== undefined) {
      this.unfinished++;
      for (const peeker of this.peekers.splice(0)) this.settle(peeker, { state: "resolved", value: item });
      this.settle(getter, { state: "resolved", value: item });
      return "ok";
    }
    if (this.store.length >= this.max) return "full";
    this.push(item);
    this.unfinished++;
    for (const peeker of this.peekers.splice(0)) this.settle(peeker, { state: "resolved", value: item });
    return "ok";
  }

  /** get/getNowait: the item, or an error name. */
  poll(): { item: Item } | "empty" | "shut" {
    if (this.kind === "channel") {
      const putter = this.putters.shift();
      if (putter !== undefined) {
        this.settle(putter, { state: "resolved", value: undefined });
        return { item: putter.item! };
      }
    } else if (this.store.length > 0) {
      return { item: this.take() };
    }
    return this.shut ? "shut" : "empty";
  }

  peekNow(): { item: Item } | "empty" | "shut" {
    if (this.store.length > 0) return { item: this.store[this.nextIndex()]!.item };
    return this.shut ? "shut" : "empty";
  }

  park(op: ModelOp, timeout: number | undefined): void {
    op.deadline = timeout === undefined ? undefined : this.now + timeout;
    this.outcomes.set(op.id, { state: "pending" });
    (op.kind === "get" ? this.getters : op.kind === "put" ? this.putters : this.peekers).push(op);
  }

  abort(op: ModelOp): void {
    for (const list of [this.getters, this.putters, this.peekers]) {
      const i = list.indexOf(op);
      if (i >= 0) {
        list.splice(i, 1);
        this.settle(op, { state: "rejected", error: op.reason! });
      }
    }
  }

  advance(ms: number): void {
    this.now += ms;
    for (const list of [this.getters, this.putters, this.peekers]) {
      for (const op of list.filter((o) => o.deadline !== undefined && o.deadline <= this.now)) {
        list.splice(list.indexOf(op), 1);
        this.settle(op, { state: "rejected", error: op.kind === "put" ? "QueueFullError" : "QueueEmptyError" });
      }
    }
  }

  shutdown(immediate: boolean): void {
    this.shut = true;
    if (immediate && this.kind !== "channel") {
      this.dropped += this.store.length;
      this.unfinished = Math.max(0, this.unfinished - this.store.length);
      this.store = [];
    }
    for (const list of [this.getters, this.peekers, this.putters]) {
      for (const op of list.splice(0)) this.settle(op, { state: "rejected", error: "QueueShutDownError" });
    }
  }

  setMaxsize(value: number): void {
    this.max = value;
    while (this.putters.length > 0 && this.store.length < this.max) {
      const putter = this.putters.shift()!;
      this.push(putter.item!);
      this.unfinished++;
      this.settle(putter, { state: "resolved", value: undefined });
    }
  }
}

function create(kind: Kind, maxsize: number): BaseQueue<Item> | Channel<Item> {
  switch (kind) {
    case "fifo":
      return new Queue<Item>(maxsize);
    case "lifo":
      return new LifoQueue<Item>(maxsize);
    case "priority":
      return new PriorityQueue<Item>(maxsize, (a, b) => a.prio - b.prio);
    case "channel":
      return new Channel<Item>();
  }
}

function syncOutcome(fn: () => unknown): Outcome {
  try {
    return { state: "resolved", value: fn() };
  } catch (error) {
    return { state: "rejected", error: (error as Error).name };
  }
}

function expectedSync(result: { item: Item } | "ok" | "empty" | "full" | "shut"): Outcome {
  if (result === "ok") return { state: "resolved", value: undefined };
  if (result === "empty") return { state: "rejected", error: "QueueEmptyError" };
  if (result === "full") return { state: "rejected", error: "QueueFullError" };
  if (result === "shut") return { state: "rejected", error: "QueueShutDownError" };
  return { state: "resolved", value: result.item };
}

/** Runs one random scenario against the model, then checks the properties on what it observed. */
async function run(kind: Kind, maxsize: number, commands: Command[]): Promise<void> {
  const clock = installVirtualClock();
  try {
    const queue = create(kind, maxsize);
    const model = new Model(kind, kind === "channel" ? 0 : maxsize);
    const real = new Map<number, Outcome>();
    const ops: (ModelOp & { controller: AbortController | undefined })[] = [];
    const accepted = new Set<Item>(); // items whose put resolved
    const refused = new Set<Item>(); // items whose put rejected
    const received: Item[] = []; // in the order gets received them
    const producedCount = [0, 0, 0];
    let nextId = 0;

    const observe = (op: ModelOp, promise: Promise<unknown>): void => {
      real.set(op.id, { state: "pending" });
      promise.then(
        (value) => {
          real.set(op.id, { state: "resolved", value });
          if (op.kind === "get") received.push(value as Item);
          if (op.kind === "put") accepted.add(op.item!);
        },
        (error: unknown) => {
          real.set(op.id, { state: "rejected", error: op.reason !== undefined && error === op.reason ? op.reason : (error as Error).name });
          if (op.kind === "put") refused.add(op.item!);
        },
      );
    };

    const newOp = (opKind: ModelOp["kind"], item: Item | undefined, signal: boolean) => {
      const controller = signal ? new AbortController() : undefined;
      const op = { id: nextId++, kind: opKind, item, deadline: undefined, reason: signal ? new Error(`abort ${nextId}`) : undefined, controller };
      ops.push(op);
      return op;
    };

    const makeItem = (producer: number, prio: number): Item => ({ id: nextId++, producer, n: producedCount[producer]!++, prio });

    for (const command of commands) {
      switch (command.t) {
        case "put": {
          const item = makeItem(command.producer, command.prio);
          const op = newOp("put", item, command.signal);
          observe(op, queue.put(item, { timeout: command.timeout, signal: op.controller?.signal, block: command.block }));
          const result = model.offer(item);
          if (result === "full" && command.block) model.park(op, command.timeout);
          else model.outcomes.set(op.id, expectedSync(result));
          break;
        }
        case "putNowait": {
          const item = makeItem(command.producer, command.prio);
          const outcome = syncOutcome(() => queue.putNowait(item));
          assert.deepEqual(outcome, expectedSync(model.offer(item)), "putNowait");
          (outcome.state === "resolved" ? accepted : refused).add(item);
          break;
        }
        case "get": {
          const op = newOp("get", undefined, command.signal);
          observe(op, queue.get({ timeout: command.timeout, signal: op.controller?.signal, block: command.block }));
          const result = model.poll();
          if (result === "empty" && command.block) model.park(op, command.timeout);
          else model.outcomes.set(op.id, expectedSync(result));
          break;
        }
        case "getNowait": {
          const outcome = syncOutcome(() => queue.getNowait());
          assert.deepEqual(outcome, expectedSync(model.poll()), "getNowait");
          if (outcome.state === "resolved") received.push(outcome.value as Item);
          break;
        }
        case "peek": {
          if (queue instanceof Channel) break;
          const op = newOp("peek", undefined, command.signal);
          observe(op, queue.peek({ timeout: command.timeout, signal: op.controller?.signal }));
          const result = model.peekNow();
          if (result === "empty") model.park(op, command.timeout);
          else model.outcomes.set(op.id, expectedSync(result));
          break;
        }
        case "abort": {
          const live = ops.filter((op) => op.controller !== undefined && !op.controller.signal.aborted);
          if (live.length === 0) break;
          const op = live[command.pick % live.length]!;
          op.controller!.abort(op.reason);
          model.abort(op);
          break;
        }
        case "advance":
          await clock.advance(command.ms);
          model.advance(command.ms);
          break;
        case "shutdown":
          if (queue instanceof Channel) queue.shutdown();
          else queue.shutdown(command.immediate);
          model.shutdown(command.immediate);
          break;
        case "taskDone": {
          if (queue instanceof Channel) break;
          const outcome = syncOutcome(() => queue.taskDone());
          if (model.unfinished > 0) {
            model.unfinished--;
            assert.deepEqual(outcome, { state: "resolved", value: undefined });
          } else {
            assert.deepEqual(outcome, { state: "rejected", error: "RangeError" });
          }
          break;
        }
        case "maxsize":
          if (queue instanceof Channel) break;
          queue.maxsize = command.value;
          model.setMaxsize(command.value);
          break;
      }
      await flush();
      for (const [id, expected] of model.outcomes) {
        assert.deepEqual(real.get(id), expected, `op ${id} after ${JSON.stringify(command)}`);
      }
      if (!(queue instanceof Channel)) {
        assert.equal(queue.qsize(), model.store.length, "qsize");
        assert.equal(queue.unfinishedTasks, model.unfinished, "unfinishedTasks");
      }
    }

    // End of run: shut down, drain what is left, and every wait has settled and left no timer.
    queue.shutdown();
    model.shutdown(false);
    if (!(queue instanceof Channel)) {
      while (!queue.empty()) received.push(queue.getNowait());
    }
    await flush();
    assert.ok([...real.values()].every((o) => o.state !== "pending"), "every wait settled");
    assert.equal(clock.pendingTimers, 0, "no timer left behind");

    // The properties, checked on the observations alone.
    const receivedSet = new Set(received);
    assert.equal(receivedSet.size, received.length, "no item delivered twice");
    for (const item of received) assert.ok(accepted.has(item), `item ${item.id} was delivered without its put succeeding`);
    for (const item of refused) assert.ok(!receivedSet.has(item), `item ${item.id} was delivered though its put failed`);
    assert.equal(accepted.size - received.length, model.dropped, "every accepted item was delivered, or dropped by shutdown(true)");
    if (kind === "fifo" || kind === "channel") {
      const last = [-1, -1, -1];
      for (const item of received) {
        assert.ok(item.n > last[item.producer]!, `producer ${item.producer}: item ${item.n} after ${last[item.producer]}`);
        last[item.producer] = item.n;
      }
    }
  } finally {
    clock.uninstall();
  }
}

for (const kind of ["fifo", "lifo", "priority", "channel"] as const) {
  const name = { fifo: "Queue", lifo: "LifoQueue", priority: "PriorityQueue", channel: "Channel" }[kind];
  test(`${name}: random interleavings of put/get/abort/timeout/shutdown lose no item, duplicate none, and match the model`, async () => {
    await fc.assert(
      fc.asyncProperty(maxsizeArb, fc.array(commandArb, { maxLength: 60, size: "max" }), (maxsize, commands) => run(kind, maxsize, commands)),
      { numRuns: 150 },
    );
  });
}

test("PriorityQueue: every get returns the lowest item present, FIFO among equals, for random puts and gets", () => {
  fc.assert(
    fc.property(fc.array(fc.oneof(fc.nat(5), fc.constant(-1)), { maxLength: 200, size: "max" }), (script) => {
      const queue = new PriorityQueue<[number, number]>(Infinity, (a, b) => a[0] - b[0]);
      const present: [number, number][] = [];
      let seq = 0;
      for (const step of script) {
        if (step >= 0) {
          const item: [number, number] = [step, seq++];
          queue.putNowait(item);
          present.push(item);
        } else if (present.length > 0) {
          const got = queue.getNowait();
          for (const other of present) {
            assert.ok(got[0] < other[0] || (got[0] === other[0] && got[1] <= other[1]), `took [${got}] while [${other}] was present`);
          }
          present.splice(present.indexOf(got), 1);
        }
      }
    }),
    { numRuns: 300 },
  );
});
