/**
 * The trace drawn as swim lanes: one lane per greenlet, a bar per stretch of time it spent
 * scheduled (spawned, not started), running or parked, and marks where it was killed and where it
 * ended. The page is self-contained HTML with the SVG inline (no script, no network), drawn by
 * Vega-Lite in Node (vega.ts).
 *
 * The x axis is the order of the switch points by default (`x: "step"`): under the virtual clock
 * most of a teaching example happens at one instant, and the order is what a task switch is about.
 * `x: "time"` uses the clock's milliseconds instead.
 * @module
 */
import type { TopLevelSpec } from "vega-lite";
import { checkOptions } from "../core/validate.js";
import { checkTrace, type Trace, type TraceEvent } from "./trace.js";
import { renderVegaLite } from "./vega.js";

/** Options of {@link renderTimeline}. */
export interface TimelineOptions {
  /** The page's heading. Default "greenthread trace". */
  title?: string;
  /** `"step"` (default): one unit per switch point; `"time"`: the clock's milliseconds. */
  x?: "step" | "time";
}

/** A stretch of one greenlet's life, as the timeline draws it. */
export interface Segment {
  lane: string;
  state: "scheduled" | "running" | "parked";
  /** Where the stretch starts and stops on the x axis (a step or milliseconds). */
  start: number;
  stop: number;
  detail: string;
}

/** A point event on a lane: a kill, or the end with its outcome. */
export interface Mark {
  lane: string;
  at: number;
  kind: "killed" | "ended";
  detail: string;
}

const COLORS = { scheduled: "#cfd8dc", running: "#2e7d32", parked: "#f9a825" } as const;

/**
 * A lane is named after its greenlet; the id is added only where two greenlets share a name, so
 * the same program draws the same lanes whatever ids its greenlets got.
 */
function laneName(trace: Trace, id: number): string {
  const g = trace.greenlets.find((x) => x.id === id);
  const name = g?.name ?? `Greenlet-${id}`;
  const shared = trace.greenlets.filter((x) => x.name === name).length > 1;
  return shared ? `${name} #${id}` : name;
}

/** The segments and marks of a trace (exported for tests: what the timeline is drawn from). */
export function timelineData(trace: Trace, x: "step" | "time" = "step"): { segments: Segment[]; marks: Mark[]; end: number } {
  const at = (e: TraceEvent): number => (x === "step" ? e.seq : e.t);
  const end = x === "step" ? trace.events.length : trace.durationMs;
  const open = new Map<number, { state: Segment["state"]; start: number; detail: string }>();
  const segments: Segment[] = [];
  const marks: Mark[] = [];
  const close = (id: number, to: number): void => {
    const current = open.get(id);
    if (current === undefined) return;
    open.delete(id);
    segments.push({ lane: laneName(trace, id), state: current.state, start: current.start, stop: to, detail: current.detail });
  };
  for (const e of trace.events) {
    const t = at(e);
    switch (e.kind) {
      case "spawn":
        close(e.id, t);
        open.set(e.id, { state: "scheduled", start: t, detail: "scheduled" });
        break;
      case "start":
      case "resume":
        close(e.id, t);
        open.set(e.id, { state: "running", start: t, detail: "running" });
        break;
      case "park":
        close(e.id, t);
        open.set(e.id, { state: "parked", start: t, detail: e.detail ?? "parked" });
        break;
      case "end":
        close(e.id, t);
        marks.push({ lane: laneName(trace, e.id), at: t, kind: "ended", detail: e.detail ?? "ended" });
        break;
      case "kill":
        marks.push({ lane: laneName(trace, e.id), at: t, kind: "killed", detail: e.detail ?? "killed" });
        break;
      default:
        break;
    }
  }
  for (const id of [...open.keys()]) close(id, end);
  return { segments, marks, end };
}

