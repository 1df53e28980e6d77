// The taxpayer's properties on a small map: markers from the JSON the page embeds (#holdings-data).
(function () {
  var el = document.getElementById("holdings-map");
  var data = document.getElementById("holdings-data");
  if (!el || !data || !window.L) return;
  var points = JSON.parse(data.textContent);
  if (!points.length) { el.hidden = true; return; }
  var map = L.map(el, { scrollWheelZoom: false });
  L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: "© OpenStreetMap" }).addTo(map);
  var bounds = [];
  points.forEach(function (p) {
    L.marker([p.lat, p.lon]).addTo(map).bindPopup(p.label);
    bounds.push([p.lat, p.lon]);
  });
  map.fitBounds(bounds, { maxZoom: 17, padding: [20, 20] });
  el.dataset.ready = "1";
})();
