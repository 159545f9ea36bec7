// The shared feed: publishing never waits, every subscriber has a bounded queue of its own, and a
// slow subscriber loses only its own oldest points, counted and reported to its page.
import { test } from "node:test";
import assert from "node:assert/strict";
import { io as connect, type Socket as ClientSocket } from "socket.io-client";
import { Topic } from "../../examples/dashboard/pubsub.js";
import { startDashboard } from "../../examples/dashboard/server.js";
import type { FeedPoint } from "../../examples/dashboard/namespaces.js";

test("a full subscription drops its oldest item and counts it; the others are untouched", () => {
  const topic = new Topic<number>();
  const slow = topic.subscribe(3);
  const fast = topic.subscribe(10);
  for (let i = 1; i <= 5; i++) topic.publish(i);
  assert.equal(slow.dropped, 2);
  assert.deepEqual([slow.queue.getNowait(), slow.queue.getNowait(), slow.queue.getNowait()], [3, 4, 5]);
  assert.equal(fast.dropped, 0);
  assert.equal(fast.queue.qsize(), 5);
  slow.close();
  topic.publish(6);
  assert.equal(topic.size, 1);
  assert.equal(slow.queue.isShutDown, true);
});

test("a page that stops acking never slows the others, and learns how many points it missed", { timeout: 30_000 }, async () => {
  // A point every 20 ms: a page that acks within 400 ms (its 20-point queue) never loses one.
  const dashboard = await startDashboard({ port: 0, feedIntervalMs: 20 });
  // Handlers are attached before connecting: the server starts sending as soon as the session opens.
  const open = async (listen: (socket: ClientSocket) => void): Promise<ClientSocket> => {
    const socket = connect(`${dashboard.url}/feed`, { transports: ["websocket"], forceNew: true, reconnection: false, autoConnect: false });
    listen(socket);
    socket.connect();
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("connect_error", reject);
    });
    return socket;
  };
  // Both pages listen from the start: the fast one acks every point, the slow one holds its
  // first ack.
  let holdFirst!: (held: { point: FeedPoint; ack: () => void }) => void;
  const held = new Promise<{ point: FeedPoint; ack: () => void }>((resolve) => (holdFirst = resolve));
  const slow = await open((socket) =>
    socket.once("feed", (point: FeedPoint, _dropped: number, ack: () => void) => holdFirst({ point, ack })),
  );
  const received: number[] = [];
  let fastDropped = 0;
  let fastFinished!: () => void;
  const fastDone = new Promise<void>((resolve) => (fastFinished = resolve));
  const fast = await open((socket) =>
    socket.on("feed", (point: FeedPoint, dropped: number, ack: () => void) => {
      fastDropped = dropped;
      received.push(point.seq);
      ack();
      if (received.length === 40) fastFinished();
    }),
  );
  try {
    const first = await held;
    await fastDone;
    assert.equal(fastDropped, 0);
    for (let i = 1; i < received.length; i++) assert.equal(received[i], received[i - 1]! + 1, "no point skipped for the fast page");
    // The slow page's queue (20 points) overflowed: once it acks, the next point says so.
    const next = new Promise<{ point: FeedPoint; dropped: number }>((resolve) =>
      slow.once("feed", (point: FeedPoint, dropped: number, ack: () => void) => {
        ack();
        resolve({ point, dropped });
      }),
    );
    first.ack();
    const { point, dropped } = await next;
    assert.ok(dropped > 0, `the slow page was told it missed points (dropped ${dropped})`);
    assert.equal(point.seq, first.point.seq + 1 + dropped, "it resumes after the points it lost: the oldest were the ones dropped");
  } finally {
    slow.disconnect();
    fast.disconnect();
    await dashboard.close();
    dashboard.http.close();
  }
});
