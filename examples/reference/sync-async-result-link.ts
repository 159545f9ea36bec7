// Reference, sync.md: an AsyncResult as a link target. When the greenlet ends, the link settles
// the result with its value (or its exception). The request goes to a server on this machine, and
// the greenlet hands `g.signal` to fetch, so a kill would abort the request.
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { AsyncResult, spawn } from "greenthread";

const server = createServer((_request, response) => response.end("hello from the server"));
server.listen(0, "127.0.0.1");
await once(server, "listening");
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

const result = new AsyncResult<Response>();
const g = spawn(async (g) => fetch(url, { signal: g.signal }));
g.link(result);
const response = await result.get({ timeout: 2000 });

console.log(response.status, await response.text());
server.closeAllConnections();
server.close();
