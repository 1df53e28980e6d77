// An alert's card: where the band was, on the map.
(function () {
  const el = document.getElementById("alert-map");
  if (!el || typeof L === "undefined") return;
  const at = [parseFloat(el.dataset.lat), parseFloat(el.dataset.lon)];
  const map = L.map(el).setView(at, 16);
  L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: "&copy; OpenStreetMap" }).addTo(map);
  L.circleMarker(at, { radius: 10, color: "#000", weight: 2, fillColor: "#d7191c", fillOpacity: 0.95 }).addTo(map);
  el.dataset.ready = "1";
})();
