// Tutorial, chapter 2, step 1: an Event as a start gate. The workers park on `ready` until the
// service has warmed up; one set() wakes them all, in the order they started waiting.
import { Event, joinall, sleep, spawn, type Greenlet } from "greenthread";
import { log } from "./tutorial-common.js";

const ready = new Event();

async function worker(g: Greenlet, name: string): Promise<void> {
  log(`${name} waits for the service to open`);
  await ready.wait({ signal: g }); // a switch point: the other greenlets run while this one waits
  log(`${name} starts working`);
}

const workers = [spawn(worker, "w1"), spawn(worker, "w2")];
await sleep(500); // warming up: loading fonts, connecting to storage
log("service ready");
ready.set();
await joinall(workers);

const late = spawn(worker, "w3");
await late.join(); // the flag is still set: a wait that starts now returns at once
