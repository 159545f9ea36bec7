// Shared by the traced programs of tutorial chapters 6 and 7: a trace printed as text and, when
// GREENTHREAD_TIMELINE_DIR names a directory, drawn there as an SVG swim-lane timeline. That is
// how the pictures next to the chapters are made; the examples test redraws and compares them.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderText, renderTimelineSvg, type Trace } from "greenthread/observe";

/** Prints `t` as a log of task switches, and draws it as `file` in $GREENTHREAD_TIMELINE_DIR when that is set. */
export async function show(t: Trace, file: string, x: "step" | "time" = "step"): Promise<void> {
  process.stdout.write(renderText(t));
  const dir = process.env["GREENTHREAD_TIMELINE_DIR"];
  if (dir !== undefined) writeFileSync(join(dir, file), await renderTimelineSvg(t, { x }));
}
