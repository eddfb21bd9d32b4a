// The reports dashboard: draws the children bar chart and the trend line chart with Chart.js
// from the data the page embeds (#dashboard-data); the tables under the charts hold the same
// figures for screen readers and when scripts do not run.
(function () {
  "use strict";

  function start() {
    var source = document.getElementById("dashboard-data");
    var select = document.getElementById("dashboard-indicator");
    if (!source || !select || typeof window.Chart === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var byCode = {};
    data.indicators.forEach(function (indicator) {
      byCode[indicator.code] = indicator;
    });
    var locale = document.documentElement.lang || "vi";
    var number = new Intl.NumberFormat(locale);
    var charts = [];

    function options(horizontal) {
      return {
        responsive: true,
        maintainAspectRatio: false,
        indexAxis: horizontal ? "y" : "x",
        animation: false,
        plugins: {legend: {display: false}},
        // Only the value axis gets a number formatter: setting `callback: undefined` on the
        // category axis would replace Chart.js's own and print indexes instead of names.
        scales: horizontal
          ? {x: {beginAtZero: true, ticks: {callback: format}}, y: {}}
          : {x: {}, y: {beginAtZero: true, ticks: {callback: format}}},
      };
    }

    function format(value, index, ticks) {
      // category ticks come as indexes: keep their label
      var label = this.getLabelForValue ? this.getLabelForValue(value) : value;
      return typeof label === "number" ? number.format(label) : label;
    }

    function draw(id, type, block, horizontal) {
      var canvas = document.getElementById(id);
      if (!canvas) {
        return;
      }
      // the box's height grows with the number of bars (data-height, px); no inline style
      // attribute in the markup, the Content-Security-Policy allows none
      var box = canvas.parentNode;
      if (box.dataset.height) {
        box.style.height = parseInt(box.dataset.height, 10) + "px";
      }
      var chart = new window.Chart(canvas, {
        type: type,
        data: {labels: block.labels, datasets: [{label: "", data: []}]},
        options: options(horizontal),
      });
      charts.push({chart: chart, block: block});
    }

    draw("chart-children", "bar", data.children, true);
    draw("chart-trend", "line", data.trend, false);

    function show(code) {
      var indicator = byCode[code];
      charts.forEach(function (entry) {
        var dataset = entry.chart.data.datasets[0];
        dataset.label = indicator.label + (indicator.unit ? " (" + indicator.unit + ")" : "");
        dataset.data = entry.block.series[code] || [];
        entry.chart.update();
      });
    }

    select.addEventListener("change", function () {
      show(select.value);
    });
    if (data.indicators.length) {
      show(select.value || data.indicators[0].code);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
