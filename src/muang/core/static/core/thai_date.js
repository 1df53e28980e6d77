/* Date fields written dd/mm/yyyy (muang.core.thai_dates): a calendar button beside each opens the phone's or
   the browser's own date picker, and the chosen day is written back as dd/mm/yyyy in the page's era (B.E. on
   Thai pages). Typing stays possible; the server reads both eras. */
(function () {
  "use strict";
  const OFFSET = 543;
  const pad = (n) => String(n).padStart(2, "0");
  const CALENDAR_ICON =
    '<svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false" fill="none" ' +
    'stroke="currentColor" stroke-width="2"><rect x="3" y="5" width="18" height="16" rx="2"/>' +
    '<path d="M3 10h18M8 3v4M16 3v4"/></svg>';

  function toIso(text) {
    const m = /^\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2}|\d{4})\s*$/.exec(text || "");
    if (!m) return "";
    let year = Number(m[3]);
    if (m[3].length === 2) year += 2500;
    if (year >= 2400) year -= OFFSET;
    return `${year}-${pad(m[2])}-${pad(m[1])}`;
  }

  function fromIso(iso, era) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
    if (!m) return "";
    return `${m[3]}/${m[2]}/${Number(m[1]) + (era === "be" ? OFFSET : 0)}`;
  }

  document.querySelectorAll("input[data-thai-date]").forEach(function (input) {
    const wrap = document.createElement("span");
    wrap.className = "thai-date";
    input.parentNode.insertBefore(wrap, input);
    wrap.appendChild(input);
    const picker = document.createElement("input");
    picker.type = "date";
    picker.className = "thai-date-picker";
    picker.tabIndex = -1;
    picker.setAttribute("aria-hidden", "true");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "thai-date-button";
    button.setAttribute("aria-label", input.dataset.pickerLabel || "");
    button.title = input.dataset.pickerLabel || "";
    button.innerHTML = CALENDAR_ICON;
    wrap.appendChild(button);
    wrap.appendChild(picker);
    button.addEventListener("click", function () {
      picker.value = toIso(input.value);
      if (typeof picker.showPicker === "function") {
        try { picker.showPicker(); return; } catch (e) { /* not allowed here: fall back to focusing it */ }
      }
      picker.focus();
      picker.click();
    });
    picker.addEventListener("change", function () {
      if (!picker.value) return;
      input.value = fromIso(picker.value, input.dataset.era);
      input.dispatchEvent(new Event("change", { bubbles: true }));
    });
  });
})();
