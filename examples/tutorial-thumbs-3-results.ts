// Tutorial, chapter 2, step 3: every job carries an AsyncResult, so the client that submitted it
// can wait for its own thumbnail, or for its own error.
import { AsyncResult, Queue, joinall, killall, sleep, spawn, type Greenlet } from "greenthread";
import { log } from "./tutorial-common.js";

interface Job {
  image: string;
  result: AsyncResult<string>;
}
const jobs = new Queue<Job>(2);

async function resize(g: Greenlet, image: string): Promise<string> {
  await sleep(300, { signal: g });
  if (image.endsWith(".gif")) throw new Error(`${image}: animated images are not supported`);
  return image.replace(/\.\w+$/, "-thumb.png");
}

async function worker(g: Greenlet): Promise<void> {
  for (;;) {
    const job = await jobs.get({ signal: g });
    try {
      job.result.set(await resize(g, job.image));
    } catch (error) {
      job.result.setException(error); // the client gets the error; the worker goes on
    } finally {
      jobs.taskDone();
    }
  }
}

async function submit(image: string): Promise<AsyncResult<string>> {
  const job = { image, result: new AsyncResult<string>() };
  await jobs.put(job);
  return job.result;
}

async function client(g: Greenlet, image: string): Promise<void> {
  const result = await submit(image);
  try {
    log(`${image}: got ${await result.get({ signal: g })}`);
  } catch (error) {
    log(`${image}: failed: ${(error as Error).message}`);
  }
}

const workers = [spawn(worker), spawn(worker)];
await joinall(["cat.jpg", "party.gif", "dog.jpg"].map((image) => spawn(client, image)));
await killall(workers);
