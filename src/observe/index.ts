/**
 * `greenthread/observe`: seeing inside a running program. Run-info (the live greenlets, their
 * owners and what each is parked on), the deadlock report's mode, the blocking monitor, the
 * tracer and its timeline, and the instrument hooks everything here stands on.
 * @module
 */
export { enableRunInfo, runInfo, runInfoEnabled, formatRunInfo, type GreenletInfo, type RunInfo, type RunInfoOptions } from "./run-info.js";
export { monitorBlocking, formatBlocked, type BlockedReport, type MonitorOptions } from "./monitor.js";
export { instrument, formatParkSite, type Instrument, type InstrumentedGreenlet } from "../core/instrument.js";
export { setDeadlockMode, type DeadlockMode } from "../core/stuck.js";
export { trace, startTrace, renderText, type Trace, type TraceEvent, type TraceEventKind, type TraceOptions, type TracedGreenlet, type Tracer } from "./trace.js";
export { renderTimeline, renderTimelineSvg, timelineData, type TimelineOptions, type Segment, type Mark } from "./timeline.js";
