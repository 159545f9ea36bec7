// The jobs panel: start a gzip job on the server, watch its progress, cancel it. Its namespace
// (/jobs) is connected with the first job, so a tab that never starts one holds no jobs session.
// Closing the tab ends the session, and the server's reaping ends the child process.
"use strict";

(() => {
  const state = (window.dashboard.jobs = { started: 0, progress: [], ends: [], pid: null });
  const status = document.getElementById("jobs-status");
  const bar = document.getElementById("jobs-progress");
  const run = document.getElementById("jobs-run");
  const cancel = document.getElementById("jobs-cancel");
  let socket = null;

  function jobsSocket() {
    if (socket !== null) return socket;
    socket = io("/jobs", { auth: { tab: window.dashboard.tab }, transports: ["websocket"], reconnectionDelayMax: 2000 });
    socket.on("job:progress", (progress) => {
      state.progress.push(progress);
      state.pid = progress.pid;
      bar.value = Math.round((100 * progress.doneMb) / progress.sizeMb);
      status.textContent = `gzip (pid ${progress.pid}): ${progress.doneMb} of ${progress.sizeMb} MB in, ${(progress.outBytes / 1048576).toFixed(2)} MB out`;
    });
    socket.on("job:end", (end) => {
      state.ends.push(end);
      if (end.outcome === "done") bar.value = 100;
      status.textContent = end.message[0].toUpperCase() + end.message.slice(1) + ".";
      run.disabled = false;
      cancel.disabled = true;
    });
    // A job lives in its session: a dropped connection ended it on the server.
    socket.on("disconnect", () => {
      if (!cancel.disabled) status.textContent = "The connection dropped; the server stopped the job.";
      run.disabled = false;
      cancel.disabled = true;
    });
    return socket;
  }

  document.getElementById("jobs-start").addEventListener("submit", (event) => {
    event.preventDefault();
    const sizeMb = Number(document.getElementById("jobs-size").value);
    run.disabled = true;
    bar.value = 0;
    status.textContent = `starting gzip -9 on ${sizeMb} MB…`;
    jobsSocket().emit("compress", sizeMb, (reply) => {
      if (reply && reply.error) {
        status.textContent = `Not started: ${reply.error.message}.`;
        run.disabled = false;
        return;
      }
      state.started++;
      cancel.disabled = false;
    });
  });

  cancel.addEventListener("click", () => {
    cancel.disabled = true;
    jobsSocket().emit("cancel");
  });
})();
