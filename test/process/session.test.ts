// A socket.io session that owns a child process: when the session ends, the greenlet that owns
// the child is reaped, the child is terminated (SIGKILL once it ignored SIGTERM for the grace
// period), and the session counts as closed only after the child has exited.
import { test } from "node:test";
import assert from "node:assert/strict";
import { lines, spawnProcess } from "../../src/process/index.js";
import { BaseNamespace, mount } from "../../src/socketio/index.js";
import { nextEvent, recordOnError, signal, startServer } from "../socketio/harness.js";
import { fixture, pidAlive } from "./helpers.js";

test("ending a socket.io session kills the child its greenlet owns, and the pid is gone before the disconnected hook", async () => {
  const server = await startServer();
  const onError = recordOnError();
  const hook = signal<{ reason: string; childAlive: boolean }>();
  let pid = 0;
  class Jobs extends BaseNamespace {
    onStart(): string {
      this.spawn(async (g) => {
        const [cmd, args] = fixture("ignore-term.mjs");
        await using job = spawnProcess(cmd, args, { stdout: "pipe", killGraceMs: 200 });
        for await (const line of lines(job.stdout!, { signal: g })) {
          pid = job.pid!;
          this.emit("output", line);
        }
      });
      return "started";
    }
    override disconnected(reason: string): void {
      hook.resolve({ reason, childAlive: pidAlive(pid) });
    }
  }
  const app = mount(server.io, { "/jobs": Jobs }, { graceMs: 10_000, onError: onError.onError });
  try {
    const client = await server.connect("/jobs");
    const ready = nextEvent(client, "output");
    assert.equal(await client.emitWithAck("start"), "started");
    assert.deepEqual(await ready, ["ready"]);
    assert.equal(pidAlive(pid), true);
    assert.equal(app.stats().greenlets, 1);

    client.disconnect();
    assert.deepEqual(await hook.promise, { reason: "client namespace disconnect", childAlive: false });
    assert.equal(pidAlive(pid), false);
    assert.deepEqual(app.stats(), { sessions: 0, greenlets: 0, reaped: 1, stragglers: 0 });
    assert.deepEqual(onError.calls, []);
  } finally {
    await app.close();
    await server.close();
  }
});
