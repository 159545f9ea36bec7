// The tracer on the virtual clock: the events of a producer/consumer, a kill and a timeout in the
// order they happen, the text log they make, the swim lanes drawn from them, and the page a real
// Chromium renders (a screenshot goes to test-output/).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Queue, TimeoutError, joinall, sleep, spawn, withTimeout } from "../../src/index.js";
import { renderText, renderTimeline, renderTimelineSvg, startTrace, timelineData, trace, type Trace } from "../../src/observe/index.js";
import { withVirtualClock } from "../helpers.js";
import { CHROMIUM, CHROMIUM_ARGS, chromiumMissing } from "../dashboard/browser.js";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** A producer and a consumer through a queue of one, a victim killed while it sleeps, a deadline. */
function scenario(): Promise<Trace & { value: string }> {
  return withVirtualClock(() =>
    trace(async () => {
      const q = new Queue<number>(1);
      const producer = spawn(async (g) => {
        g.name = "producer";
        for (let i = 0; i < 3; i++) await q.put(i, { signal: g });
      });
      const consumer = spawn(async (g) => {
        g.name = "consumer";
        for (let i = 0; i < 3; i++) {
          await q.get({ signal: g });
          await sleep(10, { signal: g });
        }
      });
      const victim = spawn(async (g) => {
        g.name = "victim";
        await sleep(1000, { signal: g });
      });
      const late = spawn(async (g) => {
        g.name = "late";
        await withTimeout(5, (signal) => sleep(100, { signal }));
      });
      await sleep(15);
      await victim.kill();
      await joinall([producer, consumer, late]);
      return (late.exception as Error).name;
    }),
    { autojump: true },
  );
}

test("trace records spawn, start, park with what, resume, kill and end, on the virtual clock", async () => {
  const t = await scenario();
  assert.equal(t.value, TimeoutError.name);
  assert.deepEqual(t.greenlets.map((g) => g.name), ["producer", "consumer", "victim", "late"]);
  assert.equal(t.dropped, 0);
  assert.equal(t.durationMs, 30);
  assert.equal(renderText(t), [
    " 0 ms  producer spawned",
    " 0 ms    consumer spawned",
    " 0 ms      victim spawned",
    " 0 ms        late spawned",
    " 0 ms  producer starts",
    " 0 ms    consumer starts",
    " 0 ms      victim starts",
    " 0 ms      victim parks on sleep(1000)",
    " 0 ms        late starts",
    " 0 ms    consumer parks on sleep(10)",
    " 0 ms  producer parks on Queue.put",
    " 5 ms        late ends: error: withTimeout(): timed out after 5 ms",
    "10 ms    consumer wakes up",
    "10 ms  producer wakes up",
    "10 ms    consumer parks on sleep(10)",
    "10 ms  producer ends: value",
    "15 ms      victim killed with GreenletExit",
    "15 ms      victim wakes up",
    "15 ms      victim ends: killed",
    "20 ms    consumer wakes up",
    "20 ms    consumer parks on sleep(10)",
    "30 ms    consumer wakes up",
    "30 ms    consumer ends: value",
    "",
  ].join("\n"));
});

test("the same program gives the same trace on every run", async () => {
  const first = await scenario();
  const second = await scenario();
  const strip = (t: Trace): unknown => t.events.map((e) => [e.t, e.kind, t.greenlets.findIndex((g) => g.id === e.id), e.detail]);
  assert.deepEqual(strip(second), strip(first));
});

