// One case on a small map; a sensitive case's point is already blurred by the server (drawn as a circle).
(function () {
  const el = document.getElementById("case-map");
  if (!el || typeof L === "undefined") return;
  const ll = [Number(el.dataset.lat), Number(el.dataset.lon)];
  const map = L.map(el, { scrollWheelZoom: false }).setView(ll, 16);
  L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: "&copy; OpenStreetMap" }).addTo(map);
  if (el.dataset.blurred === "1") { L.circle(ll, { radius: 100 }).addTo(map); } else { L.marker(ll).addTo(map); }
  el.dataset.ready = "1";
})();
