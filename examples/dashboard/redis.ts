// The dashboard's two Redis connections for the socket.io adapter. A Redis that cannot be reached
// at start is a clear, quick failure naming the URL; one that goes away later is reconnected to
// for as long as it takes (the socket.io layer reports the outage once, through onError).
import { createClient } from "redis";

/** How long the first connection may take before the start fails. */
const CONNECT_TIMEOUT_MS = 3000;

export class RedisUnreachableError extends Error {
  override name = "RedisUnreachableError";
  readonly code = "EREDIS";
}

export async function connectRedisPair(url: string) {
  let connected = false;
  const pub = createClient({
    url,
    socket: {
      connectTimeout: CONNECT_TIMEOUT_MS,
      // Before the first connection, one failure ends the start; after it, retry every 50-500 ms.
      reconnectStrategy: (retries: number, cause: Error) => (connected ? Math.min(retries * 50, 500) : cause),
    },
  });
  const sub = pub.duplicate();
  // node-redis emits every connection failure as "error"; without a listener that would throw.
  for (const client of [pub, sub]) client.on("error", () => {});
  try {
    await pub.connect();
    connected = true;
    await sub.connect();
  } catch (error) {
    for (const client of [pub, sub]) if (client.isOpen) await client.disconnect();
    const reason = error instanceof Error ? error.message : String(error);
    throw new RedisUnreachableError(`cannot reach Redis at ${url} (${reason}); start redis-server there or set REDIS_URL to one that runs`, { cause: error });
  }
  return { pub, sub };
}
