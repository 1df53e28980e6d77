// The staff map of the filtered queue: the same filters as the table, clustered; overdue cases in red.
// "Only cases in the map view" narrows the queue to what the map shows (the filter form's hidden `bbox`, as
// min_lon,min_lat,max_lon,max_lat): nobody types coordinates. Moving the map afterwards offers "Search this area".
(function () {
  "use strict";
  const el = document.getElementById("queue-map");
  if (!el || typeof L === "undefined") return;
  const form = document.getElementById("filters");
  const bboxInput = form && form.querySelector("input[name=bbox]");
  const area = document.getElementById("map-area");
  const toggle = document.getElementById("in-view");
  const here = document.getElementById("search-here");
  const map = L.map(el, { scrollWheelZoom: false }).setView([13.75, 100.5], 6);
  L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: "&copy; OpenStreetMap" }).addTo(map);
  const group = L.markerClusterGroup();
  map.addLayer(group);
  let settled = false;

  function esc(s) { return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c])); }

  function parseBox(text) {
    const v = (text || "").split(",").map(Number);
    if (v.length !== 4 || v.some((n) => !Number.isFinite(n))) return null;
    return L.latLngBounds([v[1], v[0]], [v[3], v[2]]);
  }

  function viewBox() {
    const b = map.getBounds();
    const clamp = (n, lo, hi) => Math.min(hi, Math.max(lo, n));
    return [
      clamp(b.getWest(), -180, 180), clamp(b.getSouth(), -90, 90),
      clamp(b.getEast(), -180, 180), clamp(b.getNorth(), -90, 90),
    ].map((n) => n.toFixed(5)).join(",");
  }

  function filterBy(box) {
    bboxInput.value = box;
    if (form.requestSubmit) form.requestSubmit(); else form.submit();
  }

  const box = parseBox(el.dataset.bbox);
  if (box) {
    map.fitBounds(box);
    L.rectangle(box, { color: "#0b5d7a", weight: 2, fill: false, dashArray: "6 4", interactive: false }).addTo(map);
  }
  if (area && toggle && bboxInput) {
    area.hidden = false;
    toggle.addEventListener("change", () => filterBy(toggle.checked ? viewBox() : ""));
    here.addEventListener("click", () => filterBy(viewBox()));
    map.on("moveend", () => { if (settled && toggle.checked) here.hidden = false; });
  }

  fetch(el.dataset.url, { credentials: "same-origin" }).then((r) => r.json()).then((data) => {
    for (const f of data.features) {
      const [x, y] = f.geometry.coordinates;
      const p = f.properties;
      const link = el.dataset.case.replace("CODE", encodeURIComponent(p.code));
      const m = L.circleMarker([y, x], { radius: 8, color: p.overdue ? "#b42318" : "#0b5d7a" });
      group.addLayer(m.bindPopup(`<a href="${link}">${esc(p.code)}</a><br>${esc(p.category)}<br>${esc(p.status)}`));
    }
    if (!box && data.features.length) map.fitBounds(group.getBounds(), { padding: [20, 20], maxZoom: 17 });
    el.dataset.features = String(data.features.length);
  }).finally(() => {
    // Moves from here on are the officer's own.
    setTimeout(() => { settled = true; el.dataset.ready = "1"; }, 300);
  });
})();
