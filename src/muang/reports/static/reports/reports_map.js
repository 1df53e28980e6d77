// The public map: asks the server for the reports in the visible box (counted per cell server-side when
// zoomed out, single reports clustered by leaflet.markercluster when zoomed in) every time the view settles.
//
// It opens on the view in the address (#zoom/lat/lon, kept up to date so a view can be shared), else on the
// visitor's position when they have already allowed it, else on where the reports are (the server's
// `bounds`), and the "Near me" button moves to the visitor's position on request.
(function () {
  const el = document.getElementById("reports-map");
  if (!el || typeof L === "undefined") return;
  const map = L.map(el);
  L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: "&copy; OpenStreetMap" }).addTo(map);
  const center = JSON.parse(document.getElementById("map-center").textContent);
  const points = L.markerClusterGroup();
  const cells = L.layerGroup();
  map.addLayer(points);
  map.addLayer(cells);
  const NEAR_ZOOM = 15;
  let seq = 0;

  function esc(s) { return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c])); }

  function viewInAddress() {
    const m = /^#(\d{1,2})\/(-?\d{1,2}(?:\.\d+)?)\/(-?\d{1,3}(?:\.\d+)?)$/.exec(window.location.hash);
    if (!m) return null;
    const zoom = Number(m[1]), lat = Number(m[2]), lon = Number(m[3]);
    return zoom <= 19 && Math.abs(lat) <= 90 && Math.abs(lon) <= 180 ? { zoom, lat, lon } : null;
  }

  function keepViewInAddress() {
    const c = map.getCenter();
    history.replaceState(null, "", `#${map.getZoom()}/${c.lat.toFixed(5)}/${c.lng.toFixed(5)}`);
  }

  function load() {
    const b = map.getBounds();
    const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
    const box = [clamp(b.getWest(), -180, 180), clamp(b.getSouth(), -90, 90), clamp(b.getEast(), -180, 180), clamp(b.getNorth(), -90, 90)];
    const params = new URLSearchParams({ bbox: box.map((v) => v.toFixed(5)).join(","), zoom: String(map.getZoom()) });
    if (el.dataset.org) params.set("org", el.dataset.org);
    const mine = ++seq;
    fetch(el.dataset.url + "?" + params.toString()).then((r) => r.ok ? r.json() : null).then((data) => {
      if (!data || mine !== seq) return;
      points.clearLayers();
      cells.clearLayers();
      for (const f of data.features) {
        const [x, y] = f.geometry.coordinates;
        const p = f.properties;
        if (p.count !== undefined) {
          const size = 30 + Math.min(24, Math.round(Math.log10(p.count + 1) * 10));
          cells.addLayer(L.marker([y, x], {
            icon: L.divIcon({ className: "cluster-count", html: `<span>${p.count.toLocaleString()}</span>`, iconSize: [size, size] }),
            title: el.dataset.clusterTitle.replace("N", p.count.toLocaleString()),
          }).on("click", () => map.setView([y, x], Math.min(map.getZoom() + 2, 18))));
        } else {
          const link = el.dataset.track.replace("CODE", encodeURIComponent(p.code));
          const m = p.sensitive ? L.circleMarker([y, x], { radius: 10 }) : L.marker([y, x], { alt: p.category });
          points.addLayer(m.bindPopup(`<strong>${esc(p.category)}</strong><br>${esc(p.status)}<br><a href="${link}">${esc(p.code)}</a>`));
        }
      }
      el.dataset.ready = "1";
      el.dataset.features = String(data.features.length);
    });
  }

  function goNear(pos) { map.setView([pos.coords.latitude, pos.coords.longitude], NEAR_ZOOM); }

  const near = document.getElementById("near-me");
  const nearError = document.getElementById("near-me-error");
  if (near && navigator.geolocation) {
    near.hidden = false;
    near.addEventListener("click", () => {
      navigator.geolocation.getCurrentPosition(
        (pos) => { nearError.hidden = true; goNear(pos); },
        () => { nearError.hidden = false; },
        { timeout: 15000, maximumAge: 60000 }
      );
    });
  }

  const asked = viewInAddress();
  if (asked) {
    map.setView([asked.lat, asked.lon], asked.zoom);
  } else if (center && center.bounds) {
    map.fitBounds(center.bounds, { padding: [10, 10], maxZoom: NEAR_ZOOM - 1 });
  } else {
    map.setView([13.0, 101.0], 5);
  }
  map.on("moveend", () => { keepViewInAddress(); load(); });
  keepViewInAddress();
  load();
  // Someone who has already allowed their position (on an earlier visit) sees the reports around them.
  if (!asked && navigator.permissions && navigator.geolocation) {
    navigator.permissions.query({ name: "geolocation" }).then((status) => {
      if (status.state === "granted") navigator.geolocation.getCurrentPosition(goNear, () => {}, { timeout: 15000, maximumAge: 60000 });
    }).catch(() => {});
  }
})();
