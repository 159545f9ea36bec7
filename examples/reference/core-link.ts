// Reference, core.md: link callbacks run after the greenlet ends, in link order, also when linked
// after the end. linkValue and linkException run only for their outcome.
import { sleep, spawn } from "greenthread";

const ok = spawn(async () => "fine");
const bad = spawn(async () => {
  throw new Error("broken");
});

for (const g of [ok, bad]) {
  g.link((g) => console.log(`${g.name}: ended, successful=${g.successful()}`));
  g.linkValue((g) => console.log(`${g.name}: value ${String(g.value)}`));
  g.linkException((g) => console.log(`${g.name}: exception ${(g.exception as Error).message}`));
}
await sleep(0);
ok.link(() => console.log(`${ok.name}: linked after the end, still called`));
await sleep(0);
