// Draws the GeoJSON features that the page put in <script id="map-features"> onto #map (Leaflet).
(function () {
  const el = document.getElementById("map");
  const data = document.getElementById("map-features");
  if (!el || !data || typeof L === "undefined") return;
  const features = JSON.parse(data.textContent);
  const map = L.map(el, { scrollWheelZoom: false });
  L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution }).addTo(map);
  const layer = L.geoJSON({ type: "FeatureCollection", features: features }, {
    style: { color: "#0b5d7a", weight: 2, fillOpacity: 0.15 },
    onEachFeature: (f, l) => l.bindTooltip(f.properties.name + (f.properties.kind ? " · " + f.properties.kind : "")),
  }).addTo(map);
  if (features.length) { map.fitBounds(layer.getBounds(), { padding: [10, 10] }); } else { map.setView([13.75, 100.5], 6); }
  el.dataset.ready = "1";
})();
