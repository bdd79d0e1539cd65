// The way back to a list with its filters and page (issue 20 item 13). Every page remembers, for
// this browser tab, the address it was opened at with its query ("?status=unpaid&page=3"); a link
// marked data-back-list="/dues/" that still leads to the plain list is pointed at the address of
// that list the person last saw. The server already does this from the Referer on the first visit
// (core/templatetags/wayfinding.py); this keeps it after a form on the detail page was sent.
(() => {
  const KEY = "dj-last:";
  try {
    sessionStorage.setItem(KEY + location.pathname, location.pathname + location.search);
  } catch (e) { return; }  // storage refused (a private window): the plain list is still fine
  const upgrade = () => {
    for (const a of document.querySelectorAll("a[data-back-list]")) {
      const list = a.dataset.backList;
      if (a.getAttribute("href") !== list || list === location.pathname) continue;
      const last = sessionStorage.getItem(KEY + list);
      if (last && last.startsWith(list + "?")) a.setAttribute("href", last);
    }
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", upgrade);
  else upgrade();
})();
