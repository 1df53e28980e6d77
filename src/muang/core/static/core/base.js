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

// Signing out: the pages a service worker kept for offline use (the care visit pages) leave the device before
// the sign-out is posted; the server's Clear-Site-Data clears the HTTP cache but keeps the storage, where work
// not yet sent waits for its account to sign in again (the care visits' outbox).
document.addEventListener("submit", (ev) => {
  const form = ev.target;
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-signout") || form.dataset.forgotten || !window.caches) return;
  ev.preventDefault();
  caches
    .keys()
    .then((keys) => Promise.all(keys.map((key) => caches.delete(key))))
    .catch(() => {})
    .finally(() => {
      form.dataset.forgotten = "1";
      form.submit();
    });
});
