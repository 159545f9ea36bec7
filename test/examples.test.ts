// Every program under examples/ runs as a user would run it, and the ones with a known output
// print exactly that. Docs quote these files, so a broken sample breaks the build.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, sep } from "node:path";
import { promisify } from "node:util";
import { redisSkip } from "./redis-server.js";

const run = promisify(execFile);
const root = resolve(import.meta.dirname, "..");

/** Subdirectories of examples/ that hold applications with tests of their own, not samples. */
const applications = new Set(["dashboard", "cluster"]);

/** Every example program: `.ts` files under examples/, outside the applications, not `_`-prefixed. */
const examples = readdirSync(join(root, "examples"), { recursive: true })
  .map((f) => String(f).split(sep).join("/"))
  .filter((f) => f.endsWith(".ts") && !f.split("/").some((part) => part.startsWith("_")) && !applications.has(f.split("/")[0]!))
  .sort();

const lines = (...text: string[]): string => text.map((line) => `${line}\n`).join("");

/** Exact outputs (stdout) of the examples whose output does not depend on the machine. */
const expected: Record<string, string> = {
  "observe/opentelemetry.ts": lines(
    "span greenlet producer [1] ok: park(Queue.put) → resume",
    "span greenlet consumer [2] ok: park(sleep) → resume → park(sleep) → resume → park(sleep) → resume",
    "span greenlet sleeper [3] ok: park(sleep) → kill → resume",
  ),
  "reference/observe-deadlock.ts": lines(
    "holder is parked on Event.wait, and nothing is left that could wake it: the event loop ran out of work with it still alive",
    "waiter is parked on Lock.acquire, and nothing is left that could wake it: the event loop ran out of work with it still alive",
  ),
  "reference/observe-instrument.ts": lines(
    "broken: broken on purpose",
    "Queue.get: 1, Queue.put: 3, sleep: 5",
    "{ ok: 2, failed: 1 }",
  ),
  "reference/observe-run-info.ts": lines(
    "6 greenlets",
    "Pool(2)",
    "  worker-1 (#1), running, age 350 ms, parked on Queue.get for 350 ms",
    "  worker-2 (#2), running, age 350 ms, parked on Queue.get for 350 ms",
    "Group",
    "  reporter (#3), running, age 350 ms, parked on Event.wait for 350 ms",
    "(no owner)",
    "  saver (#4), running, age 100 ms, parked on Lock.acquire for 100 ms",
    "  ticker (#5), running, age 100 ms, parked on sleep(1000) for 100 ms",
    "  supervisor (#6), running, age 100 ms, parked on join(saver) for 100 ms",
    "",
    "parked longest: worker-1 on Queue.get for 350 ms",
    "0 greenlets left",
  ),
  "reference/observe-trace.ts": lines(
    " 0 ms  producer spawned",
    " 0 ms    consumer spawned",
    " 0 ms  producer starts",
    " 0 ms    consumer starts",
    " 0 ms    consumer parks on sleep(10)",
    " 0 ms  producer parks on Queue.put",
    "10 ms    consumer wakes up",
    "10 ms  producer wakes up",
    "10 ms    consumer parks on sleep(10)",
    "10 ms  producer ends: value",
    "20 ms    consumer wakes up",
    "20 ms    consumer parks on sleep(10)",
    "30 ms    consumer wakes up",
    "30 ms    consumer ends: value",
    "timeline: 2 lanes, 14 switch points, an HTML page with an SVG",
  ),
  "readme.ts": "[ 'profile/42: ok', 'orders/42: ok' ]\n",
  "tutorial-kill.ts": "cleaned up\ntrue true GreenletExit\n",
  // Tutorial, chapter 5 (docs/tutorial/05-sessions.md).
  "tutorial-sessions.ts": lines(
    "client: started job",
    "client: progress 1",
    "client: progress 2",
    "client: progress 3",
    "stats while connected: { sessions: 1, greenlets: 1, reaped: 0, stragglers: 0 }",
    "server: job reaped (client namespace disconnect)",
    "server: disconnected hook (client namespace disconnect), after the reaping",
    "stats after the disconnect: { sessions: 0, greenlets: 0, reaped: 1, stragglers: 0 }",
    "stats after close: { sessions: 0, greenlets: 0, reaped: 1, stragglers: 0 }",
  ),
  "tutorial-sessions-2-chat.ts": lines(
    "ann joined; here: ann; recent: []",
    "ann: sent",
    "bob joined; here: ann, bob; recent: [ 'ann: anyone here?' ]",
    "bob: sent",
    "spam joined; here: ann, bob, spam; recent: [ 'ann: anyone here?', 'bob: hi ann' ]",
    "spam, message 1: 'sent'",
    "spam, message 2: 'sent'",
    "spam, message 3: 'sent'",
    "spam, message 4: { error: { name: 'RateLimitError', message: 'rate limit exceeded for event \"chat:message\" (at most 3 events per 10000 ms)' } }",
    "spam, message 5: { error: { name: 'RateLimitError', message: 'rate limit exceeded for event \"chat:message\" (at most 3 events per 10000 ms)' } }",
    "server: spam left (client namespace disconnect)",
    "ann heard: [ 'bob: hi ann', 'spam: cheap pills #1', 'spam: cheap pills #2', 'spam: cheap pills #3', 'server: spam left' ]",
    "bob heard: [ 'spam: cheap pills #1', 'spam: cheap pills #2', 'spam: cheap pills #3', 'server: spam left' ]",
    "server: ann left (server shutting down)",
    "server: bob left (server shutting down)",
  ),
  "tutorial-sessions-3-recv.ts": lines(
    "/handlers ann's history: 0 lines",
    "/handlers ann said 17 lines, acked: [ 'sent' ]",
    "/handlers bob's history: 15 lines, ann: line 3 … ann: line 17",
    "/handlers bob: sent",
    "/handlers ann heard: [ 'bob connected', 'bob: hi ann', 'bob disconnected' ]",
    "/handlers bob heard: [ 'bob: hi ann' ]",
    "/loop ann's history: 0 lines",
    "/loop ann said 17 lines, acked: [ 'sent' ]",
    "/loop bob's history: 15 lines, ann: line 3 … ann: line 17",
    "/loop bob: sent",
    "/loop ann heard: [ 'bob connected', 'bob: hi ann', 'bob disconnected' ]",
    "/loop bob heard: [ 'bob: hi ann' ]",
    "/handlers while ann stays: { sessions: 1, greenlets: 0, reaped: 0, stragglers: 0 }",
    "/loop while ann stays: { sessions: 1, greenlets: 1, reaped: 1, stragglers: 0 }",
  ),
  "tutorial-switching.ts": ["spawned both; neither has run yet", "a step 1", "b step 1", "a step 2", "b step 2", "a step 3", ""].join("\n"),

  // Tutorial, chapter 2 (docs/tutorial/02-waiting-together.md).
  "tutorial-thumbs-1-gate.ts": lines(
    "   0 ms  w1 waits for the service to open",
    "   0 ms  w2 waits for the service to open",
    " 500 ms  service ready",
    " 500 ms  w1 starts working",
    " 500 ms  w2 starts working",
    " 500 ms  w3 waits for the service to open",
    " 500 ms  w3 starts working",
  ),
  "tutorial-thumbs-2-queue.ts": lines(
    "   0 ms  w1 resizes a.jpg",
    "   0 ms  submitted a.jpg",
    "   0 ms  w2 resizes b.jpg",
    "   0 ms  submitted b.jpg",
    "   0 ms  submitted c.jpg",
    "   0 ms  submitted d.jpg",
    " 300 ms  submitted e.jpg",
    " 300 ms  w1 resizes c.jpg",
    " 300 ms  submitted f.jpg",
    " 300 ms  w2 resizes d.jpg",
    " 600 ms  w1 resizes e.jpg",
    " 600 ms  w2 resizes f.jpg",
    " 900 ms  all jobs done",
  ),
  "tutorial-thumbs-3-results.ts": lines(
    " 300 ms  cat.jpg: got cat-thumb.png",
    " 300 ms  party.gif: failed: party.gif: animated images are not supported",
    " 600 ms  dog.jpg: got dog-thumb.png",
  ),
  "tutorial-thumbs-4-channel.ts": lines(
    " 300 ms  w1 offers cat-thumb.png",
    " 300 ms  w1 handed cat-thumb.png over",
    " 300 ms  w2 offers dog-thumb.png",
    " 500 ms  cat.jpg: https://cdn.example.com/cat-thumb.png",
    " 500 ms  w2 handed dog-thumb.png over",
    " 600 ms  w1 offers owl-thumb.png",
    " 700 ms  dog.jpg: https://cdn.example.com/dog-thumb.png",
    " 700 ms  w1 handed owl-thumb.png over",
    " 900 ms  owl.jpg: https://cdn.example.com/owl-thumb.png",
  ),
  "tutorial-thumbs-5-shutdown.ts": lines(
    "   0 ms  e.jpg: refused (Queue.put(): the queue was shut down)",
    " 500 ms  a.jpg: https://cdn.example.com/a-thumb.png",
    " 700 ms  b.jpg: https://cdn.example.com/b-thumb.png",
    " 900 ms  c.jpg: https://cdn.example.com/c-thumb.png",
    "1100 ms  d.jpg: https://cdn.example.com/d-thumb.png",
    "1100 ms  closed: 0 unfinished, workers successful: true",
    "1100 ms  late.jpg: refused (Queue.put(): the queue was shut down)",
  ),
  "tutorial-thumbs-6-timeouts.ts": lines(
    " 200 ms  killed: GreenletExit, the kill's own reason: true",
    " 200 ms  hung up: the client went away",
    " 300 ms  budgeted: timed out after 300 ms, the request's deadline: true",
    " 400 ms  impatient: TimeoutError: AsyncResult.get(): timed out after 400 ms",
    " 400 ms  glance: not ready yet, will look again later",
    "1300 ms  thumbnails made all the same: 5 of 5",
  ),

  // Tutorial, chapter 3 (docs/tutorial/03-bounded-concurrency.md).
  "tutorial-crawl-1-group.ts": lines(
    " 100 ms  fetched /",
    " 200 ms  fetched /about",
    " 300 ms  fetched /docs",
    " 400 ms  fetched /blog",
    " 400 ms  fetched /docs/install",
    " 600 ms  fetched /blog/1",
    " 600 ms  fetched /blog/2",
    " 600 ms  fetched /blog/3",
    " 700 ms  fetched /docs/api",
    " 700 ms  9 pages, at most 5 fetches at once",
  ),
  "tutorial-crawl-2-semaphore.ts": lines(
    " 150 ms  without a lock, three greenlets fetched robots.txt 3 times",
    " 400 ms  fetched /",
    " 500 ms  fetched /docs",
    " 600 ms  fetched /about",
    " 700 ms  fetched /blog",
    " 700 ms  skipped /blog/2: robots.txt says no",
    " 700 ms  fetched /docs/install",
    " 900 ms  fetched /blog/1",
    "1100 ms  fetched /docs/api",
    "1100 ms  fetched /blog/3",
    "1100 ms  8 pages in 950 ms, at most 2 fetches at once, robots.txt fetched 1 time",
  ),
  "tutorial-crawl-3-pool.ts": lines(
    " 100 ms  fetched /; queued: 0",
    " 300 ms  fetched /docs; queued: 0",
    " 400 ms  fetched /blog; queued: 1",
    " 400 ms  fetched /about; queued: 3",
    " 500 ms  fetched /docs/install; queued: 2",
    " 700 ms  fetched /blog/1; queued: 1",
    " 800 ms  fetched /docs/api; queued: 0",
    " 900 ms  fetched /blog/2; queued: 0",
    "1000 ms  fetched /blog/3; queued: 0",
    "1000 ms  9 pages, at most 2 fetches at once, 0 greenlets left",
  ),
  "tutorial-crawl-4-map.ts": lines(
    " 600 ms  map: docs > api, Home, docs, blog, about",
    "1000 ms  imap: docs > api",
    "1000 ms  imap: Home",
    "1000 ms  imap: docs",
    "1200 ms  imap: blog",
    "1200 ms  imap: about",
    "1300 ms  imapUnordered: Home",
    "1500 ms  imapUnordered: docs",
    "1600 ms  imapUnordered: docs > api",
    "1700 ms  imapUnordered: about",
    "1800 ms  imapUnordered: blog",
    "2000 ms    /blog cancelled",
    "2000 ms  map failed: /missing: 404 not found",
    "2000 ms  0 greenlets left",
  ),
  "tutorial-crawl-5-kill.ts": lines(
    " 100 ms  fetched /",
    " 150 ms    closed the connection of /",
    " 300 ms  fetched /docs",
    " 350 ms    closed the connection of /docs",
    " 450 ms  fetched /blog",
    " 450 ms  fetched /about",
    " 500 ms    closed the connection of /blog",
    " 500 ms    closed the connection of /about",
    " 600 ms  fetched /docs/install",
    " 600 ms  found it: stop",
    " 600 ms  killing; free slots: 0, members: 2",
    " 650 ms    closed the connection of /docs/install",
    " 650 ms    closed the connection of /docs/api",
    " 650 ms  killed; free slots: 2, at most 2 connections were open at once",
  ),

  // Tutorial, chapter 4 (docs/tutorial/04-deadlines-and-cleanup.md).
  "tutorial-deadline-1-budget.ts": lines(
    " 150 ms  robots.txt read; 0 rules",
    " 250 ms  fetched /",
    " 450 ms  fetched /docs",
    " 550 ms  fetched /blog",
    " 550 ms  fetched /about",
    " 600 ms  out of time: timed out after 600 ms",
    " 600 ms  4 pages fetched, 2 still queued",
  ),
  "tutorial-deadline-2-nesting.ts": lines(
    " 250 ms  /docs: attempt 1 gave up after 250 ms",
    " 350 ms  /docs: /docs/next",
    " 600 ms  /slow: attempt 1 gave up after 250 ms",
    " 850 ms  /slow: attempt 2 gave up after 250 ms",
    " 950 ms  /slow: withTimeout(): timed out after 600 ms, 600 ms after the start",
  ),
  "tutorial-deadline-3-platform.ts": lines(
    "fast: fast page",
    "killed fetch: true true | server saw the close: true",
    "pause saw: AbortError, caused by the kill: true",
    "pause ended: killed true",
    "withTimeout: true withTimeout(): timed out after 200 ms | server saw the close: true",
  ),
  "tutorial-deadline-4-uninterruptible.ts": lines(
    " 100 ms  kill: dead within 100 ms? false",
    "1000 ms  task: got the answer; killed meanwhile: true",
    "1000 ms  task ended: killed",
  ),
  "tutorial-deadline-5-cleanup.ts": lines(
    "   0 ms  careless: lost 3 pages: GreenletExit",
    "   0 ms  kill took 0 ms with a 200 ms disk; killed as expected: true",
    " 200 ms  careful: wrote 3 pages",
    " 200 ms  kill took 200 ms with a 200 ms disk; killed as expected: true",
    " 700 ms  careful: lost 3 pages: withTimeout(): timed out after 500 ms",
    " 700 ms  kill took 500 ms with a 2000 ms disk; killed as expected: true",
    " 700 ms  on disk: 3 pages",
  ),
  "tutorial-deadline-6-shield.ts": lines(
    " 650 ms  indexed /",
    " 650 ms  handed over 3 pages",
    " 650 ms  kill took 300 ms; killed as expected: true",
    " 950 ms  indexed /docs",
    "1250 ms  indexed /blog",
  ),

  // Tutorial, chapter 8 (docs/tutorial/08-sockets-to-socketio.md).
  "tutorial-echo-1-net.ts": lines(
    "server: client 1 connected",
    "ann heard: echo: hello | echo: anyone?",
    "server: client 2 connected",
    "bob heard: echo: hi",
    "server: client 2 closed its end",
    "server: client 3 connected",
    "cat heard: working on it",
    "server: client 3's greenlet killed (connection closed)",
    "still connected: 1",
    "server: client 1's greenlet killed (server shutting down)",
    "after the shutdown: 0",
  ),
  "tutorial-echo-2-ws.ts": lines(
    "server: client 1 connected",
    "ann heard: echo: hello | echo: anyone?",
    "server: client 2 connected",
    "bob heard: echo: hi",
    "server: client 2's greenlet killed (connection closed, code 1000)",
    "server: client 3 connected",
    "cat heard: working on it",
    "server: client 3's greenlet killed (connection closed, code 1006)",
    "still connected: 1",
    "server: client 1's greenlet killed (server shutting down)",
    "after the shutdown: 0",
  ),
  "tutorial-echo-3-socketio.ts": lines(
    "/handlers ann heard: echo: hello | echo: anyone?",
    "/handlers ann heard: working on it",
    "/handlers ann heard: echo: still there?",
    "server: /handlers, the slow job reaped (client namespace disconnect)",
    "/handlers after ann left: { sessions: 0, greenlets: 0, reaped: 1, stragglers: 0 }",
    "/loop ann heard: echo: hello | echo: anyone?",
    "/loop ann heard: working on it",
    "/loop ann heard: nothing (operation has timed out)",
    "server: /loop, the slow job reaped (client namespace disconnect)",
    "/loop after ann left: { sessions: 0, greenlets: 0, reaped: 1, stragglers: 0 }",
    "/loop bob heard: echo: hi",
    "after the shutdown: { sessions: 0, greenlets: 0, reaped: 3, stragglers: 0 }",
  ),

  // Tutorial, chapter 9 (docs/tutorial/09-past-one-process.md).
  "tutorial-cluster-1-rooms.ts": lines(
    "ann joined on node-a; in the room: [ 'ann@node-a' ]",
    "bob joined on node-b; in the room: [ 'ann@node-a', 'bob@node-b' ]",
    "cat joined on node-b; in the room: [ 'ann@node-a', 'bob@node-b', 'cat@node-b' ]",
    "bob heard: [ 'ann@node-a: hello from node-a' ]",
    "cat heard: [ 'ann@node-a: hello from node-a' ]",
    "ann heard: [ 'cat@node-b: hi ann' ]",
    "the cluster, asked on node-a: { self: 'node-a', nodes: [ 'node-a', 'node-b' ], totals: { sessions: 3, greenlets: 3, reaped: 0, stragglers: 0, adapterErrors: 0 }, missing: [] }",
    "node-a closed: sessions 0, reaped in all 1",
    "node-b closed: sessions 0, reaped in all 2",
  ),
  "tutorial-cluster-2-node-dies.ts": lines(
    "online: [ 'ann', 'bob', 'cat' ]",
    "subscribers of news:general: 1",
    "the cluster: { self: 'node-a', nodes: [ 'node-a', 'node-b' ], totals: { sessions: 4, greenlets: 4, reaped: 0, stragglers: 0, adapterErrors: 0 }, missing: [] }",
    "node-b is gone; bob's client saw: transport close",
    "subscribers of news:general: 0",
    "online: [ 'ann', 'bob', 'cat' ]",
    "the cluster: { self: 'node-a', nodes: [ 'node-a' ], totals: { sessions: 1, greenlets: 1, reaped: 0, stragglers: 0, adapterErrors: 0 }, missing: [] }",
    "in the room: [ 'ann@node-a' ]",
    "bob is back, on node-a; in the room: [ 'ann@node-a', 'bob@node-a' ]",
    "node-a closed: sessions 0, reaped in all 2",
    "online: [ 'cat' ]",
  ),

  // The Rosetta page's greenthread column (docs/rosetta.md).
  "rosetta/effection.ts": lines(
    "spawn: <html>/home</html>",
    "join: gave up waiting, then halted it",
    "kill: the task's finally ran",
    "Timeout: gave up: timed out after 50 ms",
    "Event: the waiter saw the flag",
    "Queue: did a",
    "Queue: did b",
    "Queue: did c",
    "imapUnordered: small.png",
    "imapUnordered: mid.png",
    "imapUnordered: big.png",
    "Group: the scope's end halted the one still running",
    "link: the scope failed with its child: 404",
    "local: req-1 handled",
    "subprocess: stdout \"hello from the child\\n\"",
  ),
  "rosetta/greenlets.ts": lines(
    " 100 ms  spawn: <html>/home</html>",
    "1100 ms  join: done false, dead false",
    "1100 ms  kill: the greenlet's finally ran",
    "1100 ms  kill: dead true, successful true, value a GreenletExit true",
    "1600 ms  Timeout: gave up: timed out after 500 ms",
    "1600 ms  link: bad failed: 404",
    "1700 ms  link: ok gave <html>/ok</html>",
    "1710 ms  local: handler-a req-1 handled",
    "1710 ms  local: handler-b req-2 handled",
    "1710 ms  local: outside any greenlet, undefined undefined",
  ),
  "rosetta/waiting.ts": lines(
    " 100 ms  Event: the waiter saw the flag",
    " 200 ms  Queue: did a",
    " 300 ms  Queue: did b",
    " 400 ms  Queue: did c",
    " 500 ms  imapUnordered: small.png",
    " 650 ms  imapUnordered: mid.png",
    " 700 ms  imapUnordered: big.png",
    "1200 ms  Group: all done false, still running 1",
    "1200 ms  Group: after the kill 0",
  ),
  "rosetta/subprocess.ts": lines(
    "subprocess: exit 0, stdout \"hello from the child\\n\"",
    "subprocess: done after 200 ms false; after the kill: dead true, ended by SIGTERM",
  ),
  "rosetta/promise.ts": lines(
    "spawn: <html>/home</html>",
    "join: done false",
    "kill: the job's finally ran",
    "Timeout: gave up: TimeoutError: The operation was aborted due to timeout",
    "Event: the waiter saw the flag",
    "Queue: did a",
    "Queue: did b",
    "Queue: did c",
    "imapUnordered: small.png",
    "imapUnordered: mid.png",
    "imapUnordered: big.png",
    "Group: 1 aborted",
    "link: bad failed: 404",
    "link: ok gave <html>/ok</html>",
    "local: req-1 handled",
    "local: outside, undefined",
    "subprocess: stdout \"hello from the child\\n\"",
  ),
  "rosetta/socketio.ts": lines(
    "socket.io: echo: hi",
    "socket.io: session ended (client namespace disconnect)",
    "socket.io: { sessions: 0, greenlets: 0, reaped: 1, stragglers: 0 }",
  ),

  // Tutorial, chapter 6 (docs/tutorial/06-cpu-bound.md).
  "tutorial-cpu-1-blocked.ts": lines(
    "  0 ms  heartbeat spawned",
    "  0 ms    report spawned",
    "  0 ms  heartbeat starts",
    "  0 ms  heartbeat parks on sleep(10)",
    "  0 ms    report starts",
    "  0 ms    report parks on sleep(25)",
    " 10 ms  heartbeat wakes up",
    " 10 ms  heartbeat parks on sleep(10)",
    " 20 ms  heartbeat wakes up",
    " 20 ms  heartbeat parks on sleep(10)",
    " 25 ms    report wakes up",
    " 75 ms    report ends: value",
    " 75 ms  heartbeat wakes up",
    " 75 ms  heartbeat parks on sleep(10)",
    " 85 ms  heartbeat wakes up",
    " 85 ms  heartbeat parks on sleep(10)",
    " 95 ms  heartbeat wakes up",
    " 95 ms  heartbeat parks on sleep(10)",
    "105 ms  heartbeat wakes up",
    "105 ms  heartbeat parks on sleep(10)",
    "115 ms  heartbeat wakes up",
    "115 ms  heartbeat parks on sleep(10)",
    "125 ms  heartbeat wakes up",
    "125 ms  heartbeat ends: value",
    "heartbeats at 10, 20, 75, 85, 95, 105, 115, 125 ms: the longest gap 55 ms",
  ),
  "tutorial-cpu-2-monitor.ts": lines(
    "primes below 2,000,000: 148933",
    "the loop was blocked by report: at least 100 ms: true",
  ),
  "tutorial-cpu-3-threadpool.ts": lines(
    " 0 ms  heartbeat spawned",
    " 0 ms    report spawned",
    " 0 ms  heartbeat starts",
    " 0 ms  heartbeat parks on sleep(10)",
    " 0 ms    report starts",
    " 0 ms    report parks on sleep(25)",
    "10 ms  heartbeat wakes up",
    "10 ms  heartbeat parks on sleep(10)",
    "20 ms  heartbeat wakes up",
    "20 ms  heartbeat parks on sleep(10)",
    "25 ms    report wakes up",
    "25 ms      Greenlet-3 joins Group",
    "25 ms      Greenlet-3 spawned",
    "25 ms    report parks on ThreadPool.apply(Greenlet-3)",
    "25 ms      Greenlet-3 starts",
    "30 ms  heartbeat wakes up",
    "30 ms  heartbeat parks on sleep(10)",
    "40 ms  heartbeat wakes up",
    "40 ms  heartbeat parks on sleep(10)",
    "50 ms  heartbeat wakes up",
    "50 ms  heartbeat parks on sleep(10)",
    "60 ms  heartbeat wakes up",
    "60 ms  heartbeat parks on sleep(10)",
    "70 ms  heartbeat wakes up",
    "70 ms  heartbeat parks on sleep(10)",
    "80 ms  heartbeat wakes up",
    "80 ms  heartbeat ends: value",
    "80 ms      Greenlet-3 ends: value",
    "80 ms    report wakes up",
    "80 ms    report ends: value",
    "heartbeats at 10, 20, 30, 40, 50, 60, 70, 80 ms: the longest gap 10 ms",
    "primes below 2,000,000: 148933",
  ),
  "tutorial-cpu-4-process.ts": lines(
    "heartbeats at 10, 20, 30, 40, 50, 60, 70, 80 ms: the longest gap 10 ms",
    "primes below 2,000,000: 148933",
  ),

  // Tutorial, chapter 7 (docs/tutorial/07-task-switching.md).
  "tutorial-tasks-1-join.ts": lines(
    " 0 ms  page spawned",
    " 0 ms  page starts",
    " 0 ms    user spawned",
    " 0 ms      orders spawned",
    " 0 ms  page parks on join(orders)",
    " 0 ms    user starts",
    " 0 ms    user parks on sleep(20)",
    " 0 ms      orders starts",
    " 0 ms      orders parks on sleep(10)",
    "10 ms      orders wakes up",
    "10 ms      orders ends: value",
    "10 ms  page wakes up",
    "10 ms  page parks on join(user)",
    "20 ms    user wakes up",
    "20 ms    user ends: value",
    "20 ms  page wakes up",
    "20 ms  page ends: value",
    "ada has 3 orders",
  ),
  "tutorial-tasks-2-queue.ts": lines(
    " 0 ms  producer spawned",
    " 0 ms    c1 spawned",
    " 0 ms      c2 spawned",
    " 0 ms  producer starts",
    " 0 ms  producer parks on sleep(10)",
    " 0 ms    c1 starts",
    " 0 ms    c1 parks on Queue.get",
    " 0 ms      c2 starts",
    " 0 ms      c2 parks on Queue.get",
    "10 ms  producer wakes up",
    "10 ms    c1 wakes up",
    "10 ms    c1 parks on sleep(15)",
    "10 ms  producer parks on sleep(10)",
    "20 ms  producer wakes up",
    "20 ms      c2 wakes up",
    "20 ms      c2 parks on sleep(15)",
    "20 ms  producer parks on sleep(10)",
    "25 ms    c1 wakes up",
    "25 ms    c1 parks on Queue.get",
    "30 ms  producer wakes up",
    "30 ms    c1 wakes up",
    "30 ms    c1 parks on sleep(15)",
    "30 ms  producer ends: value",
    "35 ms      c2 wakes up",
    "35 ms      c2 ends: value",
    "45 ms    c1 wakes up",
    "45 ms    c1 ends: value",
  ),
  "tutorial-tasks-3-kill.ts": lines(
    " 0 ms  poller spawned",
    " 0 ms    deaf spawned",
    " 0 ms      listening spawned",
    " 0 ms        boss spawned",
    " 0 ms  poller starts",
    " 0 ms    deaf starts",
    " 0 ms    deaf parks on sleep(10)",
    " 0 ms      listening starts",
    " 0 ms      listening parks on sleep(10)",
    " 0 ms        boss starts",
    " 0 ms        boss parks on sleep(20)",
    "10 ms  poller parks on sleep(30)",
    "10 ms    deaf wakes up",
    "10 ms      listening wakes up",
    "20 ms        boss wakes up",
    "20 ms  poller killed with GreenletExit",
    "20 ms  poller wakes up",
    "20 ms    deaf killed with GreenletExit",
    "20 ms      listening killed with GreenletExit",
    "20 ms  poller ends: killed",
    "20 ms      listening ends: killed",
    "40 ms    deaf ends: killed",
    "40 ms        boss ends: value",
    "poller: dead 0 ms after the kill",
    "listening: dead 0 ms after the kill",
    "deaf: dead 20 ms after the kill",
  ),
  "tutorial-tasks-4-timeout.ts": lines(
    " 0 ms  slow spawned",
    " 0 ms    caller spawned",
    " 0 ms  slow starts",
    " 0 ms  slow parks on sleep(20)",
    " 0 ms    caller starts",
    " 0 ms    caller parks on AsyncResult.get",
    "20 ms  slow wakes up",
    "20 ms  slow parks on sleep(30)",
    "30 ms    caller wakes up",
    "30 ms  slow killed with GreenletExit",
    "30 ms  slow wakes up",
    "30 ms  slow ends: killed",
    "30 ms    caller ends: value",
    "caller got: no answer",
  ),
  // The reference pages' samples (docs/reference).
  "reference/core-children.ts": lines(
    "100 ms: server returns; worker dead: false",
    "130 ms: server's heartbeat stopped (parent: server)",
    "130 ms: worker's heartbeat stopped (parent: worker)",
    "130 ms: server dead with value served",
  ),
  "reference/core-current.ts": lines(
    "[main -] spawning",
    "[worker-a a] start",
    "[worker-b b] start",
    "[worker-b b] done",
    "[worker-a a] done",
    "[main -] all done",
  ),
  "reference/core-error-handler.ts": lines(
    "reported (link): linked: a link callback that throws",
    "observed.get() rejected: asked for",
    "reported (greenlet): lost: nobody asked",
  ),
  "reference/core-iwait.ts": lines(
    "100 ms: fast is ready",
    "200 ms: answer is ready",
    "250 ms: stop is ready",
    "300 ms: slow is ready",
    "wait({ count: 1 }) returned 1 object at 350 ms",
  ),
  "reference/core-kill.ts": lines(
    "plain:  true true",
    "caught: true stopped cleanly",
    "failed: false shutting down",
    "plain.get() rejects with the exit: true",
    "a second kill does nothing: true true",
    "killed before it started: true true",
  ),
  "reference/core-link.ts": lines(
    "Greenlet-1: ended, successful=true",
    "Greenlet-1: value fine",
    "Greenlet-2: ended, successful=false",
    "Greenlet-2: exception broken",
    "Greenlet-1: linked after the end, still called",
  ),
  "reference/core-retry.ts": lines(
    "0 ms: attempt 1",
    "100 ms: attempt 2",
    "300 ms: attempt 3",
    "300 ms: got 200 OK",
    "300 ms: attempt 1 failed (still down); next in 1000 ms",
    "800 ms: killed during the delay, no further attempt: true",
  ),
  "reference/core-shield.ts": lines(
    "10 ms: put given g: GreenletExit",
    "200 ms: consumer took older report",
    "200 ms: put given the shield's scope: done",
    "200 ms: reporter dead: true; queued: report",
    "500 ms: TimeoutError: shield(): timed out after 300 ms",
  ),
  "reference/core-timeout.ts": lines(
    "400 ms: hello",
    "800 ms: world",
    "1000 ms: timed out after 1000 ms; same object as the Timeout's reason: true",
    "<Timeout 1000 ms expired>",
  ),
  "reference/core-using-timeout.ts": lines(
    "600 ms: hello, world",
    "  timers still armed: 0",
    "1600 ms: timed out after 1000 ms",
    "  timers still armed: 0",
  ),
  "reference/core-virtual-clock.ts": lines(
    "virtual time: 10000 ms",
    "the real clock is back: true",
  ),
  "reference/core-with-timeout.ts": lines(
    "50 ms: cached = null",
    "100 ms later: TimeoutError: withTimeout(): timed out after 100 ms",
    "aborted with the caller's reason: true",
  ),
  "reference/observe-monitor.ts": lines(
    "blocked by resize-image: at least 100 ms: true",
    "resumed in resizeImage",
    "reports after slicing: 0",
  ),
  "reference/pool-fail-fast.ts": lines(
    "120 ms: us closed after the kill",
    "120 ms: join rejected: eu is down; failures: 1",
    "170 ms: withGroup returned us and asia",
    "290 ms: us closed after the kill",
    "290 ms: withGroup rejected: eu is down",
  ),
  "reference/pool-group-map.ts": lines(
    "[ 5, 0, 10 ]",
  ),
  "reference/pool-group.ts": lines(
    "120 ms: fetched /home",
    "300 ms: fetched /about",
    "10000 ms: /archive cancelled",
    "10000 ms: 0 members left",
  ),
  "reference/pool-imap-unordered.ts": lines(
    "90 ms: us.example.org answered in 90 ms",
    "90 ms: eu.example.org cancelled",
    "90 ms: ap.example.org cancelled",
    "0 requests left",
  ),
  "reference/pool-imap-signal.ts": lines(
    "100 ms: got a.txt",
    "350 ms: got c.txt",
    "400 ms: got b.txt",
    "500 ms: d.txt cancelled",
    "500 ms: the mirror ended with a GreenletExit: true; 0 downloads left",
  ),
  "reference/pool-imap.ts": lines(
    "alice is 34",
    "bob is 27",
    "carol is 41",
    "dave is 19",
    "erin is 52",
  ),
  "reference/pool-spawn.ts": lines(
    "100 jobs in 500 ms, at most 20 at once",
  ),
  "reference/pool-spawn-with.ts": lines(
    "0 ms: handling r1",
    "0 ms: handling r2",
    "1000 ms: shed r3 (Pool.spawnWith(): no slot became free within 1000 ms)",
    "1500 ms: handling r4",
  ),
  "reference/pool-threadpool.ts": lines(
    "514497fa13513d143c58307cbeac76d8723a9df9df3a0d7f80c955cbf3f48eb2 90000",
  ),
  "reference/pool-wait-available.ts": lines(
    "0 ms: handling r1",
    "200 ms: handling r2",
    "1400 ms: shed r3",
    "1500 ms: handling r4",
    "1700 ms: handling r5",
  ),
  "reference/process-kill.ts": lines(
    "ready",
    "got SIGTERM, staying up",
    "dead while the child runs: false",
    "dead: true, ended by SIGKILL, pid gone: true",
    "inside the block, running: true",
    "after the block, pid gone: true",
  ),
  "reference/process-overview.ts": lines(
    "{ exitCode: 0, signal: null, stdout: 'one\\ntwo\\n' }",
    "read: tick 1",
    "read: tick 2",
    "read: tick 3",
    '2 null "backup: disk full\\n"',
    'process "sh" (pid <pid>) exited with code 2; stderr ends with:',
    "backup: disk full",
    'ENOENT spawnProcess(): cannot start "transcode-video": ENOENT: not found in PATH',
  ),
  "reference/queue-base.ts": lines(
    "Queue: 2, 3, 1",
    "LifoQueue: 1, 3, 2",
    "PriorityQueue: 1, 2, 3",
  ),
  "reference/queue-channel.ts": lines(
    "0 ms: request 1 taken",
    "0 ms: handling request 1",
    "500 ms: request 2 taken",
    "500 ms: handling request 2",
    "1500 ms: request 3 not taken: Channel.put(): timed out after 1000 ms; no getter took the item",
  ),
  "reference/queue-get-timeout.ts": lines(
    "10 s: got hello",
    "15 s: got still there?",
    "45 s: idle for 30 s, closing",
  ),
  "reference/queue-iter.ts": lines(
    "one",
    "two",
    "three",
    "writer done: true",
  ),
  "reference/queue-join.ts": lines(
    "fetched /a",
    "fetched /b",
    "fetched /c",
    "1 still running",
    "after the kill: 0 unfinished, 0 workers",
  ),
  "reference/queue-lifo.ts": lines(
    "undo: delete line 3",
    "undo: bold",
    "left: 1 of at most 100",
    "true LifoQueue.putNowait(): the queue is full (maxsize 1)",
  ),
  "reference/queue-maxsize.ts": lines(
    "<Queue maxsize=2 qsize=2 getters=0 putters=3>",
    "<Queue maxsize=10000 qsize=5 getters=0 putters=0>",
    "a b c d e",
  ),
  "reference/queue-overview.ts": lines(
    "250 jobs done by 1900 ms; unfinished: 0",
    "<Queue maxsize=100 qsize=0 getters=0 putters=0 shut down>",
  ),
  "reference/queue-priority.ts": lines(
    "[ 1, 'now' ]",
    "invoice < email < report < backup",
  ),
  "reference/queue-put-nowait.ts": lines(
    "kept 3, dropped 2",
  ),
  "reference/queue-put-timeout.ts": lines(
    "160 ms: dropped frame 4 (Queue.put(): timed out after 100 ms; the queue is still full)",
    "200 ms: encoded frame 1",
    "320 ms: dropped frame 6 (Queue.put(): timed out after 100 ms; the queue is still full)",
    "400 ms: encoded frame 2",
    "600 ms: encoded frame 3",
    "800 ms: encoded frame 5",
  ),
  "reference/sync-async-result-link.ts": lines(
    "200 hello from the server",
  ),
  "reference/sync-async-result-wait.ts": lines(
    "after 100 ms: undefined",
    "later: report.pdf",
    "failed, wait(): undefined",
    "failed, get(): upstream failed",
  ),
  "reference/sync-async-result.ts": lines(
    "42 true true",
    "42",
  ),
  "reference/sync-event-heartbeat.ts": lines(
    "heartbeat at 1000 ms",
    "heartbeat at 2000 ms",
    "heartbeat at 3000 ms",
    "stopped at 3500 ms",
  ),
  "reference/sync-event.ts": lines(
    "config loaded",
    "serving",
  ),
  "reference/sync-lock-acquire.ts": lines(
    "0 ms: first updates",
    "500 ms: second found the lock busy and skipped its update",
    "1000 ms: third updates",
    "2000 ms: locked=false",
  ),
  "reference/sync-lock-file.ts": lines(
    "first line",
    "second line",
    "third line",
  ),
  "reference/sync-lock-run.ts": lines(
    "balances seen: 1 2 3 4 5",
    "stored: 5",
  ),
  "reference/sync-rlock.ts": lines(
    "transfer-1 withdraws 30: count 2",
    "transfer-2 withdraws 10: count 2",
    "{ alice: 80, bob: 20 } locked: false",
    "true RLock.release(): transfer-2 released a lock held by holder",
  ),
  "reference/sync-semaphore.ts": lines(
    "25 pages, at most 10 downloads at once, 10 slots free",
  ),
  "reference/socketio-acks.ts": lines(
    "get a: true apple 3",
    "get z: [ false ]",
    "keys: [ 'a' ]",
    "sync: client has 2, newest b; first argument alone: 2",
  ),
  "reference/socketio-acl.ts": lines(
    "before the login: { error: { name: 'AccessDeniedError', message: 'event \"user message\" is not allowed' } }",
    "bad login: { error: { name: 'ClientError', message: 'invalid token' } }",
    "login: undefined",
    "after the login: 'ada: hello'",
  ),
  "reference/socketio-call.ts": lines(
    "client asked: delete 2 items? answering true",
    "delete a, b: deleted 2",
    "client asked: delete 2 items? answering false",
    "delete c, d: kept",
    "left: c d",
    "after the end: true the session closed (server shutting down)",
  ),
  "reference/socketio-conventions.ts": lines(
    "user.update: 'now ada'",
    "chat:message: 'ada: hello'",
    "msg/send: 'ada: from the old client'",
    "chat.message: { error: { name: 'RateLimitError', message: 'rate limit exceeded for event \"chat.message\" (at most 2 events per 60000 ms)' } }",
    "typing:start: 'no handler for typing:start (1 argument)'",
    "admin:reset: { error: { name: 'AccessDeniedError', message: 'event \"admin:reset\" is not allowed' } }",
    "by namespace: { '/chat': { sessions: 1, greenlets: 0, reaped: 0, stragglers: 0 }, '/admin': { sessions: 0, greenlets: 0, reaped: 0, stragglers: 0 } }",
  ),
  "reference/socketio-errors.ts": lines(
    "client error event: { name: 'InvalidEventNameError', message: 'invalid event name \"a/b\": expected a letter followed by letters, digits, spaces, \"_\", \"-\", \":\" or \".\"', event: 'a/b' }",
    "a/b: ack { error: { name: 'InvalidEventNameError', message: 'invalid event name \"a/b\": expected a letter followed by letters, digits, spaces, \"_\", \"-\", \":\" or \".\"' } }",
    "client error event: { name: 'UnknownEventError', message: 'unknown event \"strat\"', event: 'strat' }",
    "strat: ack { error: { name: 'UnknownEventError', message: 'unknown event \"strat\"' } }",
    "client error event: { name: 'AccessDeniedError', message: 'event \"reset\" is not allowed', event: 'reset' }",
    "reset: ack { error: { name: 'AccessDeniedError', message: 'event \"reset\" is not allowed' } }",
    "client error event: { name: 'ValidationError', message: 'invalid payload for event \"move\": [0].x: Invalid input: expected number, received string', event: 'move' }",
    "move: ack { error: { name: 'ValidationError', message: 'invalid payload for event \"move\": [0].x: Invalid input: expected number, received string' } }",
    "move: ack 'moved to 1,2'",
    "client error event: { name: 'RoomFullError', message: 'room lobby is full', event: 'join' }",
    "join: ack { error: { name: 'RoomFullError', message: 'room lobby is full' } }",
    "server onError (handler, event crash): TypeError: cannot read the board",
    "client error event: { name: 'InternalError', message: 'internal error', event: 'crash' }",
    "crash: ack { error: { name: 'InternalError', message: 'internal error' } }",
    "client error event: { name: 'RateLimitError', message: 'rate limit exceeded for event \"move\" (at most 4 events per 60000 ms)', event: 'move' }",
    "move: ack { error: { name: 'RateLimitError', message: 'rate limit exceeded for event \"move\" (at most 4 events per 60000 ms)' } }",
  ),
  "reference/socketio-killall.ts": lines(
    "running: [ 'heartbeat', 'resize', 'upload' ]",
    "after stop: [ 'heartbeat' ]",
  ),
  "reference/socketio-namespaces.ts": lines(
    "/job-7: running",
    "job-8 refused: unauthorized",
    "{ sessions: 1, greenlets: 0, reaped: 0, stragglers: 0 }",
  ),
  "reference/socketio-nodes.ts": lines(
    "bob, on node 2, heard: hello from node 1",
    "node 1: { sessions: 1, greenlets: 1, reaped: 0, stragglers: 0, adapterErrors: 0 }",
    "node 2: { sessions: 1, greenlets: 0, reaped: 0, stragglers: 0, adapterErrors: 0 }",
    "closed: { sessions: 0, greenlets: 0, reaped: 1, stragglers: 0, adapterErrors: 0 }",
    "closed: { sessions: 0, greenlets: 0, reaped: 0, stragglers: 0, adapterErrors: 0 }",
  ),
  "reference/socketio-subscriber.ts": lines(
    "subscribed to news:sports",
    "the tab heard: [ 'news:general: rain tomorrow', 'news:sports: 3-1' ]",
    "subscribers while open: { 'news:general': 1, 'news:sports': 1 }",
    "subscribers after the tab left: { 'news:general': 0, 'news:sports': 0 }",
    "{ sessions: 0, greenlets: 0, reaped: 1, stragglers: 0 }",
  ),
  "reference/socketio-overview.ts": lines(
    "point 1",
    "error event: { name: 'ClientError', message: 'already started', event: 'start' }",
    "acks: started { error: { name: 'ClientError', message: 'already started' } }",
    "stop acked: undefined { sessions: 1, greenlets: 0, reaped: 0, stragglers: 0 }",
    "server: a session of /cpu ended: server shutting down",
    "closed: { sessions: 0, greenlets: 0, reaped: 0, stragglers: 0 }",
  ),
  "reference/socketio-recv.ts": lines(
    "server: note counting starts",
    "add 2: 2",
    "add 3: 5",
    "ping: pong",
    "server: idle, total 5: ending the session",
    "client: io server disconnect",
    "{ sessions: 0, greenlets: 0, reaped: 0, stragglers: 0 }",
  ),
  "reference/socketio-spawn.ts": lines(
    "client: changed notes.txt",
    "watch ended",
    "{ sessions: 0, greenlets: 0, reaped: 1, stragglers: 0 }",
  ),
  "reference/socketio-targets.ts": lines(
    "ann joined: [ 'ann' ]",
    "bob joined: [ 'ann', 'bob' ]",
    "cat joined: [ 'ann', 'bob', 'cat' ]",
    "bob heard ann: hello",
    "bob heard server: ann left | cat heard server: ann left",
  ),
  "reference/socketio-typed.ts": lines(
    "members: 1",
    "client asked: send \"hello\"?",
    "ada said hello",
    "moved to 1,2",
  ),
};

