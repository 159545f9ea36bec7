// Reference, sync.md: an Event as a start gate. The server greenlet parks on the event until the
// configuration is loaded; set() wakes it.
import { Event, sleep, spawn } from "greenthread";
import { installVirtualClock } from "greenthread/testing";

installVirtualClock({ autojump: true });

function serve(): void {
  console.log("serving");
}

async function loadConfig(): Promise<void> {
  await sleep(200); // reading a file, say
  console.log("config loaded");
}

const ready = new Event();
spawn(async (g) => {
  await ready.wait({ signal: g });
  serve();
});
await loadConfig();
ready.set();
