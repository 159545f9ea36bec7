// The socket.io layer against plain socket.io on one server in this process: acked round trips
// (n in flight on one client, every ack checked) and session churn (n sessions connect, start a
// task, disconnect; the batch ends once every task was cleaned up).
import type { Socket as ClientSocket } from "socket.io-client";
import { plainSessionChurn, roundTrips, sessionChurn, startSocketioBench } from "../../workloads/socketio.js";
import { inProcess } from "../method.js";
import type { WorkloadDefinition } from "./define.js";

export const socketioRoundTrips: WorkloadDefinition = {
  id: "socketio-round-trips",
  n: 1_000,
  // Fewer in flight would measure loopback latency more than the handlers.
  minN: 1_000,
  build: async ({ n }) => {
    const bench = await startSocketioBench();
    const plain = await bench.connect("/plain");
    const echo = await bench.connect("/echo");
    return {
      id: "socketio-round-trips",
      title: `socket.io acked round trips, ${n.toLocaleString("en-US")} in flight on one client`,
      description: "Client emit, server handler, ack, over a websocket on loopback; every ack is checked. The floor is a plain `socket.on` handler on the same server.",
      unit: "round trips",
      n,
      floor: inProcess("plain socket.on handler", "floor", n, () => roundTrips(plain, n)),
      subject: inProcess("greenthread BaseNamespace handler", "greenthread", n, () => roundTrips(echo, n)),
      others: [],
      close: async () => {
        for (const client of [plain, echo] as ClientSocket[]) client.disconnect();
        await bench.close();
      },
    };
  },
};

export const socketioChurn: WorkloadDefinition = {
  id: "socketio-churn",
  n: 100,
  // Fewer sessions per batch would measure the batch's edges more than the churn.
  minN: 100,
  build: async ({ n }) => {
    const bench = await startSocketioBench();
    return {
      id: "socketio-churn",
      title: `socket.io session churn, ${n.toLocaleString("en-US")} sessions per batch`,
      description:
        "Sessions connect, each starts a task, all disconnect; a batch ends once every task was cleaned up. greenthread: a BaseNamespace session spawns a greenlet that the session's end reaps. The floor: a plain namespace whose task is a timer cleared on disconnect.",
      unit: "sessions",
      n,
      floor: inProcess("plain namespace, timer cleared on disconnect", "floor", n, () => plainSessionChurn(bench, n)),
      subject: inProcess("greenthread BaseNamespace, greenlet reaped", "greenthread", n, () => sessionChurn(bench, n)),
      others: [],
      close: () => bench.close(),
    };
  },
};
