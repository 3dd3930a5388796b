// Draw each report chart from the JSON the page embeds (no inline script); the same numbers
// are in the table below each chart. A [data-print] button prints the page.

const PALETTE = ["#0d6efd", "#198754", "#dc3545", "#fd7e14", "#6f42c1", "#20c997", "#6c757d"];

function datasets(data) {
  return data.datasets.map((dataset, index) => {
    const colour = PALETTE[index % PALETTE.length];
    return {
      ...dataset,
      borderColor: colour,
      backgroundColor: data.type === "bar" ? colour : `${colour}33`,
      pointRadius: data.labels.length > 30 ? 0 : 3,
      tension: 0, // straight segments: a curve would invent values between weeks
      spanGaps: true,
      clip: data.percent ? false : undefined, // a share of 100 % stays visible on the top edge
    };
  });
}

function draw(canvas) {
  const source = document.getElementById(canvas.dataset.chart);
  if (!source || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  const y = { beginAtZero: true, stacked: data.stacked };
  if (data.percent) {
    y.max = 100;
    y.ticks = { callback: (value) => `${value} %` };
  }
  if (data.yLabel) y.title = { display: true, text: data.yLabel };
  new Chart(canvas, {
    type: data.type === "bar" ? "bar" : "line",
    data: { labels: data.labels, datasets: datasets(data) },
    options: {
      animation: false,
      maintainAspectRatio: false,
      interaction: { mode: "index", intersect: false },
      plugins: { legend: { display: data.datasets.length > 1, position: "bottom" } },
      scales: { x: { stacked: data.stacked }, y },
    },
  });
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("canvas[data-chart]").forEach(draw);
  for (const button of document.querySelectorAll("[data-print]")) {
    button.addEventListener("click", () => window.print());
  }
});
