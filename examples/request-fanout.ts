// A request handler that fans out to three backends, waits at most 200 ms for all of them, and
// kills whatever is still running: the shape of most gevent server code, in greenthread.
import { joinall, killall, sleep, spawn, type Greenlet } from "greenthread";

/** A stand-in for a backend call: answers after `ms`, and stops waiting when its greenlet is killed. */
async function backend(g: Greenlet<string>, name: string, ms: number): Promise<string> {
  try {
    await sleep(ms, { signal: g });
  } catch (error) {
    console.log(`${name}: cancelled at the deadline`);
    throw error;
  }
  return `${name}: ok`;
}

async function handleRequest(userId: number): Promise<string[]> {
  const jobs = [
    spawn(backend, `profile/${userId}`, 5),
    spawn(backend, `orders/${userId}`, 10),
    spawn(backend, "recommendations", 10_000), // too slow for this request
  ];
  const done = await joinall(jobs, { timeout: 200 });
  await killall(jobs.filter((g) => !done.includes(g)));
  return Promise.all(done.map((g) => g.get()));
}

console.log(await handleRequest(42));
