// Reference, core.md: nested withTimeout. The inner call's own deadline gives its timeoutValue;
// when the outer deadline is the shorter, the inner call rejects with the outer TimeoutError,
// unchanged, and the outer call reports it as its own.
import { TimeoutError, getClock, sleep, spawnLater, withTimeout } from "greenthread";
import { installVirtualClock } from "greenthread/testing";

installVirtualClock({ autojump: true });

const lookup = (ms: number) => (signal: AbortSignal) => sleep(ms, { signal }).then(() => `found after ${ms} ms`);

// The inner deadline is the shorter: the cache gives up, the fallback value comes back.
const cached = await withTimeout(1000, (signal) => withTimeout(50, lookup(200), { timeoutValue: null, signal }));
console.log(`${getClock().now()} ms: cached = ${cached}`);

// The outer deadline is the shorter: it wins, even over an inner timeoutValue.
const start = getClock().now();
try {
  await withTimeout(100, (signal) => withTimeout(5000, lookup(10_000), { timeoutValue: null, signal }));
} catch (error) {
  console.log(`${getClock().now() - start} ms later: ${(error as TimeoutError).name}: ${(error as TimeoutError).message}`);
}

// An outer signal that aborts rejects with its reason, unchanged.
const controller = new AbortController();
const reason = new Error("request cancelled");
spawnLater(30, () => controller.abort(reason));
try {
  await withTimeout(5000, lookup(10_000), { timeoutValue: null, signal: controller.signal });
} catch (error) {
  console.log(`aborted with the caller's reason: ${error === reason}`);
}

