// lines(stream, { signal }): the lines of a stream, each wait a switch point where a kill lands,
// and nothing left behind on the stream or the signal however the loop ends.
import { test } from "node:test";
import assert from "node:assert/strict";
import { PassThrough, Readable } from "node:stream";
import { GreenletExit, spawn } from "../../src/index.js";
import { lines } from "../../src/process/index.js";
import { captureWarnings, nextTurn } from "../helpers.js";
import { collect } from "./helpers.js";

const EVENTS = ["readable", "end", "close", "error", "data"] as const;
const listeners = (stream: Readable): number[] => EVENTS.map((event) => stream.listenerCount(event));

test("lines are split on \\n, \\r\\n and a lone \\r, across chunks, and a last line without an end is yielded", async () => {
  const stream = Readable.from(["a\nb", "\r", "\nc\rd\n\n", "e"].map((s) => Buffer.from(s)), { objectMode: false });
  assert.deepEqual(await collect(lines(stream)), ["a", "b", "c", "d", "", "e"]);
});

test("a character whose bytes arrive in two chunks is decoded whole", async () => {
  const bytes = Buffer.from("né\n€x\n");
  const chunks = [bytes.subarray(0, 2), bytes.subarray(2, 5), bytes.subarray(5)];
  assert.deepEqual(await collect(lines(Readable.from(chunks))), ["né", "€x"]);
});

test("a stream that ends without output yields nothing; one already ended too", async () => {
  const empty = new PassThrough();
  empty.end();
  assert.deepEqual(await collect(lines(empty)), []);
  assert.deepEqual(await collect(lines(empty)), []);
});

test("killing the greenlet ends a loop parked on the next line with the kill's reason, and removes every listener", async () => {
  const stream = new PassThrough();
  const before = listeners(stream);
  const seen: string[] = [];
  const reader = spawn(async (g) => {
    try {
      for await (const line of lines(stream, { signal: g })) seen.push(line);
      return "ended";
    } catch (error) {
      return error;
    }
  });
  stream.write("first\n");
  await nextTurn();
  assert.deepEqual(seen, ["first"]);
  assert.notDeepEqual(listeners(stream), before, "listening while parked");
  const exit = new GreenletExit("tab closed");
  await reader.kill({ exception: exit, block: false });
  assert.equal(await reader.get(), exit, "the loop rejected with the kill's reason, unchanged");
  assert.deepEqual(listeners(stream), before);
  assert.equal(stream.destroyed, false, "the stream is left as it is");
});

test("an AbortSignal ends the iteration with its reason", async () => {
  const stream = new PassThrough();
  const controller = new AbortController();
  const iterator = lines(stream, { signal: controller.signal });
  const next = iterator.next();
  const reason = new Error("stop");
  controller.abort(reason);
  await assert.rejects(next, (error) => error === reason);
  assert.deepEqual(await iterator.next(), { done: true, value: undefined });
  assert.deepEqual(listeners(stream), [0, 0, 0, 0, 0]);
});

test("an already aborted signal wins over a line that is ready", async () => {
  const stream = new PassThrough();
  stream.write("ready\n");
  const reason = new Error("too late");
  await assert.rejects(lines(stream, { signal: AbortSignal.abort(reason) }).next(), (error) => error === reason);
  assert.equal(stream.read()?.toString(), "ready\n", "nothing was read");
});

test("leaving the loop early removes the listeners and leaves the stream open for another reader", async () => {
  const stream = new PassThrough();
  stream.write("1\n");
  for await (const line of lines(stream)) {
    assert.equal(line, "1");
    break;
  }
  assert.deepEqual(listeners(stream), [0, 0, 0, 0, 0]);
  assert.equal(stream.destroyed, false);
  stream.end("2\n3\n");
  assert.deepEqual(await collect(lines(stream)), ["2", "3"]);
});

test("a stream that fails ends the iteration with its error", async () => {
  const stream = new PassThrough();
  const iterator = lines(stream);
  stream.write("ok\n");
  assert.deepEqual(await iterator.next(), { done: false, value: "ok" });
  const next = iterator.next();
  const broken = new Error("pipe broke");
  stream.destroy(broken);
  await assert.rejects(next, (error) => error === broken);
  assert.deepEqual(await iterator.next(), { done: true, value: undefined });
});

test("the stream is read only as far as the lines asked for: backpressure holds", async () => {
  const stream = new PassThrough({ highWaterMark: 64 });
  let accepted = 0;
  for (let i = 0; i < 100; i++) if (stream.write(`line ${i}\n`)) accepted++;
  const iterator = lines(stream);
  assert.deepEqual(await iterator.next(), { done: false, value: "line 0" });
  assert.ok(stream.readableLength + stream.writableLength > 500, "most of the input is still in the stream");
  assert.ok(accepted < 100, "the writer was told to wait");
  await iterator.return!();
});

test("ten thousand aborted loops on one long-lived signal leave no listener on it or on the stream", async () => {
  const stream = new PassThrough();
  const controller = new AbortController();
  const warnings = await captureWarnings(async () => {
    for (let i = 0; i < 10_000; i++) {
      const loop = new AbortController();
      const parked = lines(stream, { signal: loop.signal }).next();
      loop.abort(i);
      await assert.rejects(parked, (error) => error === i);
    }
    const iterator = lines(stream, { signal: controller.signal });
    stream.end("last\n");
    assert.deepEqual(await collect(iterator), ["last"]);
  });
  assert.deepEqual(warnings, []);
  assert.deepEqual(listeners(stream), [0, 0, 0, 0, 0]);
});

test("two next() calls without waiting in between get the lines in order", async () => {
  const stream = new PassThrough();
  const iterator = lines(stream);
  const first = iterator.next();
  const second = iterator.next();
  stream.end("a\nb\n");
  assert.deepEqual(await Promise.all([first, second]), [
    { done: false, value: "a" },
    { done: false, value: "b" },
  ]);
});

test("lines throws at the call for something that is not a readable stream, or a bad signal", () => {
  assert.throws(() => lines(42 as never), { name: "TypeError", message: "lines(): expected stream to be a readable stream, got 42 (number)" });
  assert.throws(() => lines("text" as never), { name: "TypeError", message: 'lines(): expected stream to be a readable stream, got "text" (string)' });
  assert.throws(() => lines(new PassThrough(), { signal: 5 as never }), {
    name: "TypeError",
    message: "lines(): expected signal to be an AbortSignal, a Greenlet or a Timeout, got 5 (number)",
  });
  assert.throws(() => lines(new PassThrough(), 5 as never), { name: "TypeError", message: "lines(): expected options to be an object or undefined, got 5 (number)" });
});
