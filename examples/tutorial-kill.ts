// Tutorial, chapter 1: a kill lands at the switch point and the finally block runs.
import { GreenletExit, sleep, spawn } from "greenthread";

const g = spawn(async (g) => {
  try {
    await sleep(60_000, { signal: g }); // a kill lands here
  } finally {
    console.log("cleaned up");
  }
});
await sleep(0); // let g start and reach its wait
await g.kill(); // resolves once the finally block has run
console.log(g.dead, g.successful(), g.value instanceof GreenletExit && g.value.name);
