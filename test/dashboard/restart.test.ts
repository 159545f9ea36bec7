// A server restart under an open page: the first dashboard process gets SIGTERM (it closes with
// reconnect: true), a second one starts on the same port, and the page comes back by itself:
// connected again, both charts moving again, the chat back in its room.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { resolve } from "node:path";
import type { Page } from "playwright-core";
import { CHROMIUM, CHROMIUM_ARGS, chromiumMissing } from "./browser.js";

const skip = chromiumMissing();
const root = resolve(import.meta.dirname, "..", "..");

interface ServerProcess {
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
  output: () => string;
}

/** Starts `examples/dashboard/server.ts` as its own process and waits for the URL it prints. */
async function startProcess(port: number): Promise<ServerProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "--conditions=source", "examples/dashboard/server.ts"], {
    cwd: root,
    env: { ...process.env, PORT: String(port), HOST: "127.0.0.1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  const exited = new Promise<number | null>((resolveExit) => child.once("exit", (code) => resolveExit(code)));
  const url = await new Promise<string>((resolveUrl, reject) => {
    const onData = () => {
      const match = /greenthread dashboard: (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match === null) return;
      child.stdout!.off("data", onData);
      resolveUrl(match[1]!);
    };
    child.stdout!.on("data", onData);
    void exited.then((code) => reject(new Error(`the dashboard exited with ${code} before printing its URL:\n${output}`)));
  });
  return { child, url, exited, output: () => output };
}

type Counts = { cpuPoints: number; feedPoints: number; connects: number };
const counts = (page: Page) =>
  page.evaluate(() => {
    const { cpuPoints, feedPoints, connects } = (globalThis as any).dashboard as Counts;
    return { cpuPoints, feedPoints, connects };
  });

test("after a server restart on the same port the page reconnects by itself: connected, CPU chart and feed moving, chat back in its room", { skip, timeout: 120_000 }, async () => {
  const { chromium } = await import("playwright-core");
  const servers: ServerProcess[] = [];
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const first = await startProcess(0);
    servers.push(first);
    const page = await browser.newPage();
    page.on("pageerror", (error) => assert.fail(`page error: ${error.message}`));
    await page.goto(first.url);
    await page.waitForFunction(() => (globalThis as any).dashboard.cpuPoints >= 2 && (globalThis as any).dashboard.feedPoints >= 3, null, { timeout: 20_000 });
    await page.fill("#chat-nick", "ada");
    await page.fill("#chat-room", "lobby");
    await page.click("#chat-join button");
    await page.waitForFunction(() => (globalThis as any).dashboard.online.join(",") === "ada");
    assert.equal(await page.textContent("#status"), "connected");

    // The restart: SIGTERM, the old process closes its sessions and exits, a new one takes the port.
    first.child.kill("SIGTERM");
    assert.equal(await first.exited, 0, first.output());
    assert.match(first.output(), /SIGTERM: closing sessions…\nclosed: \d+ greenlets reaped, 0 stragglers/);
    await page.waitForFunction(() => (globalThis as any).dashboard.room === undefined, null, { timeout: 10_000 });
    assert.notEqual(await page.textContent("#status"), "connected");
    const before = await counts(page);
    assert.equal(before.connects, 1);

    const second = await startProcess(Number(new URL(first.url).port));
    servers.push(second);
    assert.equal(second.url, first.url);
    await page.waitForFunction(() => (globalThis as any).document.getElementById("status").textContent === "connected", null, { timeout: 30_000 });
    await page.waitForFunction(
      ({ cpuPoints, feedPoints }) => (globalThis as any).dashboard.cpuPoints > cpuPoints && (globalThis as any).dashboard.feedPoints > feedPoints + 2,
      before,
      { timeout: 20_000 },
    );
    const after = await counts(page);
    assert.equal(after.connects, 2, "one reconnect, to the new server");
    // The chat rejoined its room on the new server under its nickname.
    await page.waitForFunction(() => (globalThis as any).dashboard.room === "lobby" && (globalThis as any).dashboard.online.join(",") === "ada", null, { timeout: 10_000 });
    await page.fill("#chat-text", "back after the restart");
    await page.click("#chat-send button");
    await page.waitForFunction(() => (globalThis as any).dashboard.chat.some((m: { nick: string; text: string }) => m.nick === "me" && m.text === "back after the restart"));
    assert.equal(await page.textContent("#chat-error"), "");

    await page.close();
    second.child.kill("SIGTERM");
    assert.equal(await second.exited, 0, second.output());
  } finally {
    await browser.close();
    for (const server of servers) if (server.child.exitCode === null) server.child.kill("SIGKILL");
  }
});
