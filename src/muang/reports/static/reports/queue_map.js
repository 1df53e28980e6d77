// The staff map of the filtered queue: the same filters as the table, clustered; overdue cases in red.
(function () {
  const el = document.getElementById("queue-map");
  if (!el || typeof L === "undefined") return;
  const map = L.map(el, { scrollWheelZoom: false }).setView([13.75, 100.5], 6);
  L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: "&copy; OpenStreetMap" }).addTo(map);
  const group = L.markerClusterGroup();
  map.addLayer(group);
  function esc(s) { return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c])); }
  fetch(el.dataset.url).then((r) => r.json()).then((data) => {
    for (const f of data.features) {
      const [x, y] = f.geometry.coordinates;
      const p = f.properties;
      const link = el.dataset.case.replace("CODE", encodeURIComponent(p.code));
      const m = L.circleMarker([y, x], { radius: 8, color: p.overdue ? "#b42318" : "#0b5d7a" });
      group.addLayer(m.bindPopup(`<a href="${link}">${esc(p.code)}</a><br>${esc(p.category)}<br>${esc(p.status)}`));
    }
    if (data.features.length) map.fitBounds(group.getBounds(), { padding: [20, 20], maxZoom: 17 });
    el.dataset.ready = "1";
  });
})();
