"""Jinja2 templates of the report's pages, autoescaped: every value a template prints is HTML-escaped.

Values arrive preformatted (strings and numbers); the only unescaped insertion is the page's JSON data
block, which :func:`critbench.report._html.script_json` makes safe inside ``<script>``.
"""

from __future__ import annotations

BASE = """\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'self' file:; \
style-src 'self' file: 'unsafe-inline'; img-src 'self' file: data: blob:; font-src 'self' file: data:">
<meta name="referrer" content="no-referrer">
<title>{{ title }} · critbench report</title>
<link rel="stylesheet" href="{{ root }}assets/report.css">
{% if needs_plotly %}<script src="{{ root }}assets/plotly.min.js"></script>
{% endif %}<script src="{{ root }}assets/report.js" defer></script>
</head>
<body>
<header><a class="brand" href="{{ root }}index.html">critbench</a>
<nav><a href="{{ root }}index.html">Benchmarks</a><a href="{{ root }}history.html">History</a></nav></header>
<main>
{% block main %}{% endblock %}
</main>
<footer>critbench {{ version }} · run started {{ started_at }}</footer>
<script type="application/json" id="critbench-data">{{ data_json }}</script>
</body>
</html>
"""

FACTS = """\
{% macro facts(items) -%}
<dl class="facts">{% for label, value in items %}<dt>{{ label }}</dt><dd>{{ value }}</dd>{% endfor %}</dl>
{%- endmacro %}
{% macro time_cell(row) -%}
<td class="num" data-sort="{{ row.time_sort }}">{% if row.time %}<span class="muted">{{ row.time[0] }}</span> \
<b>{{ row.time[1] }}</b> <span class="muted">{{ row.time[2] }}</span>{% endif %}</td>
{%- endmacro %}
{% macro change_cells(row) -%}
<td class="num" data-sort="{{ row.change_sort }}" title="{{ row.change_range }}">{{ row.change }}</td>
<td class="indicator {{ row.indicator_class }}">{{ row.indicator }}</td>
<td class="{{ row.verdict_class }}">{{ row.verdict }}</td>
{%- endmacro %}
"""

INDEX = """\
{% extends "base.html" %}
{% from "facts.html" import facts, time_cell, change_cells %}
{% block main %}
<h1>Benchmark report</h1>
<div class="panels">
<div class="panel"><strong>Run</strong>{{ facts(run_facts) }}</div>
<div class="panel"><strong>Environment</strong>{{ facts(environment_facts) }}</div>
</div>
<p class="summary">{% for label, count, css in summary %}<span class="{{ css }}">{{ count }} {{ label }}</span>{% endfor %}</p>
{% if groups %}<h2>Groups</h2>
<p>{% for group in groups %}<a href="{{ group.href }}">{{ group.name }}</a> <span class="muted">({{ group.count }})</span>\
{% if not loop.last %} · {% endif %}{% endfor %}</p>{% endif %}
<h2>Benchmarks</h2>
<p><a href="history.html">History of every benchmark over the stored runs</a></p>
<input class="filter" type="search" placeholder="Filter by id" aria-label="Filter benchmarks by id" data-table="benchmarks">
<table id="benchmarks" class="sortable">
<thead><tr><th>Benchmark</th><th>Group</th><th class="num" data-type="number">{{ typical_label }}</th>\
<th class="num" data-type="number">Change</th><th></th><th>Verdict</th><th data-type="number">Target</th>\
{% if show_memory %}<th class="num" data-type="number">Memory</th>{% endif %}</tr></thead>
<tbody>
{% for row in rows %}<tr data-id="{{ row.id }}"><td class="id"><a href="{{ row.href }}">{{ row.id|breakable }}</a></td>\
<td><a href="{{ row.group_href }}">{{ row.group }}</a></td>\
{% if row.failure %}<td class="failed" colspan="{{ 6 if show_memory else 5 }}" data-sort="">FAILED: {{ row.failure }}</td>\
{% else %}{{ time_cell(row) }}{{ change_cells(row) }}\
<td class="status {{ row.target_class }}" data-sort="{{ row.target_sort }}">{{ row.target }}</td>\
{% if show_memory %}<td class="num" data-sort="{{ row.memory_sort }}">{{ row.memory }}</td>{% endif %}{% endif %}</tr>
{% endfor %}</tbody>
</table>
{% endblock %}
"""

