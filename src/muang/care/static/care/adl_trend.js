// A person's Barthel ADL totals over time (uPlot), with the group bands' borders (12 and 5) drawn as lines. Dates in
// the page's language (th-TH writes Thai months and the Buddhist Era), not uPlot's English defaults ("Time",
// "Jul 2026"); the borders named by their groups.
(function () {
  const el = document.getElementById("adl-trend");
  const dataEl = document.getElementById("adl-trend-data");
  if (!el || !dataEl || typeof uPlot === "undefined") return;
  const data = JSON.parse(dataEl.textContent);
  if (!data.days.length) { el.dataset.ready = "1"; return; }
  const locale = (document.documentElement.lang || "th").startsWith("th") ? "th-TH" : "en-GB";
  const zone = { timeZone: "Asia/Bangkok" };
  const day = new Intl.DateTimeFormat(locale, { ...zone, day: "numeric", month: "short", year: "numeric" });
  const tick = new Intl.DateTimeFormat(locale, { ...zone, month: "short", year: "2-digit" });
  const xs = data.days.map((d) => Date.parse(d + "T00:00:00+07:00") / 1000);
  const width = Math.max(260, Math.min(el.clientWidth || 320, 640));
  const border = (v) => (v == null ? "—" : "");
  const opts = {
    width, height: 180,
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1e3), "Asia/Bangkok"),
    scales: { y: { range: [0, 20] } },
    series: [
      { label: el.dataset.labelDay, value: (u, v) => (v == null ? "—" : day.format(new Date(v * 1000))) },
      { label: el.dataset.label, stroke: "#2b83ba", width: 2, points: { size: 7 }, value: (u, v) => (v == null ? "—" : v + "/20") },
      { label: el.dataset.labelActive, stroke: "#1a9641", dash: [4, 4], points: { show: false }, value: border },
      { label: el.dataset.labelBed, stroke: "#d7191c", dash: [4, 4], points: { show: false }, value: border },
    ],
    axes: [
      { values: (u, splits) => splits.map((v) => tick.format(new Date(v * 1000))) },
      { values: (u, ticks) => ticks.map(String) },
    ],
  };
  new uPlot(opts, [xs, data.totals, xs.map(() => 12), xs.map(() => 5)], el);
  el.dataset.ready = "1";
})();
