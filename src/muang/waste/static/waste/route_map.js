// A collection route on the map: its stops numbered in the crew's order, joined by a line; full bins in red.
(function () {
  const el = document.getElementById("route-map");
  if (!el || typeof L === "undefined") return;
  const stops = JSON.parse(document.getElementById("route-stops-data").textContent);
  const map = L.map(el);
  L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: "&copy; OpenStreetMap" }).addTo(map);
  const layer = L.featureGroup();
  function esc(s) { return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c])); }
  for (const s of stops) {
    const full = s.priority > 0;
    const marker = L.circleMarker([s.lat, s.lon], {
      radius: 9, color: "#222", weight: 1, fillColor: full ? "#d7191c" : "#1a9641", fillOpacity: 0.9,
      className: `stop stop-${s.seq}`,
    }).bindTooltip(`${s.seq}. ${esc(s.name)}${full ? " · " + esc(el.dataset.fullLabel) : ""}`);
    layer.addLayer(marker);
  }
  if (stops.length > 1) layer.addLayer(L.polyline(stops.map((s) => [s.lat, s.lon]), { color: "#2b83ba", weight: 3 }));
  layer.addTo(map);
  if (stops.length) map.fitBounds(layer.getBounds(), { maxZoom: 17, padding: [20, 20] }); else map.setView([16.54, 102.1], 13);
  el.dataset.ready = "1";
})();
