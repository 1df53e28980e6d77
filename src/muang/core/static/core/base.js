// Behaviour every page shares, kept out of the markup: the Content-Security-Policy runs no inline script and
// no event-handler attribute.
document.addEventListener("change", (ev) => {
  const field = ev.target;
  if ((field instanceof HTMLSelectElement || field instanceof HTMLInputElement) && field.hasAttribute("data-autosubmit") && field.form) field.form.submit();
});
document.addEventListener("click", (ev) => {
  if (ev.target instanceof Element && ev.target.closest("[data-print]")) window.print();
});

// The grouped main menu: a click or Escape outside an open group closes it (opening another closes it by
// itself: the groups share one `name`).
const closeMenuGroups = (except) => {
  for (const group of document.querySelectorAll("details.menu-group[open]")) if (group !== except) group.open = false;
};
document.addEventListener("click", (ev) => closeMenuGroups(ev.target instanceof Element ? ev.target.closest("details.menu-group") : null));
document.addEventListener("keydown", (ev) => {
  if (ev.key === "Escape") closeMenuGroups(null);
});
