// The public map: asks the server for the reports in the visible box (clustered server-side when zoomed out,
// single reports clustered by leaflet.markercluster when zoomed in) every time the view settles.
(function () {
  const el = document.getElementById("reports-map");
  if (!el || typeof L === "undefined") return;
  const map = L.map(el);
  L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: "&copy; OpenStreetMap" }).addTo(map);
  const center = JSON.parse(document.getElementById("map-center").textContent);
  if (center && center.bounds) { map.fitBounds(center.bounds); } else { map.setView([13.75, 100.5], 6); }
  const points = L.markerClusterGroup();
  const cells = L.layerGroup();
  map.addLayer(points);
  map.addLayer(cells);
  let seq = 0;

  function esc(s) { return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c])); }

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
          const size = 28 + Math.min(24, Math.round(Math.log10(p.count + 1) * 10));
          cells.addLayer(L.marker([y, x], { icon: L.divIcon({ className: "cluster-count", html: String(p.count), iconSize: [size, size] }) })
            .on("click", () => map.setView([y, x], Math.min(map.getZoom() + 2, 18))));
        } else {
          const link = el.dataset.track.replace("CODE", encodeURIComponent(p.code));
          const m = p.sensitive ? L.circleMarker([y, x], { radius: 10 }) : L.marker([y, x]);
          points.addLayer(m.bindPopup(`<strong>${esc(p.category)}</strong><br>${esc(p.status)}<br><a href="${link}">${esc(p.code)}</a>`));
        }
      }
      el.dataset.ready = "1";
      el.dataset.features = String(data.features.length);
    });
  }
  map.on("moveend", load);
  load();
})();
