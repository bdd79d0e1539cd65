// The cadence roll-up: a printed roll-up shows every community, folded ones too.
(function () {
  window.addEventListener("beforeprint", () => {
    document.querySelectorAll("details.cadence-group:not([open])").forEach((d) => {
      d.dataset.reopen = "1";
      d.open = true;
    });
  });
  window.addEventListener("afterprint", () => {
    document.querySelectorAll("details.cadence-group[data-reopen]").forEach((d) => {
      d.open = false;
      delete d.dataset.reopen;
    });
  });
})();
