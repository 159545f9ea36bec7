// The dashboard page: plain browser JavaScript, no build step. socket.io's client and uPlot are
// served by the demo server (from node_modules), never from a CDN.
//
// The four namespaces share one connection. When the server restarts (it closes with
// `reconnect: true`), socket.io-client reconnects by itself; each namespace then gets a new
// session on the new server, and this page puts back what that session needs: the CPU sampler is
// started again and the chat rejoins its room. The feed and the runtime panel need nothing.
"use strict";

const tab = Math.random().toString(36).slice(2, 8);
document.getElementById("tab").textContent = tab;
// A restart is a short gap: retry at most every 2 s rather than socket.io's default 5 s.
const connect = (path) => io(path, { auth: { tab }, transports: ["websocket"], reconnectionDelayMax: 2000 });

/** State the end-to-end test reads. */
const state = (window.dashboard = { tab, connects: 0, cpuPoints: 0, feedPoints: 0, dropped: 0, chat: [], online: [], runtime: null });

function lineChart(element, label, yRange) {
  // The card's width, whatever it is (a phone leaves about 340 px); the floor only keeps uPlot
  // drawable in a window narrower than any phone.
  const width = () => Math.max(160, element.clientWidth);
  const chart = new uPlot(
    {
      width: width(),
      height: 200,
      scales: { x: { time: true }, y: { range: yRange } },
      series: [{}, { label, stroke: "#2a7ae2", width: 2, fill: "rgba(42, 122, 226, 0.08)" }],
      axes: [{}, { size: 50 }],
      legend: { show: false },
    },
    [[], []],
    element,
  );
  // Observing the box rather than the window also catches a width change without a window
  // resize: the grid dropping to one column, a scroll bar appearing.
  let drawnWidth = width();
  new window.ResizeObserver(() => {
    if (width() === drawnWidth) return;
    drawnWidth = width();
    chart.setSize({ width: drawnWidth, height: 200 });
  }).observe(element);
  const xs = [];
  const ys = [];
  return (t, y) => {
    xs.push(t / 1000);
    ys.push(y);
    if (xs.length > 120) {
      xs.shift();
      ys.shift();
    }
    chart.setData([xs, ys]);
  };
}

// --- CPU: this tab's own sampler greenlet
const cpu = connect("/cpu");
const plotCpu = lineChart(document.getElementById("cpu-chart"), "CPU %", [0, 100]);
const status = document.getElementById("status");
// Every connect is a new session, so the sampler is asked for on each one, reconnects included.
cpu.on("connect", () => {
  state.connects++;
  status.textContent = "connected";
  cpu.emit("start", 500, (ack) => console.log("cpu:", ack));
});
cpu.on("disconnect", (reason) => {
  status.textContent = cpu.active ? `disconnected (${reason}), reconnecting…` : `disconnected (${reason})`;
});
cpu.io.on("reconnect_attempt", (attempt) => (status.textContent = `reconnecting (attempt ${attempt})…`));
cpu.on("point", ({ t, cpu: value }) => {
  state.cpuPoints++;
  plotCpu(t, value);
  document.getElementById("cpu-count").textContent = String(state.cpuPoints);
  document.getElementById("cpu-last").textContent = `${value.toFixed(1)} %`;
});

// --- Shared feed: ack each point (late when "slow" is ticked)
const feed = connect("/feed");
const plotFeed = lineChart(document.getElementById("feed-chart"), "sin", [-1.1, 1.1]);
const slow = document.getElementById("feed-slow");
feed.on("feed", (point, dropped, ack) => {
  state.feedPoints++;
  state.dropped = dropped;
  plotFeed(point.t, point.value);
  document.getElementById("feed-count").textContent = String(state.feedPoints);
  document.getElementById("feed-dropped").textContent = String(dropped);
  if (slow.checked) setTimeout(ack, 1000);
  else ack();
});

// --- Chat rooms
const chat = connect("/chat");
const log = document.getElementById("chat-log");
const errorLine = document.getElementById("chat-error");
function addLine(kind, html) {
  const item = document.createElement("li");
  item.className = kind;
  item.innerHTML = html;
  log.append(item);
  log.scrollTop = log.scrollHeight;
}
const escapeHtml = (text) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
function showOnline(list) {
  state.online = list;
  const ul = document.getElementById("chat-online");
  ul.replaceChildren(...list.map((nick) => Object.assign(document.createElement("li"), { textContent: nick })));
}
/** What the page says about a payload the server's schema refused, per event. */
const invalidInput = {
  nickname: "Nicknames are 1 to 24 characters.",
  join: "Room names are 1 to 32 characters.",
  message: "Messages are 1 to 500 characters.",
};
/**
 * A refusal as a sentence for a person, never an error class name: the layer's own refusals get
 * their own words; the app's ClientError messages ("join a room first") are already written
 * for people and only need a capital letter and a full stop.
 */