/** Examples that print to stderr on purpose, with what they print there. Every other one must not. */
const expectedStderr: Record<string, string> = {};

/**
 * The swim-lane timelines committed next to tutorial chapters (docs/tutorial/<chapter>/*.svg), by
 * the example that draws them: run with GREENTHREAD_TIMELINE_DIR set, it writes each one there,
 * and the files must be the committed ones byte for byte.
 */
const timelines: Record<string, string[]> = {
  "tutorial-cpu-1-blocked.ts": ["docs/tutorial/06-cpu-bound/blocked.svg"],
  "tutorial-cpu-3-threadpool.ts": ["docs/tutorial/06-cpu-bound/threadpool.svg"],
  "tutorial-tasks-1-join.ts": ["docs/tutorial/07-task-switching/join.svg"],
  "tutorial-tasks-2-queue.ts": ["docs/tutorial/07-task-switching/queue.svg"],
  "tutorial-tasks-3-kill.ts": ["docs/tutorial/07-task-switching/kill.svg"],
  "tutorial-tasks-4-timeout.ts": ["docs/tutorial/07-task-switching/timeout.svg"],
};

/** Examples that start a real redis-server: skipped where it is missing (never under CI=true). */
const needsRedis = new Set([
  "reference/socketio-nodes.ts",
  "reference/socketio-subscriber.ts",
  "tutorial-cluster-1-rooms.ts",
  "tutorial-cluster-2-node-dies.ts",
]);
const redis = redisSkip();

