// Reference, observe.md: an instrument of your own. The hooks run at every switch point; this one
// counts how often greenlets park on each kind of wait, and how many ended each way.
import { Event, Queue, instrument, joinall, sleep, spawn } from "greenthread";

const parks = new Map<string, number>();
const ends = { ok: 0, failed: 0 };
const stop = instrument({
  parked: (_g, what) => parks.set(what, (parks.get(what) ?? 0) + 1),
  ended: (g) => {
    if (g.successful()) ends.ok++;
    else ends.failed++;
  },
});

const q = new Queue<number>(1);
const go = new Event();
const producer = spawn(async (g) => {
  await go.wait({ signal: g });
  for (let i = 0; i < 5; i++) await q.put(i, { signal: g });
});
const consumer = spawn(async (g) => {
  for (let i = 0; i < 5; i++) {
    await q.get({ signal: g });
    await sleep(1, { signal: g });
  }
});
const broken = spawn(async () => {
  throw new Error("broken on purpose");
});
const failure = broken.get().catch((error: unknown) => (error as Error).message); // observed
go.set();
await joinall([producer, consumer, broken]);
console.log(`broken: ${await failure}`);
stop();
console.log([...parks].sort().map(([what, n]) => `${what}: ${n}`).join(", "));
console.log(ends);
