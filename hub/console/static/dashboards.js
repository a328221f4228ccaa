/* The dashboards' charts: each element with data-chart (a JSON list of {label, value}) holds
   bars drawn on the server; once Apache ECharts (vendor/echarts.min.js) is loaded, they are
   replaced by an ECharts bar chart of the same numbers. The table beneath each chart says the
   same, so the chart is hidden from screen readers. No tooltip: it would write inline styles,
   which the Content-Security-Policy refuses. */
(function () {
  "use strict";
  function draw(el) {
    if (typeof echarts === "undefined") { return; }
    var rows = JSON.parse(el.getAttribute("data-chart") || "[]");
    if (!rows.length) { return; }
    var money = el.getAttribute("data-money") === "true";
    el.innerHTML = "";
    el.style.height = (rows.length * 26 + 40) + "px";
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      grid: { left: 8, right: 96, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", show: false },
      yAxis: {
        type: "category", inverse: true,
        data: rows.map(function (r) { return r.label; }),
        axisTick: { show: false }
      },
      series: [{
        type: "bar", barMaxWidth: 16, itemStyle: { color: "#1f5fa8" },
        data: rows.map(function (r) { return money ? r.value / 100 : r.value; }),
        label: {
          show: true, position: "right",
          formatter: function (p) { return money ? p.value.toFixed(2) + " 元" : String(p.value); }
        }
      }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-chart]").forEach(draw);
  });
})();
