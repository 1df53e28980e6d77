// Staff filing a case for a caller: tap the map to fill latitude and longitude (optional; an address will do).
(function () {
  const el = document.getElementById("pick-map");
  const lat = document.getElementById("id_lat");
  const lon = document.getElementById("id_lon");
  const form = document.getElementById("staff-case-form");
  if (form) form.addEventListener("submit", () => { document.getElementById("submit").disabled = true; });
  if (!el || !lat || !lon || typeof L === "undefined") return;
  const map = L.map(el).setView(lat.value ? [Number(lat.value), Number(lon.value)] : [13.75, 100.5], lat.value ? 16 : 6);
  L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution }).addTo(map);
  let marker = lat.value ? L.marker([Number(lat.value), Number(lon.value)]).addTo(map) : null;
  map.on("click", (e) => {
    lat.value = e.latlng.lat.toFixed(6);
    lon.value = e.latlng.lng.toFixed(6);
    if (marker) marker.setLatLng(e.latlng); else marker = L.marker(e.latlng).addTo(map);
  });
})();
