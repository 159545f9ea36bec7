// The runtime panel's loop blocks: the server's blocking monitor reports ride along with the
// runtime snapshot (app.js calls showBlocks); the button asks the /blocking namespace, opened with
// the first click, to spawn a greenlet that holds the server's loop for a second.
"use strict";

(() => {
  const state = (window.dashboard.blocking = { clicks: 0, acks: 0 });
  const button = document.getElementById("block-loop");
  const status = document.getElementById("block-status");
  const list = document.getElementById("blocks");
  let socket = null;

  window.dashboard.showBlocks = (blocks) => {
    const items = (blocks ?? []).map((b) => {
      const when = new Date(b.at).toLocaleTimeString();
      const who = b.greenlet === null ? "no greenlet had been resumed" : `last resumed: ${b.greenlet}`;
      return Object.assign(document.createElement("li"), { textContent: `${when}: blocked for ${b.durationMs} ms; ${who}` });
    });
    list.replaceChildren(...items);
  };

  button.addEventListener("click", () => {
    socket ??= io("/blocking", { auth: { tab: window.dashboard.tab }, transports: ["websocket"], reconnectionDelayMax: 2000 });
    state.clicks++;
    button.disabled = true;
    status.textContent = "blocking the server's loop…";
    socket.timeout(10_000).emit("block", (error) => {
      button.disabled = false;
      if (error) {
        status.textContent = "the server did not answer";
        return;
      }
      state.acks++;
      status.textContent = "done: the report appears below within a second";
    });
  });
})();
