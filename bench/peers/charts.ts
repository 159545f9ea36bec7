// The benchmark charts as Vega-Lite specifications, rendered to SVG in Node by Vega's headless
// view (no canvas, no browser; src/observe/vega.ts, which the tracer's timeline uses too): a bar chart of ratios on a log axis with min–max whiskers and a
// dashed reference line, and a line chart for the scaling curves. The same input always gives the
// same SVG (Vega's text metrics are estimated, not measured, when no canvas is installed), so a
// regenerated chart diffs cleanly.
import type { TopLevelSpec } from "vega-lite";
import { renderVegaLite } from "../../src/observe/vega.js";

const FONT = "system-ui, -apple-system, 'Segoe UI', sans-serif";

/** Styling shared by every chart: fonts, colours of axes and titles, a white background. */
const CONFIG = {
  background: "#ffffff",
  font: FONT,
  title: { anchor: "start", fontSize: 14, subtitleFontSize: 11, subtitleColor: "#444" },
  axis: { labelColor: "#555", titleColor: "#555", titleFontWeight: "normal", gridColor: "#eee", labelFontSize: 11 },
  // Without a canvas Vega estimates a label at 0.8 × font size per character (an overestimate):
  // a generous limit keeps long row names whole.
  axisY: { labelLimit: 600 },
  view: { stroke: null },
} as const;

export interface Bar {
  label: string;
  /** The bar's length: a median ratio. */
  value: number;
  /** The whisker: the smallest and largest ratio. */
  low: number;
  high: number;
  color: string;
  /** Printed after the bar. */
  caption: string;
}

export interface BarChart {
  title: string;
  axisLabel: string;
  bars: Bar[];
  /** Where a dashed line marks the reference (1 for "as fast as the floor"). */
  reference: number;
  referenceLabel: string;
}

/** The decades that enclose every value: the log axis starts and ends on a power of ten. */
function decades(values: number[]): [number, number] {
  return [10 ** Math.floor(Math.log10(Math.min(...values))), 10 ** Math.ceil(Math.log10(Math.max(...values)))];
}

/** The Vega-Lite specification of a bar chart (exported for the tests: what the SVG is drawn from). */
export function barChartSpec(chart: BarChart): TopLevelSpec {
  const domain = decades(chart.bars.flatMap((b) => [b.low, b.high, b.value]).concat(chart.reference));
  // A log axis has no zero: each bar starts at the axis' first decade.
  const rows = chart.bars.map((bar) => ({ ...bar, base: domain[0], captionAt: Math.max(bar.value, bar.high) }));
  const x = { type: "quantitative", scale: { type: "log", domain, nice: false }, axis: { title: chart.axisLabel, format: "~g", grid: true } } as const;
  const y = { field: "label", type: "nominal", sort: chart.bars.map((b) => b.label), axis: { title: null, labelFontSize: 12, labelColor: "#222" } } as const;
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: chart.title, subtitle: `dashed line: ${chart.referenceLabel}` },
    width: 420,
    height: { step: 26 },
    config: CONFIG,
    layer: [
      {
        data: { values: rows },
        layer: [
          { mark: { type: "bar", height: 16 }, encoding: { y, x: { ...x, field: "base" }, x2: { field: "value" }, color: { field: "color", type: "nominal", scale: null } } },
          { mark: { type: "rule", color: "#222" }, encoding: { y, x: { ...x, field: "low" }, x2: { field: "high" } } },
          { mark: { type: "tick", color: "#222", orient: "vertical", size: 8 }, encoding: { y, x: { ...x, field: "low" } } },
          { mark: { type: "tick", color: "#222", orient: "vertical", size: 8 }, encoding: { y, x: { ...x, field: "high" } } },
          { mark: { type: "text", align: "left", dx: 6, color: "#333", fontSize: 12 }, encoding: { y, x: { ...x, field: "captionAt" }, text: { field: "caption" } } },
        ],
      },
      {
        data: { values: [{ reference: chart.reference }] },
        mark: { type: "rule", color: "#444", strokeDash: [4, 3] },
        encoding: { x: { ...x, field: "reference" } },
      },
    ],
  } as TopLevelSpec;
}

export interface Series {
  label: string;
  color: string;
  points: { x: number; y: number }[];
}

export interface LineChart {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  /** The d3 format of a y value on the axis and beside a point (`.0f` by default). */
  formatY?: string;
}

/** The Vega-Lite specification of a line chart: x on a log axis (counts), y linear from zero. */
export function lineChartSpec(chart: LineChart): TopLevelSpec {
  const rows = chart.series.flatMap((s) => s.points.map((p) => ({ series: s.label, x: p.x, y: p.y })));
  const format = chart.formatY ?? ".0f";
  const x = { field: "x", type: "quantitative", scale: { type: "log", domain: decades(rows.map((r) => r.x)), nice: false }, axis: { title: chart.xLabel, format: ",d", grid: true, values: decadeTicks(rows.map((r) => r.x)) } } as const;
  const y = { field: "y", type: "quantitative", scale: { zero: true, nice: true }, axis: { title: chart.yLabel, format } } as const;
  const color = {
    field: "series",
    type: "nominal",
    scale: { domain: chart.series.map((s) => s.label), range: chart.series.map((s) => s.color) },
    legend: { title: null, orient: "right", offset: 28, labelFontSize: 12 },
  } as const;
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: chart.title,
    width: 480,
    height: 260,
    config: CONFIG,
    data: { values: rows },
    encoding: { x, y, color },
    layer: [
      { mark: { type: "line", strokeWidth: 2, point: { size: 40, filled: true } } },
      { mark: { type: "text", align: "left", dx: 6, dy: -6, fontSize: 10 }, encoding: { text: { field: "y", type: "quantitative", format } } },
    ],
  } as TopLevelSpec;
}

function decadeTicks(values: number[]): number[] {
  const [lo, hi] = decades(values);
  const ticks: number[] = [];
  for (let v = lo; v <= hi * 1.001; v *= 10) ticks.push(Number(v.toPrecision(3)));
  return ticks;
}

/** Renders a Vega-Lite specification to a standalone SVG document (the library's renderer). */
export function renderSvg(spec: TopLevelSpec): Promise<string> {
  return renderVegaLite(spec, "bench charts");
}

/** Horizontal bars on a log axis, one row each, with min–max whiskers and a reference line. */
export function barChart(chart: BarChart): Promise<string> {
  return renderSvg(barChartSpec(chart));
}

/** Lines with point markers and value labels: x on a log axis (counts), y linear from zero. */
export function lineChart(chart: LineChart): Promise<string> {
  return renderSvg(lineChartSpec(chart));
}
