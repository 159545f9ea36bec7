// Tutorial, chapter 7: spawn and join, traced. A page greenlet spawns two fetches and joins them.
import { sleep, spawn } from "greenthread";
import { trace } from "greenthread/observe";
import { installVirtualClock } from "greenthread/testing";
import { show } from "./tutorial-timeline.js";

const clock = installVirtualClock({ autojump: true });
const t = await trace(async () => {
  const page = spawn(async (g) => {
    const user = spawn(async (g) => {
      await sleep(20, { signal: g }); // the user service answers in 20 ms
      return "ada";
    });
    user.name = "user";
    const orders = spawn(async (g) => {
      await sleep(10, { signal: g }); // the order service in 10 ms
      return 3;
    });
    orders.name = "orders";
    await orders.join({ signal: g });
    await user.join({ signal: g });
    return `${user.value} has ${orders.value} orders`;
  });
  page.name = "page";
  return page.get();
});
clock.uninstall();
await show(t, "join.svg");
console.log(t.value);
