// Tiny helpers instead of Bootstrap's JS bundle: a menu toggle and confirm-before-submit.
document.addEventListener("click", (e) => {
  const t = e.target.closest("[data-toggle-target]");
  if (t) { document.querySelector(t.dataset.toggleTarget)?.classList.toggle("show"); }
});
document.addEventListener("submit", (e) => {
  const msg = e.target.dataset.confirm;
  if (msg && !window.confirm(msg)) { e.preventDefault(); }
});
