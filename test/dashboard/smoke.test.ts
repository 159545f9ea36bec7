// `npm start` as a new user runs it: it prints the URL, serves the page, and on SIGTERM closes
// every session and its own feed producer, and exits 0. On a busy port it says so in one line.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { resolve } from "node:path";

const root = resolve(import.meta.dirname, "..", "..");

test("npm start serves the dashboard on the printed URL, and on SIGTERM the server closes its sessions and exits 0", { timeout: 60_000 }, async () => {
  const child = spawn("npm", ["start", "--silent"], { cwd: root, env: { ...process.env, PORT: "0", HOST: "127.0.0.1" }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  const exited = new Promise<number | null>((resolveExit) => child.once("exit", (code) => resolveExit(code)));
  try {
    const [url, pid] = await new Promise<[string, number]>((resolveUrl, reject) => {
      const onData = () => {
        const match = /greenthread dashboard: (http:\/\/127\.0\.0\.1:\d+) \(pid (\d+)\)/.exec(output);
        if (match !== null) resolveUrl([match[1]!, Number(match[2])]);
      };
      child.stdout.on("data", onData);
      void exited.then((code) => reject(new Error(`npm start exited with ${code} before printing its URL:\n${output}`)));
    });
    const page = await fetch(url);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<title>greenthread dashboard<\/title>/);
    const chart = await fetch(`${url}/vendor/uPlot.iife.min.js`);
    assert.equal(chart.status, 200);
    await chart.arrayBuffer();
    // The server process itself gets the signal, as from `kill <pid>`; npm passes its exit code on.
    process.kill(pid, "SIGTERM");
    assert.equal(await exited, 0, output);
    // No page was open: the one greenlet reaped is the app's feed producer.
    assert.match(output, /SIGTERM: closing sessions…\nclosed: 1 greenlets reaped, 0 stragglers/);
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
  }
});

test("npm start on a port already in use says so in one line, naming the port and PORT, and exits 1", { timeout: 60_000 }, async () => {
  const occupier = createServer();
  await new Promise<void>((resolveListen) => occupier.listen(0, "127.0.0.1", resolveListen));
  const port = (occupier.address() as { port: number }).port;
  try {
    const child = spawn("npm", ["start", "--silent"], { cwd: root, env: { ...process.env, PORT: String(port), HOST: "127.0.0.1" }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const code = await new Promise<number | null>((resolveExit) => child.once("exit", (exitCode) => resolveExit(exitCode)));
    assert.equal(code, 1, stdout + stderr);
    assert.equal(stdout, "");
    assert.equal(stderr, `dashboard: port ${port} is in use; set PORT to another port (PORT=${port + 1} npm start)\n`, "one line, no stack");
  } finally {
    await new Promise((resolveClose) => occupier.close(resolveClose));
  }
});