BENCHMARK = """\
{% extends "base.html" %}
{% from "facts.html" import facts %}
{% block main %}
<p class="crumbs"><a href="../index.html">Benchmarks</a> › <a href="{{ group_href }}">{{ group }}</a></p>
<h1>{{ id }}</h1>
{% if description %}<p class="description">{{ description }}</p>{% endif %}
{{ facts(details) }}
{% if warnings %}<ul class="warnings">{% for warning in warnings %}<li>{{ warning }}</li>{% endfor %}</ul>{% endif %}
{% if failure %}<div class="failure"><p><strong>FAILED</strong> ({{ failure.kind }}): {{ failure.reason }}</p>
{% if failure.detail %}<pre>{{ failure.detail }}</pre>{% endif %}</div>{% endif %}
{% if charts %}<div class="charts">
{% for chart in charts %}<div class="chart-box"><h3>{{ chart.title }}</h3>\
<div class="chart" id="chart-{{ chart.key }}" data-figure="{{ chart.key }}" role="img" \
aria-label="{{ chart.title }}"></div></div>
{% endfor %}</div>{% endif %}
{% if statistics %}<h2>Additional statistics</h2>
<table class="statistics"><thead><tr><th></th><th class="num">Lower bound</th><th class="num">Estimate</th>\
<th class="num">Upper bound</th></tr></thead>
<tbody>{% for name, lower, estimate, upper in statistics %}<tr><th>{{ name }}</th><td class="num">{{ lower }}</td>\
<td class="num">{{ estimate }}</td><td class="num">{{ upper }}</td></tr>
{% endfor %}</tbody></table>{% endif %}
{% if outliers %}<p>{{ outliers[0] }}{% if outliers[1] %}: {{ outliers[1] }}{% endif %}</p>{% endif %}
{% if targets %}<h2>Targets</h2>
<table><thead><tr><th>Metric</th><th class="num">Target</th><th class="num">Achieved</th><th>Status</th>\
<th>Ratio</th></tr></thead>
<tbody>{% for target in targets %}<tr><td>{{ target.metric }}</td><td class="num">{{ target.target }}</td>\
<td class="num">{{ target.achieved }}</td><td class="status {{ target.status }}">{{ target.status }}</td>\
<td>{{ target.ratio }}</td></tr>
{% endfor %}</tbody></table>{% endif %}
{% if change %}<h2>Change since {{ change.baseline }}</h2>
<table class="statistics"><thead><tr><th></th><th class="num">Lower bound</th><th class="num">Estimate</th>\
<th class="num">Upper bound</th><th></th></tr></thead>
<tbody>{% for name, lower, estimate, upper, note in change.rows %}<tr><th>{{ name }}</th><td class="num">{{ lower }}</td>\
<td class="num">{{ estimate }}</td><td class="num">{{ upper }}</td><td>{{ note }}</td></tr>
{% endfor %}</tbody></table>
<p><span class="indicator {{ change.indicator_class }}">{{ change.indicator }}</span> \
<span class="{{ change.verdict_class }}">{{ change.verdict }}</span></p>
{{ facts(change.facts) }}{% endif %}
{% endblock %}
"""

GROUP = """\
{% extends "base.html" %}
{% from "facts.html" import time_cell, change_cells %}
{% block main %}
<p class="crumbs"><a href="../index.html">Benchmarks</a></p>
<h1>{{ group }}</h1>
{% if charts %}<div class="charts">
{% for chart in charts %}<div class="chart-box"><h3>{{ chart.title }}</h3>\
<div class="chart" id="chart-{{ chart.key }}" data-figure="{{ chart.key }}" role="img" \
aria-label="{{ chart.title }}"></div></div>
{% endfor %}</div>{% endif %}
<h2>Benchmarks</h2>
<table id="members" class="sortable">
<thead><tr><th>Benchmark</th><th class="num" data-type="number">{{ typical_label }}</th><th class="num" data-type="number">Change</th>\
<th></th><th>Verdict</th></tr></thead>
<tbody>
{% for row in rows %}<tr data-id="{{ row.id }}"><td class="id"><a href="{{ row.href }}">{{ row.id|breakable }}</a></td>\
{% if row.failure %}<td class="failed" colspan="4">FAILED: {{ row.failure }}</td>\
{% else %}{{ time_cell(row) }}{{ change_cells(row) }}{% endif %}</tr>
{% endfor %}</tbody>
</table>
{% endblock %}
"""

HISTORY = """\
{% extends "base.html" %}
{% block main %}
<p class="crumbs"><a href="index.html">Benchmarks</a></p>
<h1>History</h1>
{% if choices %}<p><label for="history-select">Benchmark </label><select id="history-select">\
{% for key, label in choices %}<option value="{{ key }}">{{ label }}</option>{% endfor %}</select></p>
<div class="chart-box"><div class="chart" id="history-chart" role="img" aria-label="History over runs"></div></div>
{% else %}<p class="muted">No stored runs yet: the history fills as runs are recorded.</p>{% endif %}
{% if runs %}<h2>Runs</h2>
<table id="runs" class="sortable"><thead><tr><th data-type="number">Run</th><th>Started</th><th>Commit</th>\
<th>Branch</th><th>Saved as</th><th>Compared with</th></tr></thead>
<tbody>{% for run in runs %}<tr><td data-sort="{{ run[0] }}">{{ run[0] }}</td><td>{{ run[1] }}</td><td>{{ run[2] }}</td>\
<td>{{ run[3] }}</td><td>{{ run[4] }}</td><td>{{ run[5] }}</td></tr>
{% endfor %}</tbody></table>{% endif %}
{% if stability %}<h2>Stability across runs</h2>
<table id="stability" class="sortable"><thead><tr><th>Benchmark</th><th class="num" data-type="number">Runs</th>\
<th class="num" data-type="number">Mean</th><th class="num" data-type="number">Std. dev.</th>\
<th class="num" data-type="number">CV</th></tr></thead>
<tbody>{% for row in stability %}<tr><td class="id"><a href="{{ row.href }}">{{ row.id|breakable }}</a></td>\
<td class="num">{{ row.runs }}</td><td class="num" data-sort="{{ row.mean_sort }}">{{ row.mean }}</td>\
<td class="num" data-sort="{{ row.std_sort }}">{{ row.std }}</td><td class="num" data-sort="{{ row.cv_sort }}">{{ row.cv }}</td></tr>
{% endfor %}</tbody></table>{% endif %}
{% endblock %}
"""

TEMPLATES = {
    "base.html": BASE,
    "facts.html": FACTS,
    "index.html": INDEX,
    "benchmark.html": BENCHMARK,
    "group.html": GROUP,
    "history.html": HISTORY,
}
