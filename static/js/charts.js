// Charts from data the page carries (records: reports, training records, survey results).
// Each <canvas data-chart='{"type", "labels", "series": [{"label", "data"}], "stacked"}'> gets a
// Chart.js chart; the table beside it holds the same numbers for reading and for screen readers.
(function () {
  "use strict";
  if (!window.Chart) return;
  const colours = ["#1f4e79", "#c0504d", "#9bbb59", "#8064a2", "#4bacc6", "#f79646", "#7f7f7f"];
  document.querySelectorAll("canvas[data-chart]").forEach((canvas) => {
    const spec = JSON.parse(canvas.dataset.chart);
    const datasets = spec.series.map((s, i) => ({
      label: s.label, data: s.data, borderWidth: 1,
      backgroundColor: colours[i % colours.length], borderColor: colours[i % colours.length],
    }));
    new window.Chart(canvas, {
      type: spec.type || "bar",
      data: {labels: spec.labels, datasets: datasets},
      options: {
        animation: false, responsive: true, maintainAspectRatio: false,
        plugins: {legend: {display: datasets.length > 1}},
        scales: spec.type === "line" || spec.type === "bar" || !spec.type ? {
          x: {stacked: Boolean(spec.stacked)}, y: {stacked: Boolean(spec.stacked), beginAtZero: true,
                                                 max: spec.max || undefined},
        } : {},
      },
    });
  });
})();
