// The survey form: shares only for mixed use; the position comes from the list's link or a fresh GPS fix.
(function () {
  const form = document.getElementById("survey-form");
  if (!form) return;
  const use = form.querySelector("#id_use");
  const shares = form.querySelectorAll("p.share");
  function toggle() { shares.forEach((p) => { p.hidden = use.value !== "mixed"; }); }
  use?.addEventListener("change", toggle);
  toggle();
  form.dataset.ready = "1";
  const lat = form.querySelector("#id_lat"), lon = form.querySelector("#id_lon"), acc = form.querySelector("#id_accuracy");
  const q = new URLSearchParams(location.search);
  if (lat && !lat.value && q.get("lat")) { lat.value = q.get("lat"); lon.value = q.get("lon"); acc.value = q.get("accuracy") || ""; }
  if (lat && !lat.value && "geolocation" in navigator) {
    navigator.geolocation.getCurrentPosition((pos) => {
      lat.value = pos.coords.latitude.toFixed(7); lon.value = pos.coords.longitude.toFixed(7);
      acc.value = String(Math.round(pos.coords.accuracy));
    }, () => {}, { enableHighAccuracy: true, timeout: 15000 });
  }
})();
