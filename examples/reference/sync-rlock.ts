// Reference, sync.md: an RLock is re-entrant for its owner (the greenlet given as signal, or the
// owner option); a release by anyone else throws a LockOwnerError naming both.
import { LockOwnerError, RLock, sleep, spawn, type Greenlet } from "greenthread";

const lock = new RLock();
const balances = new Map([["alice", 100], ["bob", 0]]);

async function withdraw(g: Greenlet, who: string, amount: number): Promise<void> {
  await lock.run(async () => {
    await sleep(0);
    console.log(`${(lock.owner as Greenlet).name} withdraws ${amount}: count ${lock.count}`);
    balances.set(who, balances.get(who)! - amount);
  }, { signal: g });
}

async function transfer(g: Greenlet, from: string, to: string, amount: number): Promise<void> {
  await lock.run(async () => {
    await withdraw(g, from, amount); // takes the lock again: the owner does not wait for itself
    balances.set(to, balances.get(to)! + amount);
  }, { signal: g });
}

const a = spawn(transfer, "alice", "bob", 30);
a.name = "transfer-1";
const b = spawn(transfer, "bob", "alice", 10);
b.name = "transfer-2";
await a.join();
await b.join();
console.log(Object.fromEntries(balances), "locked:", lock.locked());

const holder = spawn((g) => lock.acquire({ signal: g }).then(() => sleep(100, { signal: g })));
holder.name = "holder";
await sleep(0);
try {
  lock.release(b);
} catch (error) {
  console.log(error instanceof LockOwnerError, (error as Error).message);
}
lock.release(holder);
await holder.kill();
