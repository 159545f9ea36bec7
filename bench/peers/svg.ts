// A small SVG writer for the benchmark charts: elements as strings, a bar chart of ratios on a
// log axis with min–max whiskers, and a line chart for scaling curves. Output is deterministic
// (coordinates rounded to 0.1, no dates, no random ids), so a regenerated chart diffs cleanly.

const FONT = `font-family="system-ui, -apple-system, 'Segoe UI', sans-serif"`;
/** Average advance of a 12 px sans-serif character, for sizing label columns. */
const CHAR_WIDTH = 6.6;

export function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

const n1 = (x: number): string => String(Math.round(x * 10) / 10);

/** `<name attrs>children</name>`; numbers are rounded to 0.1, strings escaped. */
export function element(name: string, attrs: Record<string, string | number>, ...children: string[]): string {
  const text = Object.entries(attrs)
    .map(([key, value]) => ` ${key}="${typeof value === "number" ? n1(value) : escapeXml(value)}"`)
    .join("");
  return children.length === 0 ? `<${name}${text}/>` : `<${name}${text}>${children.join("")}</${name}>`;
}

function text(x: number, y: number, content: string, attrs: Record<string, string | number> = {}): string {
  return element("text", { x, y, "font-size": 12, fill: "#222", ...attrs }, escapeXml(content));
}

function document(width: number, height: number, title: string, ...body: string[]): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${n1(width)}" height="${n1(height)}" viewBox="0 0 ${n1(width)} ${n1(height)}" ${FONT}>` +
    element("title", {}, escapeXml(title)) +
    element("rect", { x: 0, y: 0, width, height, fill: "#fff" }) +
    text(12, 20, title, { "font-size": 14, "font-weight": "bold" }) +
    body.join("") +
    "</svg>\n"
  );
}

/** Decades and their 2× and 5× steps inside [lo, hi], for a log axis. */
function logTicks(lo: number, hi: number): { value: number; major: boolean }[] {
  const ticks: { value: number; major: boolean }[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of [1, 2, 5]) {
      const value = m * 10 ** e;
      if (value >= lo * 0.999 && value <= hi * 1.001) ticks.push({ value: Number(value.toPrecision(3)), major: m === 1 });
    }
  }
  return ticks;
}

/** How a tick or a ratio reads: 0.005, 0.2, 1, 20. */
export function formatTick(value: number): string {
  return value >= 1 ? String(Number(value.toPrecision(3))) : String(Number(value.toPrecision(2)));
}

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

