// Reference, observe.md: the tracer. A producer and a consumer through a queue of one, traced on
// the virtual clock and printed as a log of task switches; the same trace drawn as a swim-lane
// timeline page.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Queue, joinall, sleep, spawn } from "greenthread";
import { renderText, renderTimeline, trace } from "greenthread/observe";
import { installVirtualClock } from "greenthread/testing";

const clock = installVirtualClock({ autojump: true });
const t = await trace(async () => {
  const q = new Queue<number>(1);
  const producer = spawn(async (g) => {
    for (let i = 1; i <= 3; i++) await q.put(i, { signal: g });
  });
  producer.name = "producer";
  const consumer = spawn(async (g) => {
    for (let i = 1; i <= 3; i++) {
      await q.get({ signal: g });
      await sleep(10, { signal: g }); // the work on each item
    }
  });
  consumer.name = "consumer";
  await joinall([producer, consumer]);
});
clock.uninstall();
process.stdout.write(renderText(t));

const page = await renderTimeline(t, { title: "producer and consumer, Queue(1)" });
const file = join(mkdtempSync(join(tmpdir(), "greenthread-trace-")), "trace.html");
writeFileSync(file, page);
console.log(`timeline: ${t.greenlets.length} lanes, ${t.events.length} switch points, an HTML page with ${page.includes("<svg") ? "an SVG" : "no SVG"}`);
