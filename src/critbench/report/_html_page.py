"""What every page of the HTML report shares: safe file names, the JSON data block, the templates, table rows.

Names are never used as paths: each page's file name is a sanitised id plus a hash of it. User strings are
HTML-escaped by the (autoescaping) templates and travel to the charts as JSON inside
``<script type="application/json">`` with ``<``, ``>`` and ``&`` escaped, so no id can end a script.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from critbench.model import LAST_RUN, PREVIOUS_RUN, BenchmarkResult, Indicator, Verdict, describe_baseline
from critbench.model._figures import ReportInput
from critbench.report import _format as fmt
from critbench.report._html_figures import Figure
from critbench.report._html_templates import TEMPLATES
from critbench.report._terminal import p_clause

if TYPE_CHECKING:
    import jinja2
    from markupsafe import Markup

_SLUG_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")
_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_JSON_UNSAFE = re.compile("[<>&\u2028\u2029]")


def slug(name: str) -> str:
    """A safe, unique file name stem for ``name``: its letters, digits, ``-`` and ``_``, plus a hash.

    The hash (BLAKE2b of the whole name) keeps names distinct that sanitise alike, also on case-insensitive
    file systems; the readable part is cut at 48 characters.
    """
    readable = _SLUG_UNSAFE.sub("-", name).strip("-")[:48] or "x"
    digest = hashlib.blake2b(name.encode("utf-8"), digest_size=5).hexdigest()
    return f"{readable}-{digest}"


def benchmark_path(full_id: str) -> str:
    return f"benchmarks/{slug(full_id)}.html"


def group_path(group: str) -> str:
    return f"groups/{slug(group)}.html"


def script_json(value: Any) -> str:
    """``value`` as JSON that is safe inside ``<script type="application/json">`` (no ``</script>``)."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return _JSON_UNSAFE.sub(lambda match: _JSON_ESCAPES[match.group()], text)


@functools.cache
def _environment() -> jinja2.Environment:
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.DictLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["breakable"] = _breakable
    return environment


def _breakable(benchmark_id: str) -> Markup:
    """An id that a narrow column wraps after a slash, never inside a name."""
    from markupsafe import Markup, escape

    return Markup("/<wbr>").join(escape(part) for part in benchmark_id.split("/"))


def render_page(
    template: str, data: ReportInput, *, root: str, title: str, page_data: Any, needs_plotly: bool, **context: Any
) -> bytes:
    html = (
        _environment()
        .get_template(template)
        .render(
            root=root,
            title=title,
            needs_plotly=needs_plotly,
            version=data.run.environment.critbench_version,
            started_at=data.run.started_at,
            typical_label=typical_label(data),
            data_json=_markup(script_json(page_data)),
            **context,
        )
    )
    return html.encode("utf-8")


def typical_label(data: ReportInput) -> str:
    """The heading of the typical figure's column: a time, or a count when the run counted instructions."""
    counted = any(r.unit == "instructions" for r in data.results) or data.run.settings.get("measure") == "instructions"
    return "Instructions per iteration" if counted else "Typical time"


def _markup(text: str) -> Any:
    from markupsafe import Markup

    return Markup(text)  # script_json escaped every character that could end the script


@dataclass(frozen=True)
class Chart:
    """One chart of a page: its element's key, the title above it, and the Plotly figure drawn in it."""

    key: str
    title: str
    figure: Figure


def figures_data(charts: Sequence[Chart]) -> dict[str, Any]:
    """A page's script data for its charts: each figure under its chart's key."""
    return {"figures": {chart.key: chart.figure for chart in charts}}


@dataclass(frozen=True)
class Row:
    """One benchmark in the index and group tables, preformatted."""

    id: str
    href: str
    group: str
    group_href: str
    failure: str | None = None
    time: tuple[str, str, str] | None = None
    time_sort: float | str = ""
    change: str = "—"
    change_range: str = ""
    change_sort: float | str = ""
    indicator: str = ""
    indicator_class: str = ""
    verdict: str = ""
    verdict_class: str = ""
    target: str = ""
    target_class: str = ""
    target_sort: float | str = ""
    memory: str = ""
    memory_sort: float | str = ""


INDICATOR_CLASS = {Indicator.OK: "ok", Indicator.WARN: "warn", Indicator.BAD: "bad"}
VERDICT_CLASS = {Verdict.REGRESSED: "regressed", Verdict.IMPROVED: "improved"}


def time_text(ns: float) -> str:
    return fmt.time(ns).strip()


def change_text(fraction: float) -> str:
    return fmt.change(fraction).strip()


def baseline_label(data: ReportInput) -> str:
    if not data.baseline_name:
        return "the baseline"
    if data.baseline_name in (LAST_RUN, PREVIOUS_RUN):
        return describe_baseline(data.baseline_name)
    return f"baseline '{data.baseline_name}'"


def _memory_cell(result: BenchmarkResult) -> dict[str, Any]:
    """The index's memory column: the peak RSS, or the allocation per iteration when only that was traced."""
    memory = result.memory
    if memory is None:
        return {}
    if memory.peak_rss_bytes is not None:
        return {"memory": f"{fmt.bytes_size(memory.peak_rss_bytes)} peak", "memory_sort": memory.peak_rss_bytes}
    if memory.allocated_per_iteration_bytes is not None:
        allocated = memory.allocated_per_iteration_bytes
        return {"memory": f"{fmt.bytes_size(allocated)}/iter", "memory_sort": allocated}
    return {}


def table_row(result: BenchmarkResult, prefix: str) -> Row:
    full_id = result.id.full_id
    base: dict[str, Any] = {
        "id": full_id,
        "href": prefix + benchmark_path(full_id),
        "group": result.id.group,
        "group_href": prefix + group_path(result.id.group),
    }
    if result.failure is not None or result.analysis is None:
        reason = result.failure.reason if result.failure is not None else "no measurements"
        return Row(**base, failure=reason)
    typical = result.analysis.estimates.typical
    unit = result.unit
    extra: dict[str, Any] = {
        "time": tuple(fmt.measured(value, unit) for value in (typical.lower, typical.point, typical.upper)),
        "time_sort": typical.point,
    }
    comparison = result.comparison
    if comparison is not None:
        mean = comparison.change.mean
        extra.update(
            change=change_text(mean.point),
            change_range=f"[{change_text(mean.lower)} {change_text(mean.upper)}] {p_clause(comparison)}",
            change_sort=mean.point,
            indicator=comparison.indicator.value,
            indicator_class=INDICATOR_CLASS[comparison.indicator],
            verdict=comparison.verdict.message,
            verdict_class=VERDICT_CLASS.get(comparison.verdict, ""),
        )
    targets = [t for t in (result.time_target, result.memory_target) if t is not None]
    if targets:
        extra.update(
            target=" · ".join(
                f"{'memory ' if t.metric == 'memory' else ''}{t.status.value} ({t.ratio_text})" for t in targets
            ),
            target_class=targets[0].status.value,
            target_sort=max(t.ratio for t in targets),
        )
    extra.update(_memory_cell(result))
    return Row(**base, **extra)
