// People by ADL group on a map; "only in the area on screen" sends the map's bounds as a bbox (who is bed-bound
// in the flooded area). Each person a circle coloured by group; the popup opens their record.
(function () {
  const el = document.getElementById("care-map");
  if (!el || typeof L === "undefined") return;
  const COLOURS = { bed: "#d7191c", home: "#fdae61", social: "#1a9641" };
  const center = JSON.parse(document.getElementById("map-center").textContent);
  const map = L.map(el).setView([center.lat, center.lon], 14);
  L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: "&copy; OpenStreetMap" }).addTo(map);
  const form = document.getElementById("care-map-filter");
  const count = document.getElementById("care-map-count");
  let layer = null;
  function esc(s) { return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c])); }
  function load(fit) {
    const params = new URLSearchParams();
    const group = form.elements.group.value;
    if (group) params.set("group", group);
    if (form.elements.in_view.checked) params.set("bbox", map.getBounds().toBBoxString());
    el.dataset.ready = "";
    fetch(el.dataset.url + "?" + params, { credentials: "same-origin" }).then((r) => r.ok ? r.json() : null).then((data) => {
      if (!data) return;
      if (layer) layer.remove();
      layer = L.featureGroup();
      for (const f of data.features) {
        const [x, y] = f.geometry.coordinates;
        const p = f.properties;
        const link = el.dataset.person.replace("/0/", `/${p.id}/`);
        L.circleMarker([y, x], { radius: p.group === "bed" ? 8 : 5, color: "#222", weight: 1, fillColor: COLOURS[p.group] || "#aaa", fillOpacity: 0.9, className: `care-dot care-${p.group || "none"}` })
          .bindPopup(`<strong>${esc(p.name)}</strong><br>${esc(p.group_label)}<br><a href="${link}">${esc(el.dataset.open)}</a>`)
          .addTo(layer);
      }
      layer.addTo(map);
      if (fit && data.features.length) map.fitBounds(layer.getBounds(), { maxZoom: 16, padding: [20, 20] });
      count.textContent = count.dataset.template.replace("N", data.features.length);
      el.dataset.count = String(data.features.length);
      el.dataset.ready = "1";
    });
  }
  form.addEventListener("submit", (e) => { e.preventDefault(); load(false); });
  load(true);
})();
