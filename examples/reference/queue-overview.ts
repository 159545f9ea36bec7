// Reference, queue.md: a bounded job queue between one producer and four consumers. The producer
// feels backpressure when 100 jobs wait; shutdown() ends the consumers' loops once the queue is
// drained; join() waits until every job was marked done.
import { Queue, getClock, sleep, spawn } from "greenthread";
import { installVirtualClock } from "greenthread/testing";

installVirtualClock({ autojump: true });

interface Job {
  id: number;
  ms: number;
}
async function listJobs(): Promise<Job[]> {
  return Array.from({ length: 250 }, (_, i) => ({ id: i, ms: 10 + (i % 5) * 10 }));
}
const done: number[] = [];
async function run(job: Job, signal: AbortSignal): Promise<void> {
  await sleep(job.ms, { signal });
  done.push(job.id);
}

const jobs = new Queue<Job>(100);

// producer: backpressure when 100 jobs are waiting
const producer = spawn(async (g) => {
  for (const job of await listJobs()) await jobs.put(job, { signal: g });
  jobs.shutdown(); // no more jobs: consumers drain the rest, then their loops end
});

// consumers
for (let i = 0; i < 4; i++) {
  spawn(async (g) => {
    for await (const job of jobs.iter({ signal: g })) {
      try { await run(job, g.signal); } finally { jobs.taskDone(); }
    }
  });
}

await producer.join(); // every job is in the queue or taken
await jobs.join(); // every job put was processed

console.log(`${done.length} jobs done by ${getClock().now()} ms; unfinished: ${jobs.unfinishedTasks}`);
console.log(String(jobs));
