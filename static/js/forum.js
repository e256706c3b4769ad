// The platform's own script. Pages work without it; it only adds small comforts.
document.addEventListener("DOMContentLoaded", () => {
  // Confirm destructive actions: <form data-confirm="Really?">.
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
});

// A form came back with errors: move the focus to the list of them at its top, so a screen
// reader reads it first and a keyboard user can follow its links (templates/forum/_error_summary.html).
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector(".error-summary");
  if (summary) summary.focus();
});
