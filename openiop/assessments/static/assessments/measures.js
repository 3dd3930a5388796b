// Draw each measure's trend from the JSON the page embeds (no inline script).
document.addEventListener("DOMContentLoaded", () => {
  for (const canvas of document.querySelectorAll("canvas[data-trend]")) {
    const source = document.getElementById(canvas.dataset.trend);
    if (!source || typeof Chart === "undefined") continue;
    const data = JSON.parse(source.textContent);
    new Chart(canvas, {
      type: "line",
      data: {
        labels: data.labels,
        datasets: [{ label: canvas.getAttribute("aria-label"), data: data.totals, tension: 0.2 }],
      },
      options: {
        animation: false,
        plugins: { legend: { display: false } },
        scales: { y: { beginAtZero: true } },
      },
    });
  }
});
