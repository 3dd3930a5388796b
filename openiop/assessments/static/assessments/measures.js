// Draw each measure's trend from the JSON the page embeds (no inline script), over its bands.

// Band backgrounds from the lowest band (green) to the highest (red); every instrument shipped
// scores worse as the total rises. Light enough for the line and its points to stay readable.
const BAND_HUES = [130, 80, 45, 25, 0];

function bandColour(index, count) {
  const hue = count === 1 ? BAND_HUES[0] : BAND_HUES[Math.round((index * 4) / (count - 1))];
  return `hsla(${hue}, 70%, 50%, 0.14)`;
}

// A small Chart.js plugin: shade each band (inclusive low-high totals) across the chart area,
// with the band's name at its top right. Edges sit half-way between totals, so a point on a
// band's lowest total is drawn inside that band.
const bandShading = {
  id: "bandShading",
  beforeDatasetsDraw(chart, _args, options) {
    const bands = options.bands || [];
    if (!bands.length) return;
    const { ctx, chartArea, scales } = chart;
    const last = bands.length - 1;
    ctx.save();
    ctx.beginPath();
    ctx.rect(chartArea.left, chartArea.top, chartArea.width, chartArea.height);
    ctx.clip();
    bands.forEach((band, index) => {
      const from = index === 0 ? band.low : band.low - 0.5;
      const to = index === last ? band.high : band.high + 0.5;
      const top = scales.y.getPixelForValue(to);
      const bottom = scales.y.getPixelForValue(from);
      ctx.fillStyle = bandColour(index, bands.length);
      ctx.fillRect(chartArea.left, top, chartArea.width, bottom - top);
      if (bottom - top >= 12) {
        ctx.fillStyle = "rgba(33, 37, 41, 0.75)";
        ctx.font = "11px system-ui, sans-serif";
        ctx.textAlign = "right";
        ctx.textBaseline = "top";
        ctx.fillText(band.label, chartArea.right - 4, top + 2);
      }
    });
    ctx.restore();
  },
};

document.addEventListener("DOMContentLoaded", () => {
  for (const canvas of document.querySelectorAll("canvas[data-trend]")) {
    const source = document.getElementById(canvas.dataset.trend);
    if (!source || typeof Chart === "undefined") continue;
    const data = JSON.parse(source.textContent);
    const y = { beginAtZero: true };
    if (data.range) {
      y.min = data.range[0];
      y.max = data.range[1];
    }
    new Chart(canvas, {
      type: "line",
      data: {
        labels: data.labels,
        datasets: [{ label: canvas.getAttribute("aria-label"), data: data.totals, tension: 0.2 }],
      },
      options: {
        animation: false,
        plugins: { legend: { display: false }, bandShading: { bands: data.bands || [] } },
        scales: { y },
      },
      plugins: [bandShading],
    });
  }
});
