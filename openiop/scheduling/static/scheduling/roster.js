// Attendance roster: minutes follow the status (absent: 0; attended after 0: the whole
// session), and one button marks every unmarked row present. The page works without it.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form.roster-form");
  if (!form) return;
  const sessionMinutes = form.dataset.sessionMinutes;
  const absent = new Set(["absent_excused", "absent_unexcused"]);
  const minutesFor = (select) => select.closest("tr").querySelector("input.minutes");

  form.addEventListener("change", (event) => {
    const select = event.target;
    if (!select.name || !select.name.startsWith("status-")) return;
    const minutes = minutesFor(select);
    if (!minutes) return;
    if (absent.has(select.value)) {
      minutes.value = "0";
    } else if (select.value && (minutes.value === "" || minutes.value === "0")) {
      minutes.value = sessionMinutes;
    }
  });

  const markPresent = form.querySelector("[data-mark-present]");
  if (markPresent) {
    markPresent.hidden = false;
    markPresent.addEventListener("click", () => {
      form.querySelectorAll("select[name^='status-']").forEach((select) => {
        if (!select.value) {
          select.value = "present";
          select.dispatchEvent(new Event("change", { bubbles: true }));
        }
      });
    });
  }
});
