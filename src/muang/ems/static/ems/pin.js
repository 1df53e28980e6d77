// The call-taker's map: a tap puts the pin; its latitude and longitude go into the form's hidden fields.
(function () {
  const el = document.getElementById("pin-map");
  if (!el || typeof L === "undefined") return;
  const lat = document.getElementById("id_lat");
  const lon = document.getElementById("id_lon");
  const text = document.getElementById("pin-text");
  const center = JSON.parse(document.getElementById("map-center").textContent);
  const map = L.map(el).setView([center.lat, center.lon], 15);
  L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: "&copy; OpenStreetMap" }).addTo(map);
  let marker = null;
  function place(latlng) {
    if (marker) marker.setLatLng(latlng); else marker = L.marker(latlng).addTo(map);
    lat.value = latlng.lat.toFixed(6);
    lon.value = latlng.lng.toFixed(6);
    text.textContent = `${lat.value}, ${lon.value}`;
  }
  if (lat.value && lon.value) place(L.latLng(parseFloat(lat.value), parseFloat(lon.value)));
  map.on("click", (e) => place(e.latlng));
  el.dataset.ready = "1";
})();
