// The jobs panel: a CPU-heavy child process per tab, as a session greenlet. `gzip -9` compresses
// generated log text fed through its stdin; the page sees the progress as gzip takes the input,
// and a message when it is done. The child belongs to the greenlet (`await using`), the greenlet
// to the session: closing the tab reaps the greenlet, which ends the child (SIGTERM, SIGKILL after
// the grace), and the session counts as closed once the child has exited.
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Greenlet } from "greenthread";
import { ProcessError, spawnProcess } from "greenthread/process";
import { BaseNamespace, ClientError } from "greenthread/socketio";
import { z } from "zod";
import type { DashboardContext } from "./namespaces.js";

const MB = 1 << 20;

/** What the page hears while a job runs. */
export interface JobProgress {
  pid: number;
  /** Megabytes of input gzip has taken so far, of `sizeMb`. */
  doneMb: number;
  sizeMb: number;
  /** Bytes of compressed output so far. */
  outBytes: number;
}

/** What the page hears when a job has ended, however it ended. */
export interface JobEnd {
  outcome: "done" | "failed" | "cancelled";
  sizeMb: number;
  outBytes: number;
  ms: number;
  message: string;
}

let block: Buffer | undefined;

/**
 * One megabyte of web-server log lines, made once. gzip's window is 32 KiB, so repeating the block
 * costs it as much work per megabyte as fresh text would.
 */
export function logBlock(): Buffer {
  if (block !== undefined) return block;
  const words = ["GET", "POST", "PUT", "/api/users", "/api/jobs", "/static/app.js", "/feed", "200", "204", "404", "500", "ok", "slow", "retry"];
  let seed = 20_240_501;
  const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648);
  let text = "";
  while (text.length < MB) {
    const pad = (n: number) => String(n).padStart(2, "0");
    text += `2024-05-01T${pad(next() % 24)}:${pad(next() % 60)}:${pad(next() % 60)}Z ${words[next() % words.length]} ${words[next() % words.length]} session=${next() % 100_000} ms=${next() % 1000}\n`;
  }
  return (block = Buffer.from(text.slice(0, MB), "latin1"));
}

/** `sizeMb` blocks of log text; `progress(i)` runs once the consumer has asked for the block after the i-th. */
async function* logText(sizeMb: number, progress: (doneMb: number) => void): AsyncGenerator<Buffer> {
  const data = logBlock();
  for (let i = 1; i <= sizeMb; i++) {
    yield data;
    progress(i);
  }
}

export function createJobsNamespace(context: DashboardContext) {
  /** One job at a time per tab: "compress" starts it, "cancel" kills it, closing the tab reaps it. */
  class JobsNamespace extends BaseNamespace {
    static override schemas = { compress: z.tuple([z.number().int().min(1).max(256)]) };
    private job: Greenlet<unknown> | undefined;

    override initialize(): void {
      context.sessions.add(this);
    }

    override disconnected(): void {
      context.sessions.delete(this);
    }

    onCompress(sizeMb: number): { sizeMb: number } {
      if (this.job !== undefined && !this.job.dead) throw new ClientError("a job is already running; cancel it first");
      this.job = this.spawn((g) => this.compress(g, sizeMb));
      this.job.name = `gzip-job ${this.socket.id}`;
      return { sizeMb };
    }

    onCancel(): boolean {
      if (this.job === undefined || this.job.dead) return false;
      void this.job.kill({ block: false });
      return true;
    }

    private async compress(g: Greenlet<unknown>, sizeMb: number): Promise<void> {
      const started = Date.now();
      let outBytes = 0;
      const end = (outcome: JobEnd["outcome"], message: string) =>
        this.emit("job:end", { outcome, sizeMb, outBytes, ms: Date.now() - started, message } satisfies JobEnd);
      try {
        // Killing this greenlet (the tab closed, or "cancel") disposes of the child on the way out.
        await using gzip = spawnProcess("gzip", ["-9", "-c"], { stdin: "pipe", stdout: "pipe", killGraceMs: 1000 });
        gzip.stdout!.on("data", (chunk: Buffer) => (outBytes += chunk.length));
        // The input goes in at gzip's pace: pipeline waits for its stdin to drain.
        const progress = (doneMb: number) => this.emit("job:progress", { pid: gzip.pid ?? 0, doneMb, sizeMb, outBytes } satisfies JobProgress);
        const fed = pipeline(Readable.from(logText(sizeMb, progress)), gzip.stdin!, { signal: g.signal });
        // gzip's own outcome says more than a broken pipe would: a gzip that fails (or is missing)
        // ends the feed with a premature close, read here and dropped.
        fed.catch(() => {});
        await gzip.get({ signal: g });
        await fed;
        const ratio = ((100 * outBytes) / (sizeMb * MB)).toFixed(1);
        end("done", `compressed ${sizeMb} MB to ${(outBytes / MB).toFixed(2)} MB (${ratio} %) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      } catch (error) {
        if (g.signal.aborted) {
          end("cancelled", "cancelled: gzip was stopped");
          throw error;
        }
        // gzip missing on the server is a ProcessError with code ENOENT: its message says so.
        end("failed", error instanceof ProcessError ? error.message : "the job failed");
        if (!(error instanceof ProcessError)) throw error;
      }
    }
  }
  return { JobsNamespace };
}
