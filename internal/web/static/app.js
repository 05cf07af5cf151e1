// Clicking an edge of who met whom opens and lights the timeline entries
// it stands for. Everything else on the pages works without script.
"use strict";
document.addEventListener("click", function (ev) {
  var edge = ev.target.closest && ev.target.closest(".edge");
  if (!edge) return;
  document.querySelectorAll(".edge.lit, .entry.lit").forEach(function (el) { el.classList.remove("lit"); });
  edge.classList.add("lit");
  (edge.getAttribute("data-events") || "").split(" ").forEach(function (i) {
    var entry = document.getElementById("event-" + i);
    if (!entry) return;
    entry.classList.add("lit");
    var d = entry.querySelector("details");
    if (d) d.open = true;
  });
});
