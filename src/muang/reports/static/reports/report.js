// The citizen's report form: choose a place (GPS or a pin on the map), then load the categories of the
// organisation that covers it (htmx). `window.muangReport.setPoint(lat, lon)` is the page's API (tests use it).
(function () {
  const el = document.getElementById("pick-map");
  const lat = document.getElementById("id_lat");
  const lon = document.getElementById("id_lon");
  const script = document.getElementById("report-js");
  const form = document.getElementById("report-form");
  if (!el || !lat || !lon || !script) return;
  let map = null;
  let marker = null;
  if (typeof L !== "undefined") {
    map = L.map(el, { tap: true }).setView([13.75, 100.5], 6);
    L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution }).addTo(map);
    map.on("click", (e) => setPoint(e.latlng.lat, e.latlng.lng));
  }

  function loadPlace() {
    if (!lat.value || !lon.value) return;
    const checked = form.querySelector("[name=category]:checked");
    const params = new URLSearchParams({ lat: lat.value, lon: lon.value, category: checked ? checked.value : "" });
    const url = script.dataset.placeUrl + "?" + params.toString();
    if (window.htmx) {
      window.htmx.ajax("GET", url, { target: "#place", swap: "innerHTML" });
    } else {
      fetch(url).then((r) => r.text()).then((html) => { document.getElementById("place").innerHTML = html; });
    }
  }

  function setPoint(la, lo) {
    lat.value = Number(la).toFixed(6);
    lon.value = Number(lo).toFixed(6);
    if (map) {
      const ll = [Number(la), Number(lo)];
      if (marker) { marker.setLatLng(ll); } else { marker = L.marker(ll, { draggable: true }).addTo(map); marker.on("dragend", () => { const p = marker.getLatLng(); setPoint(p.lat, p.lng); }); }
      map.setView(ll, Math.max(map.getZoom(), 16));
    }
    loadPlace();
  }

  document.getElementById("gps").addEventListener("click", () => {
    const err = document.getElementById("gps-error");
    if (!navigator.geolocation) { err.hidden = false; err.textContent = "GPS is not available on this device."; return; }
    navigator.geolocation.getCurrentPosition(
      (pos) => { err.hidden = true; setPoint(pos.coords.latitude, pos.coords.longitude); },
      (e) => { err.hidden = false; err.textContent = e.message; },
      { enableHighAccuracy: true, timeout: 15000 }
    );
  });
  lat.addEventListener("change", loadPlace);
  lon.addEventListener("change", loadPlace);
  // A double tap sends once: the button is disabled after the first submit (the idempotency key covers the rest).
  form.addEventListener("submit", () => { document.getElementById("submit").disabled = true; });

  if (lat.value && lon.value && map) {
    const ll = [Number(lat.value), Number(lon.value)];
    marker = L.marker(ll).addTo(map);
    map.setView(ll, 16);
  }
  window.muangReport = { setPoint: setPoint };
  el.dataset.ready = "1";
})();
