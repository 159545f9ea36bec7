// Tutorial, chapter 7: a producer and two consumers on a queue, traced.
import { Queue, joinall, sleep, spawn } from "greenthread";
import { trace } from "greenthread/observe";
import { installVirtualClock } from "greenthread/testing";
import { show } from "./tutorial-timeline.js";

const clock = installVirtualClock({ autojump: true });
const t = await trace(async () => {
  const jobs = new Queue<string>();
  const producer = spawn(async (g) => {
    for (const job of ["a", "b", "c"]) {
      await sleep(10, { signal: g }); // 10 ms to make each job
      await jobs.put(job, { signal: g });
    }
    await jobs.put("stop", { signal: g });
    await jobs.put("stop", { signal: g }); // one stop per consumer
  });
  producer.name = "producer";
  const consumers = ["c1", "c2"].map((name) => {
    const consumer = spawn(async (g) => {
      for (let job = await jobs.get({ signal: g }); job !== "stop"; job = await jobs.get({ signal: g })) {
        await sleep(15, { signal: g }); // 15 ms to do it
      }
    });
    consumer.name = name;
    return consumer;
  });
  await joinall([producer, ...consumers]);
});
clock.uninstall();
await show(t, "queue.svg");
