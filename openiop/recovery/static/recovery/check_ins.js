// Check-in trends (mood, craving, sleep) from the JSON the page embeds (no inline script).
document.addEventListener("DOMContentLoaded", () => {
  const canvas = document.getElementById("check-in-chart");
  const source = document.getElementById("check-in-data");
  if (!canvas || !source || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  new Chart(canvas, {
    type: "line",
    data: {
      labels: data.labels,
      datasets: [
        { label: data.names.mood, data: data.mood, tension: 0.2 },
        { label: data.names.craving, data: data.craving, tension: 0.2 },
        { label: data.names.sleep, data: data.sleep, tension: 0.2, borderDash: [4, 4] },
      ],
    },
    options: { scales: { y: { beginAtZero: true, suggestedMax: 10 } }, animation: false },
  });
});
