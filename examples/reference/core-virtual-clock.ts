// Reference, core.md: the virtual clock with autojump. A ten-second deadline takes no wall time:
// once nothing else can run, the clock jumps to the next timer.
import assert from "node:assert/strict";
import { getClock, withTimeout } from "greenthread";
import { installVirtualClock } from "greenthread/testing";
const clock = installVirtualClock({ autojump: true });
try {
  assert.equal(await withTimeout(10_000, () => new Promise(() => {}), { timeoutValue: "late" }), "late"); // instant
  console.log(`virtual time: ${clock.now()} ms`);
} finally {
  clock.uninstall();
}
console.log(`the real clock is back: ${getClock() !== clock}`);
