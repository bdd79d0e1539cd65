// Tiny helpers instead of Bootstrap's JS bundle: a menu toggle, confirm-before-submit and
// submit-on-change. The Content-Security-Policy forbids inline handlers (onclick="…"), so pages
// say what they want with data attributes and this file does it:
//   data-toggle-target="#id"  on a button: show or hide that element;
//   data-confirm="question"   on a form, or on one of its submit buttons: ask before submitting;
//   data-autosubmit           on a select or input: submit its form when the value changes.
document.addEventListener("click", (e) => {
  const t = e.target.closest("[data-toggle-target]");
  if (t) { document.querySelector(t.dataset.toggleTarget)?.classList.toggle("show"); }
});
document.addEventListener("submit", (e) => {
  // A button's own question wins over the form's (one form, several buttons).
  const msg = e.submitter?.dataset.confirm || e.target.dataset.confirm;
  if (msg && !window.confirm(msg)) { e.preventDefault(); }
});
document.addEventListener("change", (e) => {
  const el = e.target.closest("[data-autosubmit]");
  if (el && el.form) { el.form.requestSubmit(); }
});
