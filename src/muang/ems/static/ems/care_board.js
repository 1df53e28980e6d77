// The care centre's board: the lists are refreshed by htmx every 2 s (docs/adr/0015); after each refresh this
// redraws the map from the fragment's points and rings (a Web Audio beep, no sound file) when an alert that
// nobody has taken appears. Browsers only play sound after a click on the page: the "sound on" button.
(function () {
  const el = document.getElementById("care-map");
  const board = document.getElementById("care-alerts");
  if (!board) return;
  let audio = null;
  let known = null; // ids of waiting alerts already rung for
  const button = document.getElementById("sound-on");
  if (button) button.addEventListener("click", () => {
    const Ctx = window.AudioContext || window.webkitAudioContext;
    if (Ctx && !audio) audio = new Ctx();
    if (audio) audio.resume();
    button.dataset.on = "1";
    button.disabled = true;
  });
  function beep() {
    document.body.dataset.rang = String((parseInt(document.body.dataset.rang || "0", 10) || 0) + 1);
    if (!audio) return;
    const t = audio.currentTime;
    for (let i = 0; i < 3; i++) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.type = "square";
      osc.frequency.value = 880;
      gain.gain.setValueAtTime(0.2, t + i * 0.35);
      gain.gain.setValueAtTime(0, t + i * 0.35 + 0.2);
      osc.connect(gain).connect(audio.destination);
      osc.start(t + i * 0.35);
      osc.stop(t + i * 0.35 + 0.25);
    }
  }
  // The same colours as ems.css's .severity-* (critical red, warning orange, information blue).
  const SEVERITY_COLOURS = { critical: "#d7191c", warning: "#e66101", info: "#2c7bb6" };
  let map = null, layer = null, fitted = false;
  if (el && typeof L !== "undefined") {
    const center = JSON.parse(document.getElementById("map-center").textContent || "null") || { lat: 16.54, lon: 102.1 };
    map = L.map(el).setView([center.lat, center.lon], 14);
    L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: "&copy; OpenStreetMap" }).addTo(map);
    layer = L.featureGroup().addTo(map);
  }
  function esc(s) { return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c])); }
  function refresh() {
    const state = document.getElementById("care-state");
    const waiting = new Set((state ? state.dataset.waiting : "").split(" ").filter(Boolean));
    if (known !== null) {
      for (const id of waiting) if (!known.has(id)) { beep(); break; }
    } else if (waiting.size) {
      beep();
    }
    known = waiting;
    if (layer) {
      const points = JSON.parse((state && state.dataset.points) || "[]");
      layer.clearLayers();
      for (const p of [...points].reverse()) { // the most severe (listed first) drawn last: on top
        L.circleMarker([p.lat, p.lon], { radius: 10, color: "#000", weight: 2, fillColor: SEVERITY_COLOURS[p.severity] || "#888888", fillOpacity: p.status === "open" ? 0.95 : 0.5, className: `alert-marker alert-${p.status} severity-${p.severity}` })
          .bindPopup(`<a href="${esc(p.url)}">${esc(p.label)}</a>`).addTo(layer);
      }
      if (!fitted && points.length) { map.fitBounds(layer.getBounds(), { maxZoom: 16, padding: [20, 20] }); fitted = true; }
      el.dataset.ready = "1";
      el.dataset.alerts = String(points.length);
    }
  }
  refresh();
  document.body.addEventListener("htmx:afterSwap", (e) => { if (e.target === board) refresh(); });
})();
