/* Date fields on Thai pages: the browser's date picker shows the Christian Era, so each field also shows
   the chosen day in the Buddhist Era (e.g. "22 พ.ย. 2569") and keeps it up to date as the day changes. */
(function () {
  "use strict";
  if (!document.documentElement.lang.startsWith("th") || !window.Intl) return;
  var format = new Intl.DateTimeFormat("th-TH-u-ca-buddhist", { day: "numeric", month: "short", year: "numeric" });
  function show(input, hint) {
    var parts = (input.value || "").split("-");
    hint.textContent = parts.length === 3 ? "พ.ศ.: " + format.format(new Date(+parts[0], +parts[1] - 1, +parts[2])) : "";
  }
  document.querySelectorAll("input[type=date]").forEach(function (input) {
    var hint = document.createElement("span");
    hint.className = "muted be-date";
    hint.setAttribute("aria-live", "polite");
    input.insertAdjacentElement("afterend", hint);
    show(input, hint);
    input.addEventListener("change", function () { show(input, hint); });
  });
})();
