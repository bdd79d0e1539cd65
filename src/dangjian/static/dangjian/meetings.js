// Meeting pages: the attendance tick list (reason boxes, tally, "everybody present") and the
// meeting form (fields that belong to a kind, confirm before cancelling). No libraries.
(function () {
  const form = document.querySelector("[data-tick-list]");
  if (form) {
    const tally = document.getElementById("tally");
    const update = () => {
      const n = { present: 0, excused: 0, absent: 0 };
      form.querySelectorAll(".tick-line").forEach((li) => {
        const on = li.querySelector("input[type=radio]:checked");
        const v = on ? on.value : "present";
        n[v] = (n[v] || 0) + 1;
        li.querySelector(".reason-box")?.classList.toggle("d-none", v === "present");
      });
      if (tally) {
        const d = tally.dataset;
        tally.textContent = `${d.labelPresent} ${n.present} · ${d.labelExcused} ${n.excused} · ${d.labelAbsent} ${n.absent}`;
      }
    };
    form.addEventListener("change", (e) => {
      if (e.target.type === "radio") {
        update();
        if (e.target.value !== "present") {
          e.target.closest(".tick-line")?.querySelector(".reason-box input")?.focus();
        }
      }
    });
    form.querySelector("[data-all-present]")?.addEventListener("click", () => {
      form.querySelectorAll(".tick-line").forEach((li) => {
        const r = li.querySelector("input[type=radio][value=present]");
        if (r) r.checked = true;
        const reason = li.querySelector(".reason-box input");
        if (reason) reason.value = "";
      });
      update();
    });
    update();
  }

  const meetingForm = document.getElementById("meeting-form");
  if (meetingForm) {
    const kind = meetingForm.querySelector("[name=kind]");
    const show = () => {
      const v = kind ? kind.value : "";
      const body = document.getElementById("field-body");
      const group = document.getElementById("field-study_group");
      if (body) body.classList.toggle("d-none", v !== "council");
      if (group) group.classList.toggle("d-none", v !== "study");
      const lecturer = document.getElementById("field-lecturer");
      if (lecturer) lecturer.classList.toggle("d-none", v !== "party_lecture");
    };
    kind?.addEventListener("change", show);
    show();
    const cancelled = meetingForm.querySelector("[name=cancelled]");
    const wasCancelled = cancelled ? cancelled.checked : false;
    meetingForm.addEventListener("submit", (e) => {
      const msg = meetingForm.dataset.confirmCancel;
      if (cancelled && cancelled.checked && !wasCancelled && msg && !window.confirm(msg)) {
        e.preventDefault();
      }
    });
  }
})();
