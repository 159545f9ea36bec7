// The shared feed's producer as a process of its own, as in the setup this dashboard's feed is
// modelled on: a sine point every `--interval` ms on a ZeroMQ PUB socket, over tcp. The server's
// relay greenlet subscribes to it (FEED=zmq npm start). Kill this process and the pages show the
// feed stalled; start it again and they resume.
//
//   node --import tsx examples/dashboard/zmq-producer.ts [--endpoint tcp://127.0.0.1:5556] [--interval 100]
//
// `--endpoint tcp://127.0.0.1:*` binds a free port. The first line on stdout names the endpoint
// bound and the pid: `zmq producer: tcp://127.0.0.1:5556 (pid 1234)`.
import { parseArgs } from "node:util";
import { Publisher } from "zeromq";
import { sleep, spawn } from "greenthread";
import { DEFAULT_ENDPOINT, FEED_TOPIC } from "./zmq-relay.js";

const { values } = parseArgs({
  options: { endpoint: { type: "string", default: process.env.ZMQ_FEED ?? DEFAULT_ENDPOINT }, interval: { type: "string", default: "100" } },
});
const intervalMs = Number(values.interval);
if (!Number.isFinite(intervalMs) || intervalMs < 1) {
  console.error(`zmq producer: --interval must be a number of milliseconds ≥ 1, got ${JSON.stringify(values.interval)}`);
  process.exit(2);
}

const publisher = new Publisher({ linger: 0 });
try {
  await publisher.bind(values.endpoint);
} catch (error) {
  console.error(`zmq producer: cannot bind ${values.endpoint}: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
console.log(`zmq producer: ${publisher.lastEndpoint} (pid ${process.pid})`);

const producer = spawn(async (g) => {
  for (let seq = 0; ; seq++) {
    const point = { seq, t: Date.now(), value: Math.sin(seq / 10), pid: process.pid };
    // A PUB socket never waits for its subscribers: with none, or a slow one, it drops.
    await publisher.send([FEED_TOPIC, JSON.stringify(point)]);
    await sleep(intervalMs, { signal: g });
  }
});

const stop = async () => {
  await producer.kill();
  publisher.close();
};
process.once("SIGINT", () => void stop());
process.once("SIGTERM", () => void stop());
