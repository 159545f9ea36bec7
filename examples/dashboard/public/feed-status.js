// The shared feed's status on the dashboard page: "live", "waiting" for a first point, or
// "stalled" when a producer process stopped sending (the server says which; see feed-status.ts).
// It listens on the /feed socket that app.js opened.
"use strict";
/* global feed, state -- declared by app.js, which runs first */
{
  const element = document.getElementById("feed-status");
  const time = (ms) => new Date(ms).toLocaleTimeString();
  const words = (view) => {
    switch (view.state) {
      case "live":
        return `live, from ${view.source}`;
      case "waiting":
        return `waiting for the first point from ${view.source}`;
      default:
        return `stalled since ${time(view.since)}: no point from ${view.source}` + (view.lastPointAt === null ? " yet" : ` after ${time(view.lastPointAt)}`);
    }
  };
  feed.on("feed status", (view) => {
    state.feedStatus = view.state;
    element.textContent = words(view);
    element.dataset.state = view.state;
  });
  feed.on("disconnect", () => {
    state.feedStatus = undefined;
    element.textContent = "–";
    delete element.dataset.state;
  });
}
