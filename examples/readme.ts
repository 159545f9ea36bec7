// The example of the README, verbatim.
import { joinall, killall, sleep, spawn, type Greenlet } from "greenthread";

async function backend(g: Greenlet<string>, name: string, ms: number): Promise<string> {
  await sleep(ms, { signal: g }); // a switch point: a kill of g lands here
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

console.log(await handleRequest(42)); // [ 'profile/42: ok', 'orders/42: ok' ]
