// Tutorial, chapter 2, step 4: one uploader, fed through a Channel. A Channel has no buffer: a
// worker's put() resolves only once the uploader has taken the thumbnail, so a worker never runs
// ahead of the upload, and no thumbnail piles up in memory.
import { AsyncResult, Channel, Queue, joinall, killall, sleep, spawn, type Greenlet } from "greenthread";
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

async function worker(g: Greenlet, name: string): Promise<void> {
  for (;;) {
    const job = await jobs.get({ signal: g });
    try {
      const thumb = await resize(g, job.image);
      log(`${name} offers ${thumb}`);
      await uploads.put({ thumb, result: job.result }, { signal: g }); // waits for the uploader
      log(`${name} handed ${thumb} over`);
    } catch (error) {
      job.result.setException(error);
    } finally {
      jobs.taskDone();
    }
  }
}

async function uploader(g: Greenlet): Promise<void> {
  for (;;) {
    const { thumb, result } = await uploads.get({ signal: g });
    await sleep(200, { signal: g }); // the upload
    result.set(`https://cdn.example.com/${thumb}`);
  }
}

async function submit(image: string): Promise<AsyncResult<string>> {
  const job = { image, result: new AsyncResult<string>() };
  await jobs.put(job);
  return job.result;
}

async function client(g: Greenlet, image: string): Promise<void> {
  const result = await submit(image);
  log(`${image}: ${await result.get({ signal: g })}`);
}

const workers = [spawn(worker, "w1"), spawn(worker, "w2"), spawn(uploader)];
await joinall(["cat.jpg", "dog.jpg", "owl.jpg"].map((image) => spawn(client, image)));
await killall(workers);
