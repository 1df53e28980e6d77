/* The trend of each indicator over the last twelve months, against its target: a small uPlot chart per
   indicator (uPlot: ~50 kB minified, no dependencies, canvas, fast on a cheap phone on 3G). */
(function () {
  "use strict";
  var source = document.getElementById("kpi-data");
  if (!source || !window.uPlot) return;
  var data = JSON.parse(source.textContent);
  var xs = data.months.map(function (m) {
    var p = m.split("-");
    return Date.UTC(+p[0], +p[1] - 1, 1) / 1000;
  });
  document.querySelectorAll(".kpi-trend[data-indicator]").forEach(function (box) {
    var s = data.series[box.dataset.indicator];
    if (!s || !s.values.some(function (v) { return v !== null; })) return;
    var series = [{}, { stroke: "#1565c0", width: 2, points: { size: 4, fill: "#1565c0" } }];
    var columns = [xs, s.values];
    if (s.target !== null) {
      series.push({ stroke: "#2e7d32", width: 1, dash: [4, 4], points: { show: false } });
      columns.push(xs.map(function () { return s.target; }));
    }
    var width = Math.min(box.clientWidth || 220, 320);
    new uPlot({
      width: width,
      height: 56,
      legend: { show: false },
      cursor: { show: false },
      axes: [{ show: false }, { show: false }],
      scales: { x: { time: true } },
      series: series,
    }, columns, box);
    box.dataset.drawn = "1";
  });
})();
