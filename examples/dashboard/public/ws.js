// The feed page without socket.io: a browser WebSocket to /feed.ws, JSON messages, uPlot.
// When the socket closes (a server restart), it opens a new one a second later.
"use strict";

/** State the end-to-end test reads. */
const state = (window.wsFeed = { points: 0, opened: 0, feedStatus: undefined, lastPid: undefined });

const element = document.getElementById("chart");
const chart = new uPlot(
  {
    width: Math.max(160, element.clientWidth),
    height: 200,
    scales: { x: { time: true }, y: { range: [-1.1, 1.1] } },
    series: [{}, { label: "sin", stroke: "#2a7ae2", width: 2, fill: "rgba(42, 122, 226, 0.08)" }],
    axes: [{}, { size: 50 }],
    legend: { show: false },
  },
  [[], []],
  element,
);
new window.ResizeObserver(() => chart.setSize({ width: Math.max(160, element.clientWidth), height: 200 })).observe(element);
const xs = [];
const ys = [];
const status = document.getElementById("status");
const feedStatus = document.getElementById("feed-status");
const time = (ms) => new Date(ms).toLocaleTimeString();

function show(view) {
  state.feedStatus = view.state;
  feedStatus.dataset.state = view.state;
  if (view.state === "live") feedStatus.textContent = `live, from ${view.source}`;
  else if (view.state === "waiting") feedStatus.textContent = `waiting for the first point from ${view.source}`;
  else feedStatus.textContent = `stalled since ${time(view.since)}: no point from ${view.source}`;
}

function plot(point) {
  state.points++;
  state.lastPid = point.pid;
  xs.push(point.t / 1000);
  ys.push(point.value);
  if (xs.length > 120) {
    xs.shift();
    ys.shift();
  }
  chart.setData([xs, ys]);
  document.getElementById("count").textContent = String(state.points);
  document.getElementById("dropped").textContent = String(point.dropped);
}

function open() {
  const { host, protocol } = window.location;
  const socket = new window.WebSocket(`${protocol === "https:" ? "wss" : "ws"}://${host}/feed.ws`);
  socket.onopen = () => {
    state.opened++;
    status.textContent = "connected";
  };
  socket.onmessage = (message) => {
    const data = JSON.parse(message.data);
    if (data.type === "point") plot(data);
    else if (data.type === "status") show(data);
  };
  socket.onclose = () => {
    status.textContent = "disconnected, reconnecting…";
    state.feedStatus = undefined;
    setTimeout(open, 1000);
  };
}
open();
