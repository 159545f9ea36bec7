import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { Local, getcurrent, joinall, sleep, spawn, type Greenlet } from "../src/index.js";

test("tracking of the current greenlet is off until getcurrent() or a Local is first used", () => {
  // In a fresh process: spawning and joining never turns it on; the first getcurrent() does.
  const script = [
    'import { spawn, joinall, getcurrent } from "greenthread";',
    'import { _isTrackingCurrent } from "./src/greenlet.ts";',
    "await joinall([spawn(async () => 1), spawn(() => 2)]);",
    "const before = _isTrackingCurrent();",
    "getcurrent();",
    "console.log(before, _isTrackingCurrent());",
  ].join("\n");
  const out = execFileSync(process.execPath, ["--import", "tsx", "--conditions=source", "--input-type=module", "-e", script], {
    cwd: new URL("..", import.meta.url),
    encoding: "utf8",
  });
  assert.equal(out, "false true\n");
});

test("getcurrent() is the greenlet whose function runs, across awaits, and undefined outside", async () => {
  assert.equal(getcurrent(), undefined);
  const seen: [Greenlet<unknown>, unknown][] = [];
  const gs = [0, 1].map((i) =>
    spawn(async (g) => {
      seen.push([g, getcurrent()]);
      await sleep(i);
      await null;
      seen.push([g, getcurrent()]);
    }),
  );
  await joinall(gs);
  assert.equal(seen.length, 4);
  for (const [g, current] of seen) assert.equal(current, g);
  assert.equal(getcurrent(), undefined);
});

test("a greenlet spawned inside another sees itself, and the spawner is current again after", async () => {
  const outer = spawn(async (g) => {
    const inner = spawn(() => getcurrent());
    const innerSaw = await inner.get();
    return { innerSaw: innerSaw === inner, outerAfter: getcurrent() === g };
  });
  assert.deepEqual(await outer.get(), { innerSaw: true, outerAfter: true });
});

test("Local keeps one value per greenlet and one outside; init makes the first value of each", async () => {
  const id = new Local<string>();
  const counter = new Local(() => ({ n: 0 }));
  id.set("main");
  const worker = async (_g: Greenlet<string>, name: string) => {
    assert.equal(id.get(), undefined, "not inherited from the spawner");
    assert.equal(id.has(), false);
    id.set(name);
    await sleep(0);
    counter.get()!.n++;
    counter.get()!.n++;
    return `${id.get()}:${counter.get()!.n}`;
  };
  const results = await Promise.all([spawn(worker, "a"), spawn(worker, "b")].map((g) => g.get()));
  assert.deepEqual(results, ["a:2", "b:2"]);
  assert.equal(id.get(), "main");
  assert.equal(counter.get()!.n, 0, "outside has its own init() value");
  assert.equal(id.delete(), true);
  assert.equal(id.get(), undefined);
  assert.throws(() => new Local(5 as never), { name: "TypeError", message: "new Local(): expected init to be a function or undefined, got number" });
});
