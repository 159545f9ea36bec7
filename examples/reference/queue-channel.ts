// Reference, queue.md: a Channel hands each request straight to the worker. put() resolves only
// once the worker has taken the request, so the caller knows it was received; with the worker busy
// and nobody else taking, a put with a timeout gives up and the request is never delivered.
import { Channel, QueueFullError, getClock, sleep, spawn } from "greenthread";
import { installVirtualClock } from "greenthread/testing";

installVirtualClock({ autojump: true });
const now = (): string => `${getClock().now()} ms`;

interface Request {
  id: number;
  ms: number;
}
async function handle(req: Request): Promise<void> {
  console.log(`${now()}: handling request ${req.id}`);
  await sleep(req.ms);
}

const requests = new Channel<Request>();
spawn(async (g) => {
  for await (const req of requests.iter({ signal: g })) await handle(req);
});

for (const req of [{ id: 1, ms: 500 }, { id: 2, ms: 3000 }, { id: 3, ms: 10 }]) {
  try {
    await requests.put(req, { timeout: 1000 }); // resolves once the worker took it
    console.log(`${now()}: request ${req.id} taken`);
  } catch (error) {
    if (!(error instanceof QueueFullError)) throw error;
    console.log(`${now()}: request ${req.id} not taken: ${error.message}`);
  }
}
requests.shutdown();