test("the timeline's lanes hold scheduled, running and parked stretches, a kill mark and an end mark per greenlet", async () => {
  const t = await scenario();
  const { segments, marks, end } = timelineData(t);
  assert.equal(end, t.events.length);
  const victim = "victim";
  assert.deepEqual(
    segments.filter((s) => s.lane === victim).map((s) => [s.state, s.detail]),
    [["scheduled", "scheduled"], ["running", "running"], ["parked", "sleep(1000)"], ["running", "running"]],
  );
  assert.deepEqual(marks.filter((m) => m.lane === victim).map((m) => [m.kind, m.detail]), [["killed", "GreenletExit"], ["ended", "killed"]]);
  assert.equal(marks.filter((m) => m.kind === "ended").length, 4);
  const byTime = timelineData(t, "time");
  assert.equal(byTime.end, 30);
  assert.deepEqual(byTime.segments.filter((s) => s.lane === victim && s.state === "parked").map((s) => [s.start, s.stop]), [[0, 15]]);
});

test("a trace keeps at most limit events and counts the rest; stop() is idempotent; bad input is refused", () => {
  const tracer = startTrace({ limit: 3 });
  for (let i = 0; i < 3; i++) spawn(() => {});
  const t = tracer.stop();
  assert.equal(t.events.length, 3);
  assert.equal(t.dropped, 0);
  assert.equal(tracer.stop(), t);
  const small = startTrace({ limit: 1 });
  spawn(() => {});
  spawn(() => {});
  const s = small.stop();
  assert.deepEqual([s.events.length, s.dropped], [1, 1]);
  assert.match(renderText(s), /\(1 more events dropped: the trace's limit was reached\)\n$/);
  assert.throws(() => startTrace({ limit: 0 }), { name: "RangeError", message: "startTrace(): expected limit to be a positive integer, got 0 (number)" });
  assert.throws(() => renderText({} as never), { name: "TypeError", message: /^renderText\(\): expected trace to be a trace from trace\(\) or startTrace\(\)\.stop\(\), got object$/ });
  assert.rejects(() => trace(5 as never), { name: "TypeError", message: "trace(): expected fn to be a function, got 5 (number)" });
});

test("trace rejects with what the function threw, and stops recording", async () => {
  await assert.rejects(() => trace(() => { throw new Error("boom"); }), { message: "boom" });
});

const skip = chromiumMissing();

test("Chromium renders the timeline page with a lane per greenlet and the bars", { skip }, async () => {
  const t = await scenario();
  const html = await renderTimeline(t, { title: "producer, consumer, a kill and a timeout" });
  assert.ok(html.startsWith("<!doctype html>"));
  assert.ok(!/<script|https?:\/\/(?!www\.w3\.org)/.test(html.replace(/xmlns(:xlink)?="[^"]*"/g, "")), "self-contained: no script, no external resource");
  const out = join(root, "test-output");
  mkdirSync(out, { recursive: true });
  const file = join(out, "trace-timeline.html");
  writeFileSync(file, html);
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 500 } });
    await page.goto(`file://${file}`);
    assert.equal(await page.locator("h1").textContent(), "producer, consumer, a kill and a timeout");
    const labels = await page.locator('svg [aria-roledescription="axis"] text').allTextContents();
    for (const g of t.greenlets) assert.ok(labels.includes(g.name), `a lane for ${g.name}: ${labels.join(", ")}`);
    const bars = await page.locator('svg [aria-roledescription="bar"]').count();
    assert.equal(bars, timelineData(t).segments.length);
    const box = await page.locator("svg").first().boundingBox();
    assert.ok(box !== null && box.width > 400 && box.height > 100, "the SVG is laid out");
    await page.screenshot({ path: join(out, "trace-timeline.png"), fullPage: true });
  } finally {
    await browser.close();
  }
});

test("renderTimelineSvg gives the page's SVG alone, the same bytes for the same trace", async () => {
  const t = await scenario();
  const svg = await renderTimelineSvg(t);
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" /);
  assert.ok(svg.endsWith("</svg>\n"));
  assert.equal(await renderTimelineSvg(await scenario()), svg);
  assert.ok((await renderTimeline(t)).includes(svg.trimEnd()));
  await assert.rejects(() => renderTimelineSvg(t, { x: "space" as never }), { name: "TypeError", message: 'renderTimelineSvg(): expected x to be "step" or "time", got space (string)' });
});
