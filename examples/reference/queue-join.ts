// Reference, queue.md: join() with a timeout. One URL hangs; after a minute (of virtual time) the
// caller stops waiting, reports what is still unfinished, and kills the workers.
import { Group, Queue, sleep } from "greenthread";
import { installVirtualClock } from "greenthread/testing";

installVirtualClock({ autojump: true });

const urls = ["/a", "/b", "/hangs", "/c"];
const queue = new Queue<string>();
const workers = new Group();
for (let i = 0; i < 2; i++) {
  workers.spawn(async (g) => {
    for await (const url of queue.iter({ signal: g })) {
      try {
        await sleep(url === "/hangs" ? 3_600_000 : 100, { signal: g });
        console.log(`fetched ${url}`);
      } finally {
        queue.taskDone();
      }
    }
  });
}

for (const url of urls) await queue.put(url);
if (!(await queue.join({ timeout: 60_000 }))) console.log(`${queue.unfinishedTasks} still running`);
await workers.kill();
console.log(`after the kill: ${queue.unfinishedTasks} unfinished, ${workers.size} workers`);
