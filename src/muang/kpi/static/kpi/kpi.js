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

/* The map layer of an indicator that has places (complaints resolved in the month...): one circle per cell of
   about 100 m, its size by how many things the cell holds. Leaflet from its npm package (core/_leaflet.html). */
(function () {
  "use strict";
  if (typeof L === "undefined") return;
  document.querySelectorAll(".kpi-map[data-url]").forEach(function (el) {
    fetch(el.dataset.url, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
      .then(function (r) { return r.ok ? r.json() : { features: [] }; })
      .then(function (layer) {
        el.dataset.count = String(layer.features.length);
        if (!layer.features.length) { el.hidden = true; el.dataset.ready = "1"; return; }
        var map = L.map(el, { scrollWheelZoom: false });
        L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: "&copy; OpenStreetMap" }).addTo(map);
        var most = Math.max.apply(null, layer.features.map(function (f) { return f.properties.count; }));
        var cells = L.geoJSON(layer, {
          pointToLayer: function (f, ll) {
            return L.circleMarker(ll, {
              radius: 4 + 10 * Math.sqrt(f.properties.count / most),
              color: "#1565c0", weight: 1, fillOpacity: 0.5,
            }).bindTooltip(String(f.properties.count));
          },
        }).addTo(map);
        map.fitBounds(cells.getBounds(), { maxZoom: 16, padding: [10, 10] });
        el.dataset.ready = "1";
      });
  });
})();
