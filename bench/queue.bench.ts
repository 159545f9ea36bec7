// Producer/consumer throughput: 1,000,000 items per batch through a queue bounded at 1024, one
// producer putting and one consumer getting, each checking its own result (the consumer sums the
// items; the sum is checked after every batch). The floor is the thinnest bounded queue there is:
// an array of items plus arrays of resolvers, `shift()` at the head, no validation, no
// cancellation, no task accounting. Target: greenthread's Queue keeps at least 0.8× of the floor's
// throughput with plain waits, on both paths an item can take (stored, or handed straight to a
// parked getter); the variant where every wait is given the greenlet as its signal (what code
// inside a greenlet should do) is reported too.
import { throughFloor, throughQueue } from "./workloads/queue.js";
import { finish, measure, target } from "./lib.js";

const N = 1_000_000;
const MAXSIZE = 1024;

// The variants with `{ signal: g }` run last, in their own suite: run between the two targets,
// they make the queue's call sites polymorphic (options or none, a CancelScope or none) while the
// floor's stay monomorphic, and the second target would measure that rather than the queue.
const title = `${N.toLocaleString("en-US")} items through a queue of ${MAXSIZE}`;
const stored = await measure(`${title}, producer first: every item stored, then taken`, N, {
  "array + resolvers (floor)": () => throughFloor(N, MAXSIZE, false),
  "greenthread Queue": () => throughQueue(N, MAXSIZE, false, false),
});
target(stored, "greenthread Queue", "array + resolvers (floor)", 0.8);

const handedOff = await measure(`${title}, consumer first: every get parks, every put hands off`, N, {
  "array + resolvers (floor)": () => throughFloor(N, MAXSIZE, true),
  "greenthread Queue": () => throughQueue(N, MAXSIZE, true, false),
});
target(handedOff, "greenthread Queue", "array + resolvers (floor)", 0.8);

await measure(`${title}, every wait given { signal: g } (no target: the floor has no cancellation)`, N, {
  "greenthread Queue, producer first": () => throughQueue(N, MAXSIZE, false, true),
  "greenthread Queue, consumer first": () => throughQueue(N, MAXSIZE, true, true),
});
finish();
