// A person's Barthel ADL totals over time (uPlot), with the group bands' borders (12 and 5) drawn as lines.
(function () {
  const el = document.getElementById("adl-trend");
  const dataEl = document.getElementById("adl-trend-data");
  if (!el || !dataEl || typeof uPlot === "undefined") return;
  const data = JSON.parse(dataEl.textContent);
  if (!data.days.length) { el.dataset.ready = "1"; return; }
  const xs = data.days.map((d) => Date.parse(d + "T00:00:00+07:00") / 1000);
  const width = Math.max(260, Math.min(el.clientWidth || 320, 640));
  const opts = {
    width, height: 180,
    scales: { y: { range: [0, 20] } },
    series: [
      {},
      { label: el.dataset.label, stroke: "#2b83ba", width: 2, points: { size: 7 } },
      { label: "12", stroke: "#1a9641", dash: [4, 4], points: { show: false } },
      { label: "5", stroke: "#d7191c", dash: [4, 4], points: { show: false } },
    ],
    axes: [{}, { values: (u, ticks) => ticks.map(String) }],
  };
  new uPlot(opts, [xs, data.totals, xs.map(() => 12), xs.map(() => 5)], el);
  el.dataset.ready = "1";
})();
