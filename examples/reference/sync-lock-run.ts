// Reference, sync.md: Lock.run() makes a read-modify-write across awaits atomic with respect to
// the other greenlets: each deposit reads the balance only after the previous one wrote it.
import { Lock, joinall, sleep, spawn, type Greenlet } from "greenthread";
import { installVirtualClock } from "greenthread/testing";

installVirtualClock({ autojump: true });

let stored = 0;
async function read(): Promise<number> {
  await sleep(10); // a round trip to the database
  return stored;
}
async function write(value: number): Promise<void> {
  await sleep(10);
  stored = value;
}

const lock = new Lock();

async function deposit(g: Greenlet<number>): Promise<number> {
  const balance = await lock.run(async () => {
    const b = await read();
    await write(b + 1);
    return b + 1;
  }, { signal: g });
  return balance;
}

const deposits = Array.from({ length: 5 }, () => spawn(deposit));
await joinall(deposits);
console.log("balances seen:", deposits.map((g) => g.value).join(" "));
console.log("stored:", stored);
