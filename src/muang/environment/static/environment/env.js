// The public air and water page: the stations on a Leaflet map in their colour, and a station's last 24 hours
// or 30 days as a uPlot chart from the API's compact columns (GET …/stations/<id>/history?range=24h|30d).
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("env-data").textContent);
  const mapEl = document.getElementById("env-map");
  const box = document.getElementById("env-chart-box");
  const chartEl = document.getElementById("env-chart");
  const title = document.getElementById("env-chart-title");
  const thai = (document.documentElement.lang || "th").startsWith("th");
  const labels = chartEl.dataset; // the chart's labels, translated by Django (data-label-*)
  const fmt = new Intl.DateTimeFormat(thai ? "th-TH" : "en-GB", {
    timeZone: "Asia/Bangkok", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit",
  }); // th-TH writes the Buddhist Era year
  const tick = {
    "24h": new Intl.DateTimeFormat(thai ? "th-TH" : "en-GB", { timeZone: "Asia/Bangkok", hour: "2-digit", minute: "2-digit" }),
    "30d": new Intl.DateTimeFormat(thai ? "th-TH" : "en-GB", { timeZone: "Asia/Bangkok", day: "numeric", month: "short" }),
  };
  let current = null, range = "24h", plot = null;

  const located = data.filter((s) => s.lat !== null && s.lon !== null);
  if (located.length && typeof L !== "undefined") {
    const map = L.map(mapEl, { scrollWheelZoom: false });
    L.tileLayer(mapEl.dataset.tiles, { maxZoom: 18, attribution: "© OpenStreetMap" }).addTo(map);
    const bounds = [];
    for (const s of located) {
      const marker = L.circleMarker([s.lat, s.lon], {
        radius: 10, color: "#333", weight: 1, fillColor: s.colour_hex, fillOpacity: 0.9,
        className: "env-marker env-marker-" + s.colour,
      }).addTo(map);
      marker.bindTooltip(s.name + (s.level_name ? " · " + s.level_name : ""));
      marker.on("click", () => show(s));
      bounds.push([s.lat, s.lon]);
    }
    map.fitBounds(bounds, { padding: [20, 20], maxZoom: 14 });
    mapEl.dataset.ready = "1";
  } else {
    mapEl.hidden = true;
  }

  function show(station) {
    current = station;
    box.hidden = false;
    title.textContent = station.name;
    load();
  }

  function load() {
    chartEl.dataset.drawn = "0";
    fetch(mapEl.dataset.api + current.id + "/history?range=" + range, { headers: { Accept: "application/json" } })
      .then((r) => (r.ok ? r.json() : Promise.reject(r.status)))
      // A failed request says so on the page; a fault in draw() stays a script error (the browser tests see it).
      .then(draw, () => { chartEl.textContent = labels.labelFailed; chartEl.dataset.drawn = "failed"; });
  }

  function draw(h) {
    if (plot) { plot.destroy(); plot = null; }
    chartEl.textContent = "";
    const air = current.kind === "air";
    const series = [{ label: labels.labelTime, value: (u, v) => (v == null ? "—" : fmt.format(new Date(v * 1000))) }];
    const columns = [h.t];
    if (air) {
      series.push({ label: "PM2.5 µg/m³", stroke: "#ff7b00", width: 2, spanGaps: false });
      series.push({ label: "PM10 µg/m³", stroke: "#7f7f7f", width: 1 });
      columns.push(h.pm25 || [], h.pm10 || []);
      const limit = parseFloat(mapEl.dataset.pm25Alert);
      if (!isNaN(limit)) { // where the alerting bands begin (orange: 37.6 in the 2023 notice)
        series.push({ label: labels.labelAlertFrom, stroke: "#ff7b00", width: 1, dash: [6, 4] });
        columns.push(h.t.map(() => limit));
      }
    } else {
      series.push({ label: labels.labelWater, stroke: "#0070c0", width: 2 });
      columns.push(h.level || []);
      // The gauge's own levels, as dashed lines.
      for (const [value, label, colour] of [
        [current.alert_level, labels.labelAlertLevel, "#ff7b00"],
        [current.danger_level, labels.labelDangerLevel, "#e60000"],
      ]) {
        if (value === null || value === undefined) continue;
        series.push({ label: label, stroke: colour, width: 1, dash: [6, 4] });
        columns.push(h.t.map(() => value));
      }
    }
    const width = Math.max(280, chartEl.clientWidth || box.clientWidth - 20);
    plot = new uPlot({
      width: width, height: 220, series: series,
      // The whole period, even when only part of it has readings; ticks in Bangkok time, no year (no C.E.).
      scales: { x: { time: true, range: () => [h.start, h.end] } },
      axes: [{ values: (u, splits) => splits.map((v) => tick[h.range].format(new Date(v * 1000))) }, { size: 45 }],
    }, columns, chartEl);
    chartEl.dataset.drawn = String(h.t.length);
  }

  for (const b of document.querySelectorAll(".env-range")) {
    b.addEventListener("click", () => {
      range = b.dataset.range;
      for (const o of document.querySelectorAll(".env-range")) o.setAttribute("aria-pressed", String(o === b));
      if (current) load();
    });
  }
  for (const b of document.querySelectorAll(".env-pick")) {
    b.addEventListener("click", () => show(data.find((s) => String(s.id) === b.dataset.id)));
  }
})();
