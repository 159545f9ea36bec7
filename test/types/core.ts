// Type tests for the core (greenlets, pools, results), compiled by `tsc -p test/types` (see
// test/types.test.ts), never run. A line marked @ts-expect-error must be refused: if it compiled,
// tsc would report the unused directive and the test would fail. The runtime half of these
// promises (get() rejects with the GreenletExit of a kill) is in test/greenlet.test.ts.
import {
  AsyncResult,
  Greenlet,
  GreenletExit,
  Group,
  Pool,
  joinall,
  retry,
  shield,
  sleep,
  spawn,
  spawnLater,
  withGroup,
} from "../../src/index.js";

/** True when A and B are the same type. */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** Compiles only when T is true; takes the values it speaks of, so they count as used. */
function expectType<T extends true>(..._values: unknown[]): T | void {}

export async function getIsHonest(): Promise<void> {
  const g = spawn(async (_g, a: number, b: number) => a + b, 1, 2);
  expectType<Equal<typeof g, Greenlet<number>>>();
  // get() is typed T alone, and means it: a killed greenlet makes it reject, never resolve with
  // the GreenletExit.
  const n: number = await g.get();
  expectType<Equal<ReturnType<typeof g.get>, Promise<number>>>(n + 1);
  // The exit is where the type says it can be: in `value`.
  expectType<Equal<typeof g.value, number | GreenletExit | undefined>>();
  if (g.value instanceof GreenletExit) expectType<Equal<typeof g.value.reason, unknown>>();
  try {
    await g.get();
  } catch (error) {
    if (error instanceof GreenletExit) expectType<Equal<typeof error, GreenletExit>>();
  }
  // @ts-expect-error a number is never a GreenletExit: the kill does not hide in get()'s value
  if (n instanceof GreenletExit) throw n;
}

export function constructorChecksArguments(): void {
  const one = new Greenlet((_g, a: number) => a * 2, 21);
  // @ts-expect-error the argument does not match the function's parameter
  new Greenlet((_g, a: number) => a, "x");
  // @ts-expect-error an argument is missing
  new Greenlet((_g, a: number) => a);
  // @ts-expect-error one argument too many
  new Greenlet((_g, a: number) => a, 1, 2);
  new Greenlet((_g, a: number, b: string) => `${b}${a}`, 1, "b");
  new Greenlet(async () => "no arguments");

  // The greenlet the function receives is typed with the function's value, as spawn's is.
  new Greenlet(async (g: Greenlet<string>) => {
    await sleep(1, { signal: g });
    return "done";
  });
  // @ts-expect-error the greenlet's value type does not match what the function returns
  new Greenlet(async (_g: Greenlet<number>) => "text");

  // `A` plays no part once the greenlet exists: any Greenlet<T, A> is a Greenlet<T>.
  const asPlain: Greenlet<number> = one;
  const list: Greenlet<number>[] = [one, spawn(() => 1), spawnLater(10, (_g, s: string) => s.length, "abc")];
  expectType<Equal<Awaited<ReturnType<typeof one.get>>, number>>(asPlain, list);
  // @ts-expect-error the value type still counts
  const wrong: Greenlet<string> = one;
  void wrong;
}

/** A subclass written as users of gevent write one still compiles and constructs. */
class Retrying extends Greenlet<number> {
  attempts = 0;
}

export function subclassesCompile(): Greenlet<number> {
  const r = new Retrying(async () => 1);
  r.attempts++;
  return r.start();
}

export async function ownersAgree(): Promise<void> {
  const group = new Group();
  const pool = new Pool(2);
  const applied: number = await group.apply(async (_g, a: number) => a, 1);
  const pooled: number = await pool.apply(async (_g, s: string) => s.length, "abc");
  const mapped: number[] = await pool.map(async (_g, s: string) => s.length, ["a", "bb"]);
  for await (const x of group.imapUnordered((_g: Greenlet<number>, s: string) => s.length, ["a"])) expectType<Equal<typeof x, number>>(x);
  // @ts-expect-error the arguments are checked against the function
  group.spawn((_g, a: number) => a, "x");
  // @ts-expect-error a killed worker rejects map: no GreenletExit among the values
  const withExits: GreenletExit[] = await pool.map(async (_g, s: string) => s.length, ["a"]);
  const done = await joinall([spawn(() => 1)], { raiseError: true });
  expectType<Equal<typeof done, Greenlet<number>[]>>(done, applied, pooled, mapped, withExits);
}

export async function linkedResultIsTypedByTheGreenlet(): Promise<void> {
  const result = new AsyncResult<number>();
  const g = spawn(async () => 1);
  g.link(result);
  const value: number = await result.get();
  expectType<Equal<typeof result.value, number | undefined>>(value);
}

export function signalsStayNominal(): void {
  // @ts-expect-error a signal is an AbortSignal, a greenlet or a Timeout, not any value
  void sleep(1, { signal: 42 });
  void sleep(1, { signal: spawn(() => 1) });
  void sleep(1, { signal: new AbortController().signal });
}

export async function childrenAndNurseries(): Promise<void> {
  const parent = spawn((_g) => sleep(10));
  const child = parent.spawn(async (_c, n: number) => n * 2, 21);
  expectType<Equal<typeof child, Greenlet<number>>>(child);
  expectType<Equal<typeof child.parent, Greenlet<unknown> | undefined>>();
  // @ts-expect-error the argument does not match the child's parameter
  parent.spawn((_c, n: number) => n, "x");
  const value = await withGroup(async (group) => group.spawn(() => "a").get());
  expectType<Equal<typeof value, string>>(value);
  const shielded = await shield((scope) => sleep(5, { signal: scope }).then(() => 1), { timeout: 100 });
  expectType<Equal<typeof shielded, number>>(shielded);
  // @ts-expect-error a shield needs its timeout
  await shield(() => 1, {});
  const retried = await retry(async (attempt) => `try ${attempt}`, { attempts: 2 });
  expectType<Equal<typeof retried, string>>(retried);
}
