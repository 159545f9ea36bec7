/**
 * Vega-Lite specifications rendered to SVG in Node, with no canvas and no browser: the tracer's
 * timeline and the benchmark charts are drawn through here. `vega` and `vega-lite` are optional
 * peer dependencies, loaded on the first render; without them the call rejects with an error
 * naming the packages.
 *
 * Without a canvas Vega estimates text widths instead of measuring them, so the same
 * specification always gives the same bytes: a regenerated chart diffs cleanly.
 * @module
 */
import type { TopLevelSpec } from "vega-lite";

type VegaModule = typeof import("vega");
type VegaLiteModule = typeof import("vega-lite");

let loaded: Promise<[VegaModule, VegaLiteModule]> | undefined;

function load(call: string): Promise<[VegaModule, VegaLiteModule]> {
  loaded ??= Promise.all([import("vega"), import("vega-lite")]);
  return loaded.catch((error: unknown) => {
    loaded = undefined;
    throw new Error(`${call}: drawing needs the packages vega and vega-lite (npm install vega@6 vega-lite@6.4): ${String(error)}`, { cause: error });
  });
}

/**
 * Renders a Vega-Lite specification to a standalone SVG document (ending in a newline).
 * @throws rejects when vega or vega-lite cannot be loaded, or the specification is invalid.
 */
export async function renderVegaLite(spec: TopLevelSpec, call = "renderVegaLite()"): Promise<string> {
  const [vega, vegaLite] = await load(call);
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: "none" });
  try {
    const svg = await view.toSVG();
    return svg.endsWith("\n") ? svg : `${svg}\n`;
  } finally {
    view.finalize();
  }
}