function sentence(error, event) {
  switch (error.name) {
    case "ValidationError":
      return invalidInput[event] ?? "The server did not accept that.";
    case "RateLimitError":
    case "BacklogFullError":
      return "Too much at once; wait a moment and try again.";
    case "InternalError":
      return "Something went wrong on the server; try again.";
  }
  const text = String(error.message ?? "").trim();
  if (text === "") return "Something went wrong; try again.";
  return text[0].toUpperCase() + text.slice(1) + (/[.!?]$/.test(text) ? "" : ".");
}
/** Shows the failure of `event`, if `reply` is one, and says whether it was; a success clears it. */
function failed(reply, event) {
  if (reply && reply.error) {
    errorLine.textContent = sentence(reply.error, event);
    return true;
  }
  errorLine.textContent = "";
  return false;
}
/** What to rejoin after a reconnect: the nickname and room of the last successful join. */
let membership = null;
function joinRoom(nick, room, verb) {
  chat.emit("nickname", nick, (reply) => {
    if (failed(reply, "nickname")) return;
    chat.emit("join", room, (joined) => {
      if (failed(joined, "join")) return;
      membership = { nick, room: joined.room };
      document.getElementById("chat-room-name").textContent = joined.room;
      state.room = joined.room;
      showOnline(joined.online);
      addLine("announcement", `you ${verb} ${escapeHtml(joined.room)}`);
    });
  });
}
chat.on("connect", () => {
  if (membership !== null) joinRoom(membership.nick, membership.room, "rejoined");
});
// The room lived in the old session: until the rejoin, this page is in no room.
chat.on("disconnect", () => {
  state.room = undefined;
  document.getElementById("chat-room-name").textContent = "–";
  showOnline([]);
});
chat.on("message", ({ nick, text }) => {
  state.chat.push({ nick, text });
  addLine("", `<b>${escapeHtml(nick)}</b> ${escapeHtml(text)}`);
});
chat.on("announcement", ({ text }) => addLine("announcement", escapeHtml(text)));
chat.on("online", showOnline);
chat.on("error", (report) => console.warn("chat error report:", report));
document.getElementById("chat-join").addEventListener("submit", (event) => {
  event.preventDefault();
  joinRoom(document.getElementById("chat-nick").value, document.getElementById("chat-room").value, "joined");
});
document.getElementById("chat-send").addEventListener("submit", (event) => {
  event.preventDefault();
  const input = document.getElementById("chat-text");
  const text = input.value;
  chat.emit("message", text, (reply) => {
    if (failed(reply, "message")) return;
    state.chat.push({ nick: "me", text });
    addLine("mine", `<b>me</b> ${escapeHtml(text)}`);
    input.value = "";
  });
});

// --- Runtime panel
const runtime = connect("/runtime");
runtime.on("runtime", (snapshot) => {
  state.runtime = snapshot;
  const { stats, sessions } = snapshot;
  for (const key of ["sessions", "greenlets", "reaped", "stragglers"]) {
    document.getElementById(`stat-${key}`).textContent = String(stats[key]);
  }
  document.getElementById("stat-tabs").textContent = String(snapshot.tabs);
  const app = document.getElementById("stat-app");
  app.textContent = String(snapshot.appGreenlets.length);
  app.title = snapshot.appGreenlets.join(", ");
  const rows = sessions
    .slice()
    .sort((a, b) => (a.tab + a.namespace).localeCompare(b.tab + b.namespace))
    .map((s) => {
      const tr = document.createElement("tr");
      for (const value of [s.tab, s.namespace, s.id.slice(0, 8), String(s.greenlets)]) {
        const td = Object.assign(document.createElement("td"), { textContent: value });
        if (s.tab === tab) td.className = "mine";
        tr.append(td);
      }
      return tr;
    });
  document.getElementById("sessions").replaceChildren(...rows);
  document.getElementById("runinfo").textContent = snapshot.runInfo;
  showCluster(snapshot);
  state.showBlocks?.(snapshot.blocks);
});

/** With several nodes (REDIS_URL, `npm run start:cluster`): every node's stats, and which one serves this tab. */
function showCluster({ node, cluster }) {
  const box = document.getElementById("cluster");
  box.hidden = cluster === null;
  if (cluster === null) return;
  document.getElementById("node").textContent = node;
  const rows = Object.keys(cluster.nodes)
    .sort()
    .map((id) => {
      const stats = cluster.nodes[id];
      const tr = document.createElement("tr");
      if (id === node) tr.className = "mine";
      for (const value of [id, stats.sessions, stats.greenlets, stats.reaped, stats.stragglers, stats.adapterErrors ?? 0]) {
        tr.append(Object.assign(document.createElement("td"), { textContent: String(value) }));
      }
      return tr;
    });
  document.getElementById("cluster-nodes").replaceChildren(...rows);
  document.getElementById("cluster-missing").textContent = cluster.missing.length > 0 ? `not answering: ${cluster.missing.join(", ")}` : "";
}
