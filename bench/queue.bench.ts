// Producer/consumer throughput: 1,000,000 items per batch through a queue bounded at 1024, one
// producer putting and one consumer getting, each checking its own result (the consumer sums the
// items; the sum is checked after every batch). The floor is the thinnest bounded queue there is:
// an array of items plus arrays of resolvers, `shift()` at the head, no validation, no
// cancellation, no task accounting. Targets, on the median of alternating rounds: greenthread's
// Queue keeps at least 0.8× of the floor's throughput on both paths an item can take (stored, or
// handed straight to a parked getter), with plain waits and with every wait given the greenlet as
// its signal (what code inside a greenlet should do); and the same with `{ signal: g }` through a
// Queue(1). Reported without a target: the ratio to a queue whose `get` returns a stored item
// synchronously, the limit for any queue whose `get` returns a promise.
import { throughFloor, throughQueue, throughSyncQueue } from "./workloads/queue.js";
import { alternate, finish, ratioTarget } from "./lib.js";

const N = 1_000_000;
const MAXSIZE = 1024;
const FLOOR = "array + resolvers (floor)";
const SYNC = "stored items taken synchronously (limit)";
const PLAIN = "greenthread Queue";
const KILLABLE = "greenthread Queue, { signal: g }";

const title = `${N.toLocaleString("en-US")} items through a queue of ${MAXSIZE}`;
const stored = await alternate(`${title}, producer first: every item stored, then taken`, N, {
  [FLOOR]: () => throughFloor(N, MAXSIZE, false),
  [PLAIN]: () => throughQueue(N, MAXSIZE, false, false),
  [KILLABLE]: () => throughQueue(N, MAXSIZE, false, true),
  [SYNC]: () => throughSyncQueue(N, MAXSIZE, false),
}, { rounds: 5 });
ratioTarget(stored, PLAIN, FLOOR, 0.8);
ratioTarget(stored, KILLABLE, FLOOR, 0.8);
ratioTarget(stored, KILLABLE, SYNC);

const handedOff = await alternate(`${title}, consumer first: every get parks, every put hands off`, N, {
  [FLOOR]: () => throughFloor(N, MAXSIZE, true),
  [PLAIN]: () => throughQueue(N, MAXSIZE, true, false),
  [KILLABLE]: () => throughQueue(N, MAXSIZE, true, true),
}, { rounds: 5 });
ratioTarget(handedOff, PLAIN, FLOOR, 0.8);
ratioTarget(handedOff, KILLABLE, FLOOR, 0.8);

const one = await alternate(`${N.toLocaleString("en-US")} items through a Queue(1): every put waits for the get`, N, {
  [FLOOR]: () => throughFloor(N, 1, false),
  [KILLABLE]: () => throughQueue(N, 1, false, true),
}, { rounds: 5 });
ratioTarget(one, KILLABLE, FLOOR, 0.8);
finish();
