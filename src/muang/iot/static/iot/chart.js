// The device page's telemetry charts (uPlot): one per key, its data from the page's own JSON endpoint
// (iot:device-chart, date_bin buckets), redrawn for 24 hours / 7 days / 30 days. No inline script (the CSP).
(function () {
  if (typeof uPlot === "undefined") return;
  const tz = (ts) => uPlot.tzDate(new Date(ts * 1e3), "Asia/Bangkok");
  // Times in the page's language (th-TH writes the Buddhist Era), not uPlot's English defaults ("Time", "10am").
  const locale = (document.documentElement.lang || "th").startsWith("th") ? "th-TH" : "en-GB";
  const zone = { timeZone: "Asia/Bangkok" };
  const when = new Intl.DateTimeFormat(locale, { ...zone, day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit" });
  const ticks = {
    hours: new Intl.DateTimeFormat(locale, { ...zone, hour: "2-digit", minute: "2-digit" }),
    days: new Intl.DateTimeFormat(locale, { ...zone, day: "numeric", month: "short" }),
  };

  function draw(card, period) {
    const area = card.querySelector(".iot-chart-area");
    const url = card.dataset.chartUrl + "?key=" + encodeURIComponent(card.dataset.key) + "&period=" + period;
    card.querySelectorAll("[data-period]").forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.period === period)));
    area.dataset.ready = "";
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((r) => (r.ok ? r.json() : Promise.reject(r.status)))
      .then((data) => {
        if (card._plot) { card._plot.destroy(); card._plot = null; }
        area.textContent = "";
        area.dataset.points = String(data.x.length);
        if (!data.x.length) {
          const p = document.createElement("p");
          p.className = "muted";
          p.textContent = card.dataset.empty;
          area.appendChild(p);
          area.dataset.ready = "1";
          return;
        }
        const unit = card.dataset.unit ? " " + card.dataset.unit : "";
        const opts = {
          width: Math.max(area.clientWidth, 260),
          height: 220,
          tzDate: tz,
          legend: { live: true },
          cursor: { drag: { x: false, y: false } },
          scales: { x: { time: true } },
          series: [
            { label: card.dataset.labelTime, value: (u, v) => (v == null ? "—" : when.format(new Date(v * 1000))) },
            { label: card.dataset.labelAvg, stroke: "#0b5d7a", width: 2, value: (u, v) => (v == null ? "—" : v + unit) },
            { label: card.dataset.labelMin, stroke: "#9ec5d6", width: 1, value: (u, v) => (v == null ? "—" : v + unit) },
            { label: card.dataset.labelMax, stroke: "#e0a3a3", width: 1, value: (u, v) => (v == null ? "—" : v + unit) },
          ],
          axes: [
            { values: (u, splits) => splits.map((v) => ticks[period === "24h" ? "hours" : "days"].format(new Date(v * 1000))) },
            { size: 56 },
          ],
        };
        card._plot = new uPlot(opts, [data.x, data.avg, data.min, data.max], area);
        area.dataset.ready = "1";
      })
      .catch(() => {
        area.textContent = card.dataset.failed;
        area.dataset.ready = "error";
      });
  }

  const cards = Array.from(document.querySelectorAll(".iot-chart[data-chart-url]"));
  cards.forEach((card) => {
    card.addEventListener("click", (ev) => {
      const button = ev.target.closest("[data-period]");
      if (button) draw(card, button.dataset.period);
    });
    draw(card, "24h");
  });
  let pending = null;
  window.addEventListener("resize", () => {
    clearTimeout(pending);
    pending = setTimeout(() => {
      cards.forEach((card) => {
        const area = card.querySelector(".iot-chart-area");
        if (card._plot) card._plot.setSize({ width: Math.max(area.clientWidth, 260), height: 220 });
      });
    }, 150);
  });
})();
