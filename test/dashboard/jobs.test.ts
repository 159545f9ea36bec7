// The jobs panel's namespace through a socket.io client: a gzip job streams its progress and says
// when it is done; cancelling it, or closing the connection, ends the child process, and the
// session counts as closed only once the child has exited.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { io as connect, type Socket as ClientSocket } from "socket.io-client";
import { spawnProcess } from "../../src/process/index.js";
import { logBlock, type JobEnd, type JobProgress } from "../../examples/dashboard/jobs.js";
import { startDashboard, type Dashboard } from "../../examples/dashboard/server.js";
import { pidAlive, until } from "../process/helpers.js";
import { gzipMissing } from "./gzip.js";

const skip = gzipMissing();
let dashboard: Dashboard;

before(async () => {
  if (skip === false) dashboard = await startDashboard({ port: 0, graceMs: 5000 });
});

after(async () => {
  if (skip !== false) return;
  await dashboard.close();
  dashboard.http.close();
});

interface Job {
  socket: ClientSocket;
  progress: JobProgress[];
  end: Promise<JobEnd>;
  firstProgress: Promise<JobProgress>;
}

async function jobsSession(): Promise<Job> {
  const socket = connect(`${dashboard.url}/jobs`, { transports: ["websocket"], forceNew: true, reconnection: false });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("connect_error", reject);
  });
  const progress: JobProgress[] = [];
  const firstProgress = new Promise<JobProgress>((resolve) => socket.once("job:progress", resolve));
  socket.on("job:progress", (p: JobProgress) => progress.push(p));
  const end = new Promise<JobEnd>((resolve) => socket.once("job:end", resolve));
  return { socket, progress, end, firstProgress };
}

const jobSessions = () => [...dashboard.context.sessions].filter((s) => s.name === "/jobs").length;

test("a gzip job streams its progress megabyte by megabyte and says when it is done, with gzip's own output size", { skip, timeout: 60_000 }, async () => {
  const job = await jobsSession();
  try {
    assert.deepEqual(await job.socket.emitWithAck("compress", 4), { sizeMb: 4 });
    const end = await job.end;
    assert.deepEqual(
      job.progress.map((p) => `${p.doneMb}/${p.sizeMb}`),
      ["1/4", "2/4", "3/4", "4/4"],
    );
    // The same input through gzip -9 directly: the job reported every byte gzip wrote.
    const direct = spawnProcess("gzip", ["-9", "-c"], { input: Buffer.concat([logBlock(), logBlock(), logBlock(), logBlock()]), stdout: "pipe" });
    let size = 0;
    direct.stdout!.on("data", (chunk: Buffer) => (size += chunk.length));
    await direct.get();
    assert.equal(end.outcome, "done");
    assert.equal(end.outBytes, size);
    assert.match(end.message, new RegExp(`^compressed 4 MB to ${(size / 1048576).toFixed(2)} MB \\(${((100 * size) / (4 << 20)).toFixed(1)} %\\) in \\d+\\.\\d s$`));
  } finally {
    job.socket.disconnect();
  }
});

test("a second job while one runs is refused; cancel kills gzip and the page hears it", { skip, timeout: 60_000 }, async () => {
  const job = await jobsSession();
  try {
    await job.socket.emitWithAck("compress", 256);
    const { pid } = await job.firstProgress;
    assert.equal(pidAlive(pid), true);
    assert.deepEqual(await job.socket.emitWithAck("compress", 8), { error: { name: "ClientError", message: "a job is already running; cancel it first" } });
    assert.equal(await job.socket.emitWithAck("cancel"), true);
    const end = await job.end;
    assert.deepEqual([end.outcome, end.message], ["cancelled", "cancelled: gzip was stopped"]);
    assert.equal(pidAlive(pid), false, "the page hears of the end once gzip has exited");
    assert.equal(await job.socket.emitWithAck("cancel"), false);
  } finally {
    job.socket.disconnect();
  }
});

test("closing the connection mid-job kills gzip; the session closes only once gzip has exited", { skip, timeout: 60_000 }, async () => {
  const job = await jobsSession();
  await job.socket.emitWithAck("compress", 256);
  const { pid } = await job.firstProgress;
  const before = dashboard.context.app!.stats();
  assert.equal(jobSessions(), 1);
  job.socket.disconnect();
  await until(() => jobSessions() === 0, "the jobs session to close");
  assert.equal(pidAlive(pid), false);
  const stats = dashboard.context.app!.stats();
  assert.deepEqual([stats.reaped - before.reaped, stats.stragglers - before.stragglers], [1, 0]);
});
