// Field survey: follow the phone's GPS, show where the surveyor is, and list the nearest parcels.
(function () {
  const el = document.getElementById("survey-map");
  const button = document.getElementById("locate");
  const status = document.getElementById("gps-status");
  if (!el || typeof L === "undefined") return;
  const map = L.map(el).setView([13.75, 100.5], 6);
  L.tileLayer(el.dataset.tiles, { maxZoom: 20, maxNativeZoom: 19, attribution: "&copy; OpenStreetMap" }).addTo(map);
  let me = null, ring = null;
  // The parcels around the surveyor, outlined; a tap opens the survey form of that parcel.
  const parcels = L.geoJSON(null, {
    style: { color: "#0b5d7a", weight: 2, fillOpacity: 0.08 },
    pointToLayer: (f, latlng) => L.circleMarker(latlng, { radius: 6, color: "#0b5d7a" }),
    onEachFeature: (f, layer) => {
      layer.bindTooltip(f.properties.code, { permanent: false });
      if (el.dataset.survey) layer.on("click", () => { location.href = el.dataset.survey.replace("CODE", encodeURIComponent(f.properties.code)); });
    },
  }).addTo(map);
  function loadParcels(lat, lon) {
    const d = 0.002; // about 200 m each way
    const bbox = [lon - d, lat - d, lon + d, lat + d].map((v) => v.toFixed(6)).join(",");
    fetch(`${el.dataset.parcels}?bbox=${bbox}`, { credentials: "same-origin" })
      .then((r) => (r.ok ? r.json() : null))
      .then((data) => { if (data) { parcels.clearLayers(); parcels.addData(data); } });
  }

  function show(lat, lon, accuracy) {
    const at = [lat, lon];
    if (!me) {
      me = L.circleMarker(at, { radius: 8, color: "#fff", weight: 2, fillColor: "#1570ef", fillOpacity: 1 }).addTo(map);
      ring = L.circle(at, { radius: accuracy || 0, color: "#1570ef", weight: 1, fillOpacity: 0.1 }).addTo(map);
      map.setView(at, 18);
    } else {
      me.setLatLng(at); ring.setLatLng(at).setRadius(accuracy || 0);
    }
    const q = new URLSearchParams({ lat: lat.toFixed(7), lon: lon.toFixed(7) });
    if (accuracy) q.set("accuracy", String(Math.round(accuracy)));
    if (window.htmx) htmx.ajax("GET", `${el.dataset.nearby}?${q}`, { target: "#nearby", swap: "innerHTML" });
    loadParcels(lat, lon);
  }
  window.muangSurvey = { show: show };

  let watch = null, last = 0;
  button?.addEventListener("click", () => {
    if (!("geolocation" in navigator)) { status.textContent = button.dataset.noGps || "This browser cannot give a position."; return; }
    status.textContent = "…";
    if (watch !== null) navigator.geolocation.clearWatch(watch);
    watch = navigator.geolocation.watchPosition(
      (pos) => {
        const c = pos.coords;
        status.textContent = `± ${Math.round(c.accuracy)} m`;
        // Walking: ask for the nearest parcels at most every 5 seconds.
        if (Date.now() - last > 5000) { last = Date.now(); show(c.latitude, c.longitude, c.accuracy); }
        else if (me) { me.setLatLng([c.latitude, c.longitude]); }
      },
      (err) => { status.textContent = err.message; },
      { enableHighAccuracy: true, maximumAge: 10000, timeout: 20000 },
    );
  });
  el.dataset.ready = "1";
})();
