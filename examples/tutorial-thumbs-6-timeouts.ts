// Tutorial, chapter 2, step 6: timeouts against cancellation. A wait that runs out of its own time
// ends with the call's documented sentinel or error; a wait whose signal aborts rejects with the
// signal's reason, unchanged, so the client can always tell which of the two happened.
import { AsyncResult, Channel, Queue, Timeout, joinall, sleep, spawn, type Greenlet } from "greenthread";
import { log } from "./tutorial-common.js";

interface Job {
  image: string;
  result: AsyncResult<string>;
}
interface Upload {
  thumb: string;
  result: AsyncResult<string>;
}
const jobs = new Queue<Job>(10);
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

const results: AsyncResult<string>[] = [];
async function submit(image: string): Promise<AsyncResult<string>> {
  const job = { image, result: new AsyncResult<string>() };
  await jobs.put(job);
  results.push(job.result);
  return job.result;
}

const workers = [spawn(worker), spawn(worker)];
const upload = spawn(uploader);

async function close(): Promise<void> {
  jobs.shutdown();
  await joinall(workers);
  uploads.shutdown();
  await upload.join();
}

const impatient = spawn(async (g) => {
  const result = await submit("a.jpg");
  try {
    await result.get({ timeout: 400, signal: g }); // its own timeout: a TimeoutError of get()
  } catch (error) {
    log(`impatient: ${(error as Error).name}: ${(error as Error).message}`);
  }
});

const glance = spawn(async (g) => {
  const result = await submit("b.jpg");
  const url = await result.wait({ timeout: 400, signal: g }); // its own timeout: the sentinel undefined
  log(`glance: ${url ?? "not ready yet, will look again later"}`);
});

const killed = spawn(async (g) => {
  const result = await submit("c.jpg");
  try {
    await result.get({ timeout: 5000, signal: g });
  } catch (error) {
    log(`killed: ${(error as Error).name}, the kill's own reason: ${error === g.signal.reason}`);
    throw error; // let the kill end the greenlet
  }
});

const deadline = Timeout.startNew(300); // the whole request's budget, set by the caller
const budgeted = spawn(async () => {
  const result = await submit("d.jpg");
  try {
    await result.get({ timeout: 5000, signal: deadline }); // the outer deadline is the shorter
  } catch (error) {
    log(`budgeted: ${(error as Error).message}, the request's deadline: ${error === deadline.signal.reason}`);
  }
});

const connection = new AbortController();
const hungUp = spawn(async () => {
  const result = await submit("e.jpg");
  try {
    await result.get({ timeout: 5000, signal: connection.signal });
  } catch (error) {
    log(`hung up: ${(error as Error).message}`);
  }
});

await sleep(200);
await killed.kill();
connection.abort(new Error("the client went away"));
await joinall([impatient, glance, killed, budgeted, hungUp]);
await close();
log(`thumbnails made all the same: ${results.filter((r) => r.successful()).length} of ${results.length}`);
