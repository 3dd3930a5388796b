// The print views' "Print" button (no inline script: CSP-5).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});
