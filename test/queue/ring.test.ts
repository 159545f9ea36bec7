import { test } from "node:test";
import assert from "node:assert/strict";
import { Ring } from "../../src/queue/ring.js";

test("the ring keeps FIFO order across wrap-around and growth", () => {
  const ring = new Ring<number>();
  let next = 0;
  let expected = 0;
  // Interleave pushes and takes so the head wraps around before each growth.
  for (let round = 0; round < 200; round++) {
    for (let i = 0; i < 7; i++) ring.push(next++);
    for (let i = 0; i < 4; i++) assert.equal(ring.take(), expected++);
  }
  assert.equal(ring.length, next - expected);
  assert.equal(ring.peek(), expected);
  while (ring.length > 0) assert.equal(ring.take(), expected++);
  assert.equal(expected, next);
});

test("the ring's capacity is a power of two that doubles when full", () => {
  const ring = new Ring<number>();
  assert.equal(ring.capacity, 16);
  for (let i = 0; i < 16; i++) ring.push(i);
  assert.equal(ring.capacity, 16);
  ring.push(16);
  assert.equal(ring.capacity, 32);
  for (let i = 0; i < 1000; i++) ring.push(i);
  assert.equal(ring.capacity, 1024);
});

test("the ring shrinks back after a large backlog drains, but never below 1024 slots", () => {
  const ring = new Ring<number>();
  for (let i = 0; i < 100_000; i++) ring.push(i);
  assert.equal(ring.capacity, 131_072);
  for (let i = 0; i < 100_000; i++) assert.equal(ring.take(), i);
  assert.equal(ring.capacity, 1024);
  ring.push(1);
  assert.equal(ring.take(), 1);
});

test("a taken item is no longer referenced by the ring", () => {
  const ring = new Ring<object>();
  const item = {};
  ring.push(item);
  ring.take();
  const slots = (ring as unknown as { slots: unknown[] }).slots;
  assert.equal(slots.includes(item), false);
});

test("clear empties the ring and drops a large buffer", () => {
  const ring = new Ring<number>();
  for (let i = 0; i < 5000; i++) ring.push(i);
  ring.clear();
  assert.equal(ring.length, 0);
  assert.equal(ring.capacity, 16);
  ring.push(3);
  assert.equal(ring.take(), 3);
});
