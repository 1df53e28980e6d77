// The dispatch board's map: open incidents (coloured by triage) and units (by status), refreshed every few
// seconds from ems:board_map; the lists beside it are refreshed by htmx (docs/adr/0014).
(function () {
  const el = document.getElementById("ems-map");
  if (!el || typeof L === "undefined") return;
  const COLOURS = { red: "#d7191c", yellow: "#f5c400", green: "#1a9641", white: "#f4f4f4", black: "#222222" };
  const UNIT = { available: "#2b83ba", on_mission: "#7b3294", out_of_service: "#888888" };
  const center = JSON.parse(document.getElementById("map-center").textContent || "null") || { lat: 16.54, lon: 102.1 };
  const map = L.map(el).setView([center.lat, center.lon], 14);
  L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: "&copy; OpenStreetMap" }).addTo(map);
  const layer = L.featureGroup().addTo(map);
  let fitted = false;
  function esc(s) { return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c])); }
  function draw(data) {
    layer.clearLayers();
    for (const i of data.incidents) {
      const link = el.dataset.incident.replace("/0/", `/${i.id}/`);
      L.circleMarker([i.lat, i.lon], { radius: 9, color: "#000", weight: 2, fillColor: COLOURS[i.colour] || "#aaa", fillOpacity: 0.95, className: `incident-marker colour-${i.colour}` })
        .bindPopup(`<a href="${link}"><strong>${esc(i.code)}</strong> ${esc(i.number)}</a>`).addTo(layer);
    }
    for (const u of data.units) {
      L.circleMarker([u.lat, u.lon], { radius: 6, color: "#fff", weight: 2, fillColor: UNIT[u.status] || "#444", fillOpacity: 1, className: `unit-marker unit-${u.status}` })
        .bindTooltip(esc(u.call_sign)).addTo(layer);
    }
    if (!fitted && layer.getLayers().length) { map.fitBounds(layer.getBounds(), { maxZoom: 16, padding: [20, 20] }); fitted = true; }
    el.dataset.ready = "1";
    el.dataset.incidents = String(data.incidents.length);
  }
  function poll() {
    fetch(el.dataset.url, { credentials: "same-origin" }).then((r) => (r.ok ? r.json() : null)).then((d) => { if (d) draw(d); });
  }
  poll();
  setInterval(poll, 1000 * (parseInt(el.dataset.poll, 10) || 5));
})();
