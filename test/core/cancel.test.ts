import { test } from "node:test";
import assert from "node:assert/strict";
import { CancelState, type AbortTarget } from "../../src/core/cancel.js";

function target(log: string[], name: string): AbortTarget {
  return { abort: (reason) => void log.push(`${name}:${String(reason)}`) };
}

test("CancelState aborts registered waits in registration order, whatever left in between", () => {
  const log: string[] = [];
  const state = new CancelState();
  const [a, b, c, d] = ["a", "b", "c", "d"].map((n) => target(log, n)) as [AbortTarget, AbortTarget, AbortTarget, AbortTarget];
  state.subscribe(a);
  state.subscribe(b);
  state.unsubscribe(a); // the oldest leaves: a newer one must not jump ahead of b
  state.subscribe(c);
  state.subscribe(d);
  state.unsubscribe(c);
  assert.equal(state.subscribers, 2);
  assert.equal(state.abort("stop"), true);
  assert.deepEqual(log, ["b:stop", "d:stop"]);
  assert.equal(state.subscribers, 0);
  assert.equal(state.abort("again"), false);
  assert.equal(state.reason, "stop");
});

test("CancelState keeps one registration without a Set and forgets it on unsubscribe", () => {
  const log: string[] = [];
  const state = new CancelState();
  const a = target(log, "a");
  for (let i = 0; i < 3; i++) {
    state.subscribe(a);
    assert.equal(state.subscribers, 1);
    state.unsubscribe(a);
    assert.equal(state.subscribers, 0);
  }
  state.abort("x");
  assert.deepEqual(log, []);
});
