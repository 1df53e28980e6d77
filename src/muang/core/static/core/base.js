// Behaviour every page shares, kept out of the markup: the Content-Security-Policy runs no inline script and
// no event-handler attribute.
document.addEventListener("change", (ev) => {
  const field = ev.target;
  if (field instanceof HTMLSelectElement && field.hasAttribute("data-autosubmit") && field.form) field.form.submit();
});
