// The staff map of street-light poles: every pole a circle coloured by its state (lit, dimmed, off, faulty,
// controller silent, no controller); a click opens a popup with the pole card and, when faulty, its repair case.
(function () {
  const el = document.getElementById("lighting-map");
  if (!el || typeof L === "undefined") return;
  const COLOURS = { lit: "#f5c400", dimmed: "#b38f00", off: "#555555", faulty: "#d7191c", silent: "#7b3294", none: "#aaaaaa" };
  const center = JSON.parse(document.getElementById("map-center").textContent);
  const map = L.map(el, { preferCanvas: false }).setView([center.lat, center.lon], 14);
  L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: "&copy; OpenStreetMap" }).addTo(map);
  // Poles stand 30-40 m apart along a street: a town's whole network drawn with full-size circles is one grey
  // smear of overlapping rings. Small dots until the streets are wide enough to tell poles apart; the faulty
  // stay larger (and are drawn last, on top) at every zoom.
  function radius(kind, zoom) {
    const base = zoom >= 17 ? 6 : zoom >= 16 ? 5 : zoom >= 15 ? 4 : 3;
    return kind === "faulty" ? base + 3 : base;
  }
  function esc(s) { return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c])); }
  fetch(el.dataset.url, { credentials: "same-origin" }).then((r) => r.ok ? r.json() : null).then((data) => {
    if (!data) return;
    const layer = L.featureGroup();
    for (const f of data.features) {
      const [x, y] = f.geometry.coordinates;
      const p = f.properties;
      const card = el.dataset.pole.replace("/0/", `/${p.id}/`);
      let html = `<strong>${esc(p.code)}</strong><br>${esc(p.state)}`;
      if (p.faults.length) html += `<br>${p.faults.map(esc).join(", ")}`;
      html += `<br><a class="pole-link" href="${card}">${esc(el.dataset.cardLabel)}</a>`;
      if (p.case) html += ` · <a class="case-link" href="${el.dataset.case.replace("CODE", encodeURIComponent(p.case))}">${esc(el.dataset.caseLabel)} ${esc(p.case)}</a>`;
      const marker = L.circleMarker([y, x], {
        radius: radius(p.class, map.getZoom()), color: "#222", weight: 1, fillColor: COLOURS[p.class] || "#aaa", fillOpacity: 0.9,
        className: `pole pole-${p.class}`, poleClass: p.class,
      }).bindPopup(html);
      marker.on("add", () => { const path = marker.getElement(); if (path) { path.dataset.code = p.code; path.dataset.class = p.class; } });
      layer.addLayer(marker);
    }
    layer.addTo(map);
    layer.eachLayer((m) => { if (m.options.poleClass === "faulty") m.bringToFront(); });
    map.on("zoomend", () => layer.eachLayer((m) => m.setRadius(radius(m.options.poleClass, map.getZoom()))));
    if (data.features.length) map.fitBounds(layer.getBounds(), { maxZoom: 17, padding: [20, 20] });
    el.dataset.ready = "1";
  });
})();
