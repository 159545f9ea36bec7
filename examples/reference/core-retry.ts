// Reference, core.md: retry() with a backoff on the library's clock. A kill of the greenlet given
// as signal ends it at once, even in the middle of a delay.
import { exponentialBackoff, getClock, retry, sleep, spawn } from "greenthread";
import { installVirtualClock } from "greenthread/testing";

installVirtualClock({ autojump: true });
const log = (message: string): void => console.log(`${getClock().now()} ms: ${message}`);

let calls = 0;
async function flakyFetch(attempt: number): Promise<string> {
  calls++;
  log(`attempt ${attempt}`);
  if (calls < 3) throw new Error("503 Service Unavailable");
  return "200 OK";
}

const g = spawn((g) => retry(flakyFetch, { attempts: 5, backoff: exponentialBackoff({ initialMs: 100 }), signal: g }));
log(`got ${await g.get()}`);

const doomed = spawn((g) =>
  retry(() => Promise.reject(new Error("still down")), {
    attempts: Infinity,
    backoff: 1000,
    signal: g,
    onRetry: (error, attempt, delayMs) => log(`attempt ${attempt} failed (${(error as Error).message}); next in ${delayMs} ms`),
  }),
);
await sleep(500);
await doomed.kill(); // in the middle of the 1000 ms delay
log(`killed during the delay, no further attempt: ${doomed.successful()}`);
