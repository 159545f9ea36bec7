// Tutorial, chapter 2, step 2: a bounded Queue between the submitter and two workers. The
// submitter feels backpressure when two jobs wait; a job put while a worker is already waiting goes
// straight to that worker.
import { Event, Queue, killall, sleep, spawn, type Greenlet } from "greenthread";
import { log } from "./tutorial-common.js";

const ready = new Event();
const jobs = new Queue<string>(2); // room for two waiting jobs

async function worker(g: Greenlet, name: string): Promise<void> {
  await ready.wait({ signal: g });
  for (;;) {
    const image = await jobs.get({ signal: g }); // parks while the queue is empty
    log(`${name} resizes ${image}`);
    await sleep(300, { signal: g }); // the resizing itself
    jobs.taskDone();
  }
}

async function submit(images: string[]): Promise<void> {
  for (const image of images) {
    await jobs.put(image); // parks while two jobs are waiting
    log(`submitted ${image}`);
  }
}

const workers = [spawn(worker, "w1"), spawn(worker, "w2")];
ready.set();
await sleep(0); // let the workers reach their get()
await submit(["a.jpg", "b.jpg", "c.jpg", "d.jpg", "e.jpg", "f.jpg"]);
await jobs.join(); // every job put was marked done
log("all jobs done");
await killall(workers); // they are parked in jobs.get(): the kill lands there