/** @internal The Vega-Lite specification of the timeline (exported for tests). */
export function timelineSpec(trace: Trace, options?: TimelineOptions): TopLevelSpec {
  const x = options?.x ?? "step";
  const { segments, marks, end } = timelineData(trace, x);
  const lanes = trace.greenlets.map((g) => laneName(trace, g.id));
  const scale = { domain: [0, Math.max(end, 1)], nice: false, zero: true };
  const xTitle = x === "step" ? "switch points, in order" : "time (ms, active clock)";
  const y = { field: "lane", type: "nominal", sort: lanes, axis: { title: null, labelFontSize: 12, labelColor: "#222", labelLimit: 400 } } as const;
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    width: Math.min(1200, Math.max(480, end * 12)),
    height: { step: 30 },
    config: {
      background: "#ffffff",
      font: "system-ui, -apple-system, 'Segoe UI', sans-serif",
      axis: { labelColor: "#555", titleColor: "#555", titleFontWeight: "normal", gridColor: "#eee" },
      view: { stroke: null },
    },
    layer: [
      {
        data: { values: segments },
        layer: [
          {
            mark: { type: "bar", height: 18 },
            encoding: {
              y,
              x: { field: "start", type: "quantitative", scale, axis: { title: xTitle, grid: true, tickMinStep: 1 } },
              x2: { field: "stop" },
              color: {
                field: "state",
                type: "nominal",
                scale: { domain: Object.keys(COLORS), range: Object.values(COLORS) },
                legend: { title: null, orient: "top", labelFontSize: 12 },
              },
              tooltip: [{ field: "lane" }, { field: "state" }, { field: "detail" }, { field: "start" }, { field: "stop" }],
            },
          },
          {
            transform: [{ filter: "datum.state === 'parked'" }],
            mark: { type: "text", align: "left", baseline: "middle", dx: 3, fontSize: 10, color: "#3e2723" },
            encoding: { y, x: { field: "start", type: "quantitative", scale }, text: { field: "detail" } },
          },
        ],
      },
      {
        data: { values: marks },
        mark: { type: "point", filled: true, size: 90, strokeWidth: 2 },
        encoding: {
          y,
          x: { field: "at", type: "quantitative", scale },
          shape: { field: "kind", type: "nominal", scale: { domain: ["ended", "killed"], range: ["circle", "cross"] }, legend: { title: null, orient: "top" } },
          color: { value: "#222" },
          tooltip: [{ field: "lane" }, { field: "kind" }, { field: "detail" }],
        },
      },
    ],
    resolve: { scale: { color: "independent" } },
  } as TopLevelSpec;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
}

/**
 * The trace's swim-lane timeline as a standalone SVG document (what `renderTimeline` embeds): for
 * a page of one's own, or a file committed next to the docs. The same trace gives the same bytes.
 * @throws TypeError when `trace` is not a trace; rejects when vega or vega-lite is not installed.
 * @example
 * ```ts
 * writeFileSync("docs/switching.svg", await renderTimelineSvg(t));
 * ```
 */
export async function renderTimelineSvg(trace: Trace, options?: Pick<TimelineOptions, "x">): Promise<string> {
  checkTrace("renderTimelineSvg()", trace);
  checkOptions("renderTimelineSvg()", options);
  checkAxis("renderTimelineSvg()", options?.x);
  return renderVegaLite(timelineSpec(trace, options), "renderTimelineSvg()");
}

function checkAxis(call: string, x: unknown): void {
  if (x !== undefined && x !== "step" && x !== "time") {
    throw new TypeError(`${call}: expected x to be "step" or "time", got ${String(x)} (${typeof x})`);
  }
}

/**
 * The trace as a self-contained HTML page with an SVG swim-lane timeline: one lane per greenlet,
 * bars for scheduled, running and parked (labelled with what it is parked on), a cross where it
 * was killed and a dot where it ended. Readable offline: no script, no external resource.
 * @throws TypeError when `trace` is not a trace; rejects when vega or vega-lite is not installed.
 * @example
 * ```ts
 * writeFileSync("trace.html", await renderTimeline(await trace(main), { title: "producer/consumer" }));
 * ```
 */
export async function renderTimeline(trace: Trace, options?: TimelineOptions): Promise<string> {
  checkTrace("renderTimeline()", trace);
  checkOptions("renderTimeline()", options);
  checkAxis("renderTimeline()", options?.x);
  const title = options?.title ?? "greenthread trace";
  if (typeof title !== "string") throw new TypeError(`renderTimeline(): expected title to be a string, got ${typeof title}`);
  const svg = await renderVegaLite(timelineSpec(trace, options), "renderTimeline()");
  const summary = `${trace.greenlets.length} greenlets, ${trace.events.length} switch points, ${trace.durationMs} ms on the active clock${trace.dropped > 0 ? `, ${trace.dropped} events dropped` : ""}`;
  return [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    `<title>${escapeHtml(title)}</title>`,
    "<style>body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:24px;color:#222}h1{font-size:18px;margin:0 0 4px}p{margin:0 0 16px;color:#555;font-size:13px}</style>",
    "</head>",
    "<body>",
    `<h1>${escapeHtml(title)}</h1>`,
    `<p class="summary">${escapeHtml(summary)}</p>`,
    `<div class="timeline">${svg.trimEnd()}</div>`,
    "</body>",
    "</html>",
    "",
  ].join("\n");
}
