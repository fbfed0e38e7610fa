"""The report's shared style sheet and script, written once to ``assets/`` and linked from every page.

They live in Python strings rather than package data files so an installed critbench always has them.
The script draws the figures each page embeds as JSON (with Plotly.js, loaded from ``assets/`` too, so a
copied report folder works offline), sorts and filters tables, and switches the history page's chart.
"""

from __future__ import annotations

REPORT_CSS = """\
:root { --fg: #1d2330; --muted: #5b6475; --line: #d9dde5; --bg: #ffffff; --panel: #f6f7f9;
  --blue: #1f77b4; --red: #c0392b; --green: #1e8449; --amber: #b9770e; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg);
  background: var(--bg); }
header { background: #1d2330; color: #fff; padding: 0.6rem 1.5rem; display: flex; gap: 1.5rem;
  align-items: baseline; }
header a { color: #fff; text-decoration: none; }
header .brand { font-weight: 700; letter-spacing: 0.02em; }
header nav a { margin-right: 1rem; opacity: 0.85; }
header nav a:hover { opacity: 1; text-decoration: underline; }
main { max-width: 1280px; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
h1 { font-size: 1.5rem; margin: 0.6rem 0; word-break: break-all; }
h2 { font-size: 1.15rem; margin: 1.6rem 0 0.6rem; border-bottom: 1px solid var(--line); padding-bottom: 0.2rem; }
a { color: var(--blue); }
.crumbs { color: var(--muted); font-size: 0.9rem; word-break: break-all; }
.muted { color: var(--muted); }
.description { font-size: 1.05rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.15rem 1rem; margin: 0.5rem 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; word-break: break-all; }
.panels { display: grid; grid-template-columns: repeat(auto-fit, minmax(300px, 1fr)); gap: 1rem; }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 0.6rem 1rem; }
.summary span { margin-right: 1.2rem; white-space: nowrap; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); gap: 1rem; }
.chart-box { border: 1px solid var(--line); border-radius: 6px; padding: 0.5rem; min-width: 0; }
.chart-box h3 { font-size: 0.95rem; margin: 0.2rem 0.4rem 0.4rem; }
.chart { width: 100%; min-height: 360px; }
.chart-missing { color: var(--muted); padding: 2rem; text-align: center; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1rem; }
th, td { text-align: left; padding: 0.35rem 0.6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--panel); font-weight: 600; white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.id { overflow-wrap: break-word; }
table.sortable th { cursor: pointer; user-select: none; }
table.sortable th[aria-sort="ascending"]::after { content: " \\25B2"; font-size: 0.7em; }
table.sortable th[aria-sort="descending"]::after { content: " \\25BC"; font-size: 0.7em; }
tr:hover td { background: #fafbfc; }
.filter { margin: 0.4rem 0; padding: 0.35rem 0.6rem; width: min(420px, 100%); border: 1px solid var(--line);
  border-radius: 4px; font: inherit; }
.ok, .improved, .EXCELLENT, .MET { color: var(--green); }
.warn, .CLOSE { color: var(--amber); }
.bad, .regressed, .MISS, .failed { color: var(--red); }
.indicator { font-weight: 700; }
.status { font-weight: 600; }
.failure { border-left: 4px solid var(--red); background: #fdf2f1; padding: 0.5rem 1rem; }
pre { white-space: pre-wrap; word-break: break-all; background: var(--panel); padding: 0.6rem; border-radius: 4px; }
ul.warnings li { color: var(--amber); }
select { font: inherit; padding: 0.3rem; max-width: 100%; }
footer { color: var(--muted); font-size: 0.85rem; text-align: center; padding: 1rem; }
"""

REPORT_JS = """\
(function () {
  "use strict";

  var BASE_LAYOUT = {
    autosize: true,
    height: 360,
    margin: { l: 64, r: 64, t: 24, b: 56 },
    font: { family: "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", size: 12, color: "#1d2330" },
    legend: { orientation: "h", x: 0, y: 1.02, yanchor: "bottom" },
    hovermode: "closest",
    paper_bgcolor: "#ffffff",
    plot_bgcolor: "#ffffff"
  };
  var AXIS = { gridcolor: "#e8eaef", linecolor: "#c4c9d2", automargin: true };
  // Zoom, reset and save only: the full bar reaches over the legends above the charts, and "Share chart"
  // would send a report meant to stay offline to a web service.
  var CONFIG = {
    responsive: true,
    displaylogo: false,
    scrollZoom: false,
    displayModeBar: "hover",
    showSendToCloud: false,
    showEditInChartStudio: false,
    modeBarButtonsToRemove: [
      "sendChartToCloud", "pan2d", "select2d", "lasso2d", "zoomIn2d", "zoomOut2d", "autoScale2d", "toggleSpikelines",
      "hoverClosestCartesian", "hoverCompareCartesian"
    ]
  };

  function pageData() {
    var node = document.getElementById("critbench-data");
    return node ? JSON.parse(node.textContent) : {};
  }

  function layoutOf(figure) {
    var layout = Object.assign({}, BASE_LAYOUT, figure.layout || {});
    Object.keys(layout).forEach(function (key) {
      if (/^[xy]axis[0-9]*$/.test(key)) {
        layout[key] = Object.assign({}, AXIS, layout[key]);
      }
    });
    return layout;
  }

  function draw(element, figure) {
    if (typeof Plotly === "undefined") {
      element.textContent = "Charts need assets/plotly.min.js next to this page.";
      element.className += " chart-missing";
      return;
    }
    Plotly.react(element, figure.data, layoutOf(figure), CONFIG);
  }

  function drawFigures(data) {
    var figures = data.figures || {};
    document.querySelectorAll("[data-figure]").forEach(function (element) {
      var figure = figures[element.getAttribute("data-figure")];
      if (figure) {
        draw(element, figure);
      }
    });
  }

  function historyChooser(data) {
    var select = document.getElementById("history-select");
    var element = document.getElementById("history-chart");
    if (!select || !element || !data.histories) {
      return;
    }
    function show() {
      var figure = data.histories[select.value];
      if (figure) {
        draw(element, figure);
      }
    }
    select.addEventListener("change", show);
    show();
  }

  function cellValue(row, index, numeric) {
    var cell = row.cells[index];
    if (!cell) {
      return numeric ? -Infinity : "";
    }
    var raw = cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent;
    if (numeric) {
      var value = parseFloat(raw);
      return isNaN(value) ? -Infinity : value;
    }
    return raw.trim().toLowerCase();
  }

  function makeSortable(table) {
    var headers = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(headers, function (header, index) {
      header.setAttribute("tabindex", "0");
      function sort() {
        var numeric = header.getAttribute("data-type") === "number";
        var ascending = header.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(headers, function (other) { other.removeAttribute("aria-sort"); });
        header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = cellValue(a, index, numeric);
          var y = cellValue(b, index, numeric);
          var order = x < y ? -1 : x > y ? 1 : 0;
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      }
      header.addEventListener("click", sort);
      header.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          sort();
        }
      });
    });
  }

  function makeFilter(input) {
    var table = document.getElementById(input.getAttribute("data-table"));
    if (!table) {
      return;
    }
    input.addEventListener("input", function () {
      var needle = input.value.trim().toLowerCase();
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        var text = (row.getAttribute("data-id") || row.textContent).toLowerCase();
        row.hidden = needle !== "" && text.indexOf(needle) === -1;
      });
    });
  }

  function start() {
    var data = pageData();
    document.querySelectorAll("table.sortable").forEach(makeSortable);
    document.querySelectorAll("input.filter").forEach(makeFilter);
    drawFigures(data);
    historyChooser(data);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
"""
