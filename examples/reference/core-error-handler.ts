// Reference, core.md: the hub's error handler receives the failures nobody observed, once each,
// at the end of the turn in which they happened. A failure someone asks for is not reported.
import { joinall, setErrorHandler, sleep, spawn } from "greenthread";

const previous = setErrorHandler((error, { kind, greenlet }) => {
  console.log(`reported (${kind}): ${greenlet?.name}: ${(error as Error).message}`);
});

const lost = spawn(async () => {
  throw new Error("nobody asked");
});
lost.name = "lost";
const observed = spawn(async () => {
  throw new Error("asked for");
});
observed.name = "observed";
observed.get().catch((error: Error) => console.log(`observed.get() rejected: ${error.message}`));

const linked = spawn(async () => "ok");
linked.name = "linked";
linked.link(() => {
  throw new Error("a link callback that throws");
});

await joinall([lost, observed, linked]); // joining does not observe a failure
await sleep(0); // the turn in which they failed has ended: the report went out
setErrorHandler(previous);
