// The platform's own script. Pages work without it; it only adds small comforts.
document.addEventListener("DOMContentLoaded", () => {
  // Confirm destructive actions: <form data-confirm="Really?">.
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
});
