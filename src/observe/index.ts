/**
 * `greenthread/observe`: seeing inside a running program.
 * @module
 */
export { monitorBlocking, formatBlocked, type BlockedReport, type MonitorOptions } from "./monitor.js";