/** Horizontal bars on a log axis, one row each, with min–max whiskers and a reference line. */
export function barChart(chart: BarChart): string {
  const labelWidth = Math.max(...chart.bars.map((b) => b.label.length)) * CHAR_WIDTH + 24;
  const plotWidth = 420;
  const captionWidth = 110;
  const row = 26;
  const top = 48;
  const width = labelWidth + plotWidth + captionWidth;
  const height = top + chart.bars.length * row + 46;
  const values = chart.bars.flatMap((b) => [b.low, b.high, b.value]).concat(chart.reference);
  const lo = 10 ** Math.floor(Math.log10(Math.min(...values)));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...values)));
  const x = (v: number): number => labelWidth + ((Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * plotWidth;
  const bottom = top + chart.bars.length * row;
  const parts: string[] = [];
  for (const tick of logTicks(lo, hi)) {
    parts.push(element("line", { x1: x(tick.value), y1: top - 4, x2: x(tick.value), y2: bottom, stroke: tick.major ? "#ccc" : "#eee" }));
    if (tick.major || logTicks(lo, hi).length <= 9) parts.push(text(x(tick.value), bottom + 16, formatTick(tick.value), { "text-anchor": "middle", fill: "#555" }));
  }
  chart.bars.forEach((bar, i) => {
    const y = top + i * row;
    parts.push(text(labelWidth - 8, y + row / 2 + 4, bar.label, { "text-anchor": "end" }));
    parts.push(element("rect", { x: labelWidth, y: y + 5, width: Math.max(0.5, x(bar.value) - labelWidth), height: row - 10, fill: bar.color }));
    const mid = y + row / 2;
    parts.push(element("line", { x1: x(bar.low), y1: mid, x2: x(bar.high), y2: mid, stroke: "#222" }));
    for (const end of [bar.low, bar.high]) parts.push(element("line", { x1: x(end), y1: mid - 4, x2: x(end), y2: mid + 4, stroke: "#222" }));
    parts.push(text(Math.max(x(bar.value), x(bar.high)) + 6, mid + 4, bar.caption, { fill: "#333" }));
  });
  parts.push(element("line", { x1: x(chart.reference), y1: top - 8, x2: x(chart.reference), y2: bottom, stroke: "#444", "stroke-dasharray": "4 3" }));
  parts.push(text(labelWidth, top - 12, `dashed line: ${chart.referenceLabel}`, { fill: "#444", "font-size": 11 }));
  parts.push(text(labelWidth + plotWidth / 2, bottom + 36, chart.axisLabel, { "text-anchor": "middle", fill: "#555" }));
  return document(width, height, chart.title, ...parts);
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
  /** How a y value reads on the axis and beside a point. */
  formatY: (y: number) => string;
}

/** Lines with point markers: x on a log axis (counts), y linear from zero. */
export function lineChart(chart: LineChart): string {
  const left = 70;
  const top = 44;
  const plotWidth = 480;
  const plotHeight = 260;
  const width = left + plotWidth + 200;
  const height = top + plotHeight + 56;
  const xs = chart.series.flatMap((s) => s.points.map((p) => p.x));
  const ys = chart.series.flatMap((s) => s.points.map((p) => p.y));
  const lo = 10 ** Math.floor(Math.log10(Math.min(...xs)));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...xs)));
  const yMax = niceCeiling(Math.max(...ys) * 1.1);
  const x = (v: number): number => left + ((Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo) || 1)) * plotWidth;
  const y = (v: number): number => top + plotHeight - (v / yMax) * plotHeight;
  const parts: string[] = [];
  for (let i = 0; i <= 4; i++) {
    const v = (yMax * i) / 4;
    parts.push(element("line", { x1: left, y1: y(v), x2: left + plotWidth, y2: y(v), stroke: i === 0 ? "#999" : "#eee" }));
    parts.push(text(left - 6, y(v) + 4, chart.formatY(v), { "text-anchor": "end", fill: "#555" }));
  }
  for (const tick of logTicks(lo, hi).filter((t) => t.major)) {
    parts.push(element("line", { x1: x(tick.value), y1: top, x2: x(tick.value), y2: top + plotHeight, stroke: "#eee" }));
    parts.push(text(x(tick.value), top + plotHeight + 16, tick.value.toLocaleString("en-US"), { "text-anchor": "middle", fill: "#555" }));
  }
  chart.series.forEach((series, i) => {
    const path = series.points.map((p, k) => `${k === 0 ? "M" : "L"}${n1(x(p.x))} ${n1(y(p.y))}`).join(" ");
    parts.push(element("path", { d: path, fill: "none", stroke: series.color, "stroke-width": 2 }));
    for (const p of series.points) {
      parts.push(element("circle", { cx: x(p.x), cy: y(p.y), r: 3.5, fill: series.color }));
      parts.push(text(x(p.x) + 6, y(p.y) - 6, chart.formatY(p.y), { "font-size": 10, fill: series.color }));
    }
    const ly = top + 10 + i * 20;
    parts.push(element("rect", { x: left + plotWidth + 20, y: ly - 9, width: 12, height: 12, fill: series.color }));
    parts.push(text(left + plotWidth + 38, ly + 1, series.label));
  });
  parts.push(text(left + plotWidth / 2, top + plotHeight + 40, chart.xLabel, { "text-anchor": "middle", fill: "#555" }));
  parts.push(text(14, top + plotHeight / 2, chart.yLabel, { transform: `rotate(-90 14 ${n1(top + plotHeight / 2)})`, "text-anchor": "middle", fill: "#555" }));
  return document(width, height, chart.title, ...parts);
}

/** The smallest 1, 2, 2.5 or 5 × 10^k at or above v. */
function niceCeiling(v: number): number {
  if (v <= 0) return 1;
  const e = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * e >= v) return m * e;
  return 10 * e;
}
