// Reference, queue.md: a put with its own timeout. The camera produces a frame every 20 ms; the
// encoder takes 200 ms per frame; with room for two frames, a frame that cannot get in within
// 100 ms is dropped instead of stalling the camera forever.
import { Queue, QueueFullError, getClock, sleep, spawn } from "greenthread";
import { installVirtualClock } from "greenthread/testing";

installVirtualClock({ autojump: true });

const queue = new Queue<number>(2);
const encoder = spawn(async (g) => {
  for await (const frame of queue.iter({ signal: g })) {
    await sleep(200, { signal: g });
    console.log(`${getClock().now()} ms: encoded frame ${frame}`);
  }
});

for (let frame = 1; frame <= 6; frame++) {
  try {
    await queue.put(frame, { timeout: 100 }); // QueueFullError if the consumer fell 100 ms behind
  } catch (error) {
    if (!(error instanceof QueueFullError)) throw error;
    console.log(`${getClock().now()} ms: dropped frame ${frame} (${error.message})`);
  }
  await sleep(20);
}
queue.shutdown();
await encoder.join();
