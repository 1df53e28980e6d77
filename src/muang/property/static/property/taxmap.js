// The staff tax map: parcels of the box in view, coloured by their status in the chosen tax year (the server
// computes it, so a payment shows at the next load), buildings and signboards as layers, search and the card.
(function () {
  const el = document.getElementById("tax-map");
  const cfgEl = document.getElementById("map-config");
  if (!el || !cfgEl || typeof L === "undefined") return;
  const cfg = JSON.parse(cfgEl.textContent);
  const hint = document.getElementById("map-hint");
  const map = L.map(el, { preferCanvas: true, zoomControl: true });
  L.tileLayer(el.dataset.tiles, { maxZoom: 20, maxNativeZoom: 19, attribution: "&copy; OpenStreetMap" }).addTo(map);
  if (cfg.start) {
    // Open on the organisation, at parcel zoom at least (no animation: nothing may move under a first tap).
    const start = L.latLngBounds([[cfg.start[1], cfg.start[0]], [cfg.start[3], cfg.start[2]]]);
    map.setView(start.getCenter(), Math.max(map.getBoundsZoom(start), cfg.minZoom), { animate: false });
  } else {
    map.setView([13.75, 100.5], 6);
  }

  const byCode = {};
  let selected = null;
  function style(feature) {
    const p = feature.properties;
    const colour = cfg.colours[p.status] || "#667085";
    const chosen = selected === p.code;
    return {
      color: chosen ? "#101828" : colour, weight: chosen ? 3 : 1, fillColor: colour, fillOpacity: 0.45,
      dashArray: p.use === "vacant" && p.status !== "vacant" ? "4 3" : null,
    };
  }
  const parcels = L.geoJSON(null, {
    style: style,
    pointToLayer: (f, latlng) => L.circleMarker(latlng, { radius: 7 }),
    onEachFeature: (f, layer) => {
      byCode[f.properties.code] = layer;
      layer.bindTooltip(`${f.properties.code} · ${cfg.labels[f.properties.status] || ""}`);
      layer.on("click", () => openCard(f.properties.code));
    },
  }).addTo(map);
  // Below parcel zoom: how many parcels lie in each part of the view; a tap zooms in there.
  const clusters = L.geoJSON(null, {
    pointToLayer: (f, latlng) => {
      const n = f.properties.count;
      const size = n < 100 ? 30 : n < 1000 ? 38 : 46;
      return L.marker(latlng, {
        icon: L.divIcon({ className: "parcel-cluster", html: `<span>${n.toLocaleString()}</span>`, iconSize: [size, size] }),
        keyboard: false,
      });
    },
    onEachFeature: (f, layer) => layer.on("click", () => map.setView(layer.getLatLng(), Math.min(map.getZoom() + 2, cfg.minZoom))),
  }).addTo(map);
  const buildings = L.geoJSON(null, {
    style: { color: "#344054", weight: 1, fillColor: "#475467", fillOpacity: 0.5 },
    onEachFeature: (f, layer) => layer.bindTooltip(f.properties.code),
  });
  const signboards = L.geoJSON(null, {
    pointToLayer: (f, latlng) => L.circleMarker(latlng, { radius: 5, color: "#c11574", fillOpacity: 0.9 }),
    onEachFeature: (f, layer) => layer.bindTooltip(`${f.properties.size}${f.properties.message ? " · " + f.properties.message : ""}`),
  });
  const layers = { buildings: [buildings, cfg.buildings], signboards: [signboards, cfg.signboards] };

  function showHint(text) { hint.hidden = !text; hint.textContent = text || ""; }
  function bbox() {
    const b = map.getBounds();
    const r = (v) => v.toFixed(6);
    return [r(Math.max(b.getWest(), -180)), r(Math.max(b.getSouth(), -90)), r(Math.min(b.getEast(), 180)), r(Math.min(b.getNorth(), 90))].join(",");
  }
  const pending = {};
  let inflight = 0;
  async function fetchLayer(name, url, extra) {
    if (pending[name]) pending[name].abort();
    const ctl = (pending[name] = new AbortController());
    inflight += 1;
    try {
      const res = await fetch(`${url}?bbox=${bbox()}${extra || ""}`, { signal: ctl.signal, credentials: "same-origin" });
      if (!res.ok) throw new Error(`${name}: ${res.status}`);
      return await res.json();
    } finally {
      inflight -= 1;
    }
  }
  function fill(layer, data) {
    layer.clearLayers();
    if (layer === parcels) for (const k of Object.keys(byCode)) delete byCode[k];
    layer.addData(data);
  }
  // Each move starts a new generation; answers for an older view are dropped, so a slow answer never
  // paints over the current one.
  let generation = 0;
  let loads = 0;
  async function refresh() {
    const gen = ++generation;
    const zoom = map.getZoom();
    try {
      if (zoom < cfg.minZoom) {
        parcels.clearLayers(); buildings.clearLayers(); signboards.clearLayers();
        showHint(el.dataset.zoomHint || "Zoom in to see the parcels.");
        const b = map.getBounds();
        if (zoom >= cfg.clusterMinZoom && b.getEast() - b.getWest() <= 1 && b.getNorth() - b.getSouth() <= 1) {
          const data = await fetchLayer("clusters", cfg.clusters, `&zoom=${zoom}`);
          if (gen !== generation) return;
          fill(clusters, data);
        } else {
          clusters.clearLayers();
        }
        el.dataset.ready = "1";
        return;
      }
      clusters.clearLayers();
      const data = await fetchLayer("parcels", cfg.parcels, `&year=${cfg.year}`);
      if (gen !== generation) return;
      fill(parcels, data);
      showHint(data.truncated ? (el.dataset.truncatedHint || "Too many parcels here: zoom in to see them all.") : "");
      for (const [name, [layer, url]] of Object.entries(layers)) {
        if (!map.hasLayer(layer)) continue;
        const extra = await fetchLayer(name, url, "");
        if (gen !== generation) return;
        fill(layer, extra);
      }
      loads += 1;
      el.dataset.loads = String(loads);
      el.dataset.loadedZoom = String(zoom);
      el.dataset.ready = "1";
    } catch (e) {
      if (e.name !== "AbortError" && gen === generation) showHint(String(e.message || e));
    }
  }
  map.on("moveend", refresh);
  for (const name of Object.keys(layers)) {
    const box = document.getElementById(`layer-${name}`);
    if (!box) continue;
    box.addEventListener("change", () => {
      const layer = layers[name][0];
      if (box.checked) { layer.addTo(map); refresh(); } else { map.removeLayer(layer); }
    });
  }

  // Status colours come from the server's one table (data-colour): set through the DOM, since the
  // Content-Security-Policy refuses style attributes in markup.
  function paint(root) {
    for (const el of root.querySelectorAll("[data-colour]")) el.style.background = el.dataset.colour;
  }
  paint(document);
  document.body.addEventListener("htmx:afterSwap", (ev) => paint(ev.target));

  function openCard(code) {
    selected = code;
    parcels.setStyle(style);
    const url = cfg.card.replace("CODE", encodeURIComponent(code)) + `?year=${cfg.year}`;
    if (window.htmx) {
      htmx.ajax("GET", url, { target: "#card", swap: "innerHTML" });
    } else {
      fetch(url, { credentials: "same-origin" }).then((r) => r.text()).then((html) => {
        const card = document.getElementById("card");
        card.innerHTML = html;
        paint(card);
      });
    }
  }

  // Search hits: zoom to the parcel and open its card.
  document.getElementById("search-hits")?.addEventListener("click", (ev) => {
    const btn = ev.target.closest("button.hit");
    if (!btn) return;
    if (btn.dataset.bounds) {
      const [w, s, e, n] = btn.dataset.bounds.split(",").map(Number);
      map.fitBounds([[s, w], [n, e]], { maxZoom: 19 });
      if (map.getZoom() < cfg.minZoom) map.setZoom(cfg.minZoom);
    }
    openCard(btn.dataset.code);
  });

  window.muangTaxMap = {
    map: map,
    reload: refresh,
    openCard: openCard,
    busy: () => inflight > 0,
    statusOf: (code) => (byCode[code] ? byCode[code].feature.properties.status : null),
  };
  refresh();
})();