describe("examples", { concurrency: 2 }, () => {
  for (const file of examples) {
    const checked = file in expected ? " and prints what the docs say" : "";
    const drawn = file in timelines ? " and draws the timelines committed next to the chapter" : "";
    const skip = needsRedis.has(file) ? redis : false;
    test(`examples/${file} runs to completion${checked}${drawn}`, { timeout: 60_000, skip }, async () => {
      const dir = file in timelines ? mkdtempSync(join(tmpdir(), "greenthread-timelines-")) : undefined;
      try {
        const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", "--conditions=source", join("examples", file)], {
          cwd: root,
          encoding: "utf8",
          env: { ...process.env, GREENTHREAD_EXAMPLE_TEST: "1", ...(dir !== undefined && { GREENTHREAD_TIMELINE_DIR: dir }) },
        });
        if (file in expected) assert.equal(stdout, expected[file]);
        assert.equal(stderr, expectedStderr[file] ?? "", `examples/${file} wrote to stderr`);
        if (dir !== undefined) {
          const committed = timelines[file]!;
          assert.deepEqual(readdirSync(dir).sort(), committed.map((path) => path.split("/").pop()).sort(), `the timelines examples/${file} draws`);
          for (const path of committed) {
            const svg = readFileSync(join(dir, path.split("/").pop()!), "utf8");
            // Compared without assert.equal's diff of two 20 kB one-line documents.
            assert.ok(svg === readFileSync(join(root, path), "utf8"), `${path} is not what examples/${file} draws now: regenerate it with GREENTHREAD_TIMELINE_DIR=${path.slice(0, path.lastIndexOf("/"))}`);
          }
        }
      } finally {
        if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

test("every example whose output is checked exists", () => {
  for (const file of [...Object.keys(expected), ...Object.keys(expectedStderr), ...Object.keys(timelines)]) {
    assert.ok(examples.includes(file), `expected output for examples/${file}, which is not an example`);
  }
});

/**
 * Docs whose every ```ts (and ```js) block must be an excerpt of an example: tutorial chapters 1-7
 * and the reference pages of the core, sync, queue, pool and socketio modules.
 */
const strictDocs = (): string[] => [
  ...readdirSync(join(root, "docs", "tutorial"))
    .filter((f) => /^0[1-7]-.*\.md$/.test(f))
    .map((f) => join("docs", "tutorial", f)),
  ...["core", "sync", "queue", "pool", "socketio", "process", "observe"].map((page) => join("docs", "reference", `${page}.md`)),
  ...["tutorial/08-sockets-to-socketio.md", "tutorial/09-past-one-process.md", "rosetta.md"].map((page) => join("docs", page)),
];

// A markdown link to an example, the rest of its line, optionally one more line of text, a blank
// line, then the code block: the block must be a verbatim excerpt of the linked file.
const EXCERPT = /\]\((?:\.\.\/)*(examples\/[\w/-]+\.(?:ts|mjs))\)[^\n]*\n(?:[^\n]*\n)?\n```(?:ts|js)\n([\s\S]*?)```/g;

test("every code block in the docs that follows a link to an example is that example's code", () => {
  const docs = ["README.md", ...readdirSync(join(root, "docs"), { recursive: true }).map((f) => join("docs", String(f)))].filter((f) =>
    f.endsWith(".md"),
  );
  const strict = new Set(strictDocs());
  for (const doc of strict) assert.ok(docs.includes(doc), `${doc} is missing`);
  let checked = 0;
  for (const doc of docs) {
    const text = readFileSync(join(root, doc), "utf8");
    let excerpts = 0;
    for (const match of text.matchAll(EXCERPT)) {
      const [, file, block] = match;
      const source = readFileSync(join(root, file!), "utf8");
      assert.ok(source.includes(block!), `${doc}: the block after the link to ${file} is not in that file`);
      excerpts++;
    }
    checked += excerpts;
    if (strict.has(doc)) {
      const blocks = text.match(/^```(?:ts|js)$/gm)?.length ?? 0;
      assert.equal(excerpts, blocks, `${doc}: ${blocks - excerpts} code block(s) do not follow a link to the example they come from`);
    }
  }
  assert.ok(checked >= 2, `expected to check the tutorial's blocks, checked ${checked}`);
});

/** The outputs a page shows after a link to an example: each must be what that example prints. */
function checkShownOutputs(page: string): number {
  const text = readFileSync(join(root, "docs", page), "utf8");
  let example: string | undefined;
  let checked = 0;
  for (const match of text.matchAll(/\]\((?:\.\.\/)*examples\/([\w/-]+\.ts)\)|^```text\n([\s\S]*?)^```$/gm)) {
    if (match[1] !== undefined) {
      example = match[1];
      continue;
    }
    assert.ok(example !== undefined && example in expected, `${page}: an output block that follows no example with a checked output`);
    assert.equal(match[2], expected[example], `${page}: the output shown for examples/${example} is not what it prints`);
    checked++;
  }
  return checked;
}

test("every output shown in tutorial chapters 2-9 and on the Rosetta page is what the example linked before it prints", () => {
  const chapters = readdirSync(join(root, "docs", "tutorial")).filter((f) => /^0[2-9]-.*\.md$/.test(f));
  let checked = 0;
  for (const chapter of chapters) checked += checkShownOutputs(join("tutorial", chapter));
  checked += checkShownOutputs("rosetta.md");
  assert.ok(checked >= 34, `expected to check the outputs of chapters 2-9 and the Rosetta page, checked ${checked}`);
});

test("every timeline next to a tutorial chapter is drawn by an example and shown in its chapter", () => {
  const drawn = new Set(Object.values(timelines).flat());
  const tutorial = join(root, "docs", "tutorial");
  const svgs = readdirSync(tutorial, { recursive: true })
    .map((f) => String(f).split(sep).join("/"))
    .filter((f) => f.endsWith(".svg"))
    .map((f) => `docs/tutorial/${f}`);
  assert.deepEqual(svgs.sort(), [...drawn].sort(), "the SVG files under docs/tutorial/ and the timelines the examples draw");
  for (const svg of svgs) {
    const [dir, name] = svg.slice("docs/tutorial/".length).split("/");
    const chapter = readFileSync(join(tutorial, `${dir}.md`), "utf8");
    assert.ok(chapter.includes(`](${dir}/${name})`), `docs/tutorial/${dir}.md does not show ${dir}/${name}`);
  }
});

