// Reference, sync.md: AsyncResult.wait() never rejects because of the outcome. Its own timeout and
// an exception both give undefined; get() is the call that surfaces the exception.
import { AsyncResult, sleep, spawn } from "greenthread";
import { installVirtualClock } from "greenthread/testing";

installVirtualClock({ autojump: true });

const result = new AsyncResult<string>();
spawn(async () => {
  await sleep(250);
  result.set("report.pdf");
});

const value = await result.wait({ timeout: 100 }); // undefined if not there in time
console.log("after 100 ms:", value);
console.log("later:", await result.wait());

const failed = new AsyncResult<string>();
failed.setException(new Error("upstream failed"));
console.log("failed, wait():", await failed.wait());
console.log("failed, get():", await failed.get().catch((error: Error) => error.message));
