// Shared by the process tests: fixtures, and whether a pid is still a process.
import { join, resolve } from "node:path";

export const fixtures = resolve(import.meta.dirname, "..", "fixtures", "process");

/** The node command line that runs fixture `name`. */
export function fixture(name: string, ...args: string[]): [string, string[]] {
  return [process.execPath, [join(fixtures, name), ...args]];
}

/** Whether `pid` names a process (a zombie counts: it is not reaped yet). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return false;
    throw error;
  }
}

/** Waits until `condition()` holds, checking every 10 ms; fails after `limitMs`. */
export async function until(condition: () => boolean, what: string, limitMs = 10_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Everything an async iterable yields, in order (Node 20 has no Array.fromAsync). */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}
