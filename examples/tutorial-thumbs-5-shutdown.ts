// Tutorial, chapter 2, step 5: closing the service without losing work. shutdown() refuses new
// jobs and wakes blocked submitters with QueueShutDownError; the workers drain what was queued,
// then their loops end; only then is the upload channel shut down. No greenlet is killed.
import { AsyncResult, Channel, Queue, QueueShutDownError, joinall, sleep, spawn, type Greenlet } from "greenthread";
import { log } from "./tutorial-common.js";

interface Job {
  image: string;
  result: AsyncResult<string>;
}
interface Upload {
  thumb: string;
  result: AsyncResult<string>;
}
const jobs = new Queue<Job>(2);
const uploads = new Channel<Upload>();

async function resize(g: Greenlet, image: string): Promise<string> {
  await sleep(300, { signal: g });
  return image.replace(/\.\w+$/, "-thumb.png");
}

async function worker(g: Greenlet): Promise<void> {
  for await (const job of jobs.iter({ signal: g })) { // ends once the queue is shut down and empty
    try {
      const thumb = await resize(g, job.image);
      await uploads.put({ thumb, result: job.result }, { signal: g });
    } catch (error) {
      job.result.setException(error);
    } finally {
      jobs.taskDone();
    }
  }
}

async function uploader(g: Greenlet): Promise<void> {
  for await (const { thumb, result } of uploads.iter({ signal: g })) {
    await sleep(200, { signal: g });
    result.set(`https://cdn.example.com/${thumb}`);
  }
}

async function submit(image: string): Promise<AsyncResult<string>> {
  const job = { image, result: new AsyncResult<string>() };
  await jobs.put(job);
  return job.result;
}

async function client(g: Greenlet, image: string): Promise<void> {
  try {
    const result = await submit(image);
    log(`${image}: ${await result.get({ signal: g })}`);
  } catch (error) {
    if (!(error instanceof QueueShutDownError)) throw error;
    log(`${image}: refused (${error.message})`);
  }
}

const workers = [spawn(worker), spawn(worker)];
const upload = spawn(uploader);

async function close(): Promise<void> {
  jobs.shutdown(); // no new jobs; the ones queued are still handed out
  await joinall(workers); // the workers drained the queue and left their loops
  uploads.shutdown(); // every thumbnail was handed over: nothing is waiting in the channel
  await upload.join(); // the last upload finished, then the uploader's loop ended
  log(`closed: ${jobs.unfinishedTasks} unfinished, workers successful: ${workers.every((w) => w.successful())}`);
}

const clients = ["a.jpg", "b.jpg", "c.jpg", "d.jpg", "e.jpg"].map((image) => spawn(client, image));
await sleep(0); // the clients run: two jobs go to the workers, two wait in the queue, e.jpg waits to get in
await close();
await joinall(clients);
await spawn(client, "late.jpg").join();
