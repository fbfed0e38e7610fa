"""Plotly figure specs (``{"data": [...], "layout": {...}}``) for the HTML report's charts.

Plotly.js draws them in the browser; this module only arranges prepared numbers into traces, scales them to
a display unit and rounds them so pages stay small. Every user-written string that reaches a figure (names,
branches, baselines) goes through :func:`plotly_text`, because Plotly reads a few HTML-like tags in text.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

from critbench.model import BenchmarkResult, Comparison, ComparisonUnit, Estimate, HistoryPoint, Verdict
from critbench.model._figures import BenchmarkFigures, Curve, Density

Figure = dict[str, Any]

BLUE = "#1f77b4"
RED = "#d62728"
ORANGE = "#ff7f0e"
GREY = "#7f7f7f"
GREEN = "#2ca02c"
BAND = "rgba(31,119,180,0.18)"
BASE_BAND = "rgba(214,39,40,0.15)"

_UNITS = ((1.0, 1e-3, "ps"), (1e3, 1.0, "ns"), (1e6, 1e3, "µs"), (1e9, 1e6, "ms"))


def plotly_text(text: str) -> str:
    """``text`` shown literally by Plotly: ``&``, ``<`` and ``>`` as the entities Plotly decodes."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def time_unit(ns: float) -> tuple[float, str]:
    """The divisor and unit :func:`critbench.report._format.time` would pick for ``ns``."""
    for limit, divisor, unit in _UNITS:
        if abs(ns) < limit:
            return divisor, unit
    return 1e9, "s"


POSITION_DIGITS = 5
"""Significant digits of plotted times: a point is placed within 0.001% of its value."""
DENSITY_DIGITS = 3
"""Significant digits of density heights, which are drawn in arbitrary units."""


def rounded(values: Iterable[float], digits: int = POSITION_DIGITS, scale: float = 1.0) -> list[float | None]:
    """``values / scale`` to ``digits`` significant digits (non-finite as None, which JSON can carry)."""
    spec = f".{digits}g"
    return [float(format(v / scale, spec)) if math.isfinite(v) else None for v in values]


def counts(values: Iterable[float]) -> list[float]:
    """Iteration counts, whole ones written without a decimal point."""
    return [int(v) if v.is_integer() else v for v in values]


def _num(value: float, scale: float = 1.0) -> float | None:
    return rounded((value,), 7, scale)[0]


def _layout(x_title: str, y_title: str, **extra: Any) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "xaxis": {"title": {"text": x_title}, "zeroline": False},
        "yaxis": {"title": {"text": y_title}, "zeroline": False},
    }
    layout.update(extra)
    return layout


def _line(curve: Curve, name: str, color: str, scale_y: float, **extra: Any) -> dict[str, Any]:
    trace: dict[str, Any] = {
        "type": "scatter",
        "mode": "lines",
        "name": name,
        "x": rounded(curve.xs),
        "y": rounded(curve.ys, POSITION_DIGITS, scale_y),
        "line": {"color": color, "width": 2},
    }
    trace.update(extra)
    return trace


def _density(density: Density, name: str, color: str, scale_x: float, **extra: Any) -> dict[str, Any]:
    """A density as a line on its grid (``x0``, ``dx``), heights per display unit of x."""
    trace: dict[str, Any] = {
        "type": "scatter",
        "mode": "lines",
        "name": name,
        "x0": _num(density.start, scale_x),
        "dx": _num(density.step, scale_x),
        "y": rounded(density.ys, DENSITY_DIGITS, 1 / scale_x),
        "line": {"color": color, "width": 2},
    }
    trace.update(extra)
    return trace


def _vertical(x: float, top: float, name: str, color: str, unit: str) -> dict[str, Any]:
    """A vertical line from 0 to ``top`` as a trace, so it has a legend entry and a hover value."""
    return {
        "type": "scatter",
        "mode": "lines",
        "name": name,
        "x": [_num(x), _num(x)],
        "y": [0, _num(top)],
        "line": {"color": color, "width": 2, "dash": "dash"},
        "hovertemplate": f"{name}: %{{x:.4g}} {unit}<extra></extra>",
    }


def distribution(result: BenchmarkResult, figures: BenchmarkFigures) -> Figure:
    """Criterion's ``pdf.svg``: the KDE, the mean, the mild fences and every sample coloured by class."""
    assert result.analysis is not None
    analysis = result.analysis
    scale, unit = time_unit(analysis.estimates.typical.point)
    top = max(figures.density.ys, default=1 / scale) * scale
    data: list[dict[str, Any]] = []
    if figures.density.ys:
        data.append(
            _density(
                figures.density,
                "PDF",
                BLUE,
                scale,
                fill="tozeroy",
                fillcolor=BAND,
                hovertemplate=f"%{{x:.4g}} {unit}<extra>PDF</extra>",
            )
        )
    data.append(_vertical(analysis.estimates.mean.point / scale, top, "Mean", BLUE, unit))
    for curve, name, color, size in (
        (figures.points.clean, "Clean sample", BLUE, 5),
        (figures.points.mild, "Mild outliers", ORANGE, 7),
        (figures.points.severe, "Severe outliers", RED, 8),
    ):
        if curve.xs:
            data.append(
                {
                    "type": "scatter",
                    "mode": "markers",
                    "name": name,
                    "x": rounded(curve.xs, POSITION_DIGITS, scale),
                    "y": counts(curve.ys),
                    "yaxis": "y2",
                    "marker": {"color": color, "size": size, "opacity": 0.7},
                    "hovertemplate": f"%{{x:.4g}} {unit} (%{{y}} iterations)<extra>{name}</extra>",
                }
            )
    fences = analysis.fences
    shapes = [
        {
            "type": "line",
            "xref": "x",
            "yref": "paper",
            "x0": _num(value, scale),
            "x1": _num(value, scale),
            "y0": 0,
            "y1": 1,
            "line": {"color": ORANGE, "width": 1, "dash": "dot"},
        }
        for value in (fences.low_mild, fences.high_mild)
    ]
    layout = _layout(
        f"Average time ({unit})",
        "Density (a.u.)",
        yaxis2={"title": {"text": "Iterations"}, "overlaying": "y", "side": "right", "showgrid": False},
        shapes=shapes,
    )
    if figures.density.ys:
        end = figures.density.start + (len(figures.density.ys) - 1) * figures.density.step
        layout["xaxis"]["range"] = [_num(figures.density.start, scale), _num(end, scale)]
    return {"data": data, "layout": layout}


def regression(figures: BenchmarkFigures) -> Figure:
    """Criterion's ``regression.svg``: total time against iterations, the slope's line and its CI band."""
    band = figures.regression
    totals = figures.totals
    assert band is not None
    assert totals is not None
    scale, unit = time_unit(max(totals.ys))
    data: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "mode": "markers",
            "name": "Sample",
            "x": counts(totals.xs),
            "y": rounded(totals.ys, POSITION_DIGITS, scale),
            "marker": {"color": BLUE, "size": 5},
            "hovertemplate": f"%{{x}} iterations: %{{y:.4g}} {unit}<extra></extra>",
        },
        {
            "type": "scatter",
            "mode": "lines",
            "name": "Confidence interval",
            "legendgroup": "ci",
            "showlegend": False,
            "x": rounded(band.xs),
            "y": rounded(band.lower, POSITION_DIGITS, scale),
            "line": {"width": 0, "color": BLUE},
            "hoverinfo": "skip",
        },
        {
            "type": "scatter",
            "mode": "lines",
            "name": "Confidence interval",
            "legendgroup": "ci",
            "x": rounded(band.xs),
            "y": rounded(band.upper, POSITION_DIGITS, scale),
            "line": {"width": 0, "color": BLUE},
            "fill": "tonexty",
            "fillcolor": BAND,
            "hoverinfo": "skip",
        },
        {
            "type": "scatter",
            "mode": "lines",
            "name": "Linear regression",
            "x": rounded(band.xs),
            "y": rounded(band.line, POSITION_DIGITS, scale),
            "line": {"color": BLUE, "width": 2},
            "hovertemplate": f"%{{x}} iterations: %{{y:.4g}} {unit}<extra>fit</extra>",
        },
    ]
    if figures.baseline_regression is not None:
        data.append(
            _line(
                figures.baseline_regression,
                "Baseline regression",
                RED,
                scale,
                line={"color": RED, "width": 2, "dash": "dash"},
                hovertemplate=f"%{{x}} iterations: %{{y:.4g}} {unit}<extra>baseline</extra>",
            )
        )
    return {"data": data, "layout": _layout("Iterations", f"Total sample time ({unit})")}


def iteration_times(figures: BenchmarkFigures) -> Figure:
    """Criterion's ``iteration_times.svg`` (flat sampling): each sample's average time, in order."""
    values = figures.per_iteration_ns
    baseline_mean_ns = figures.baseline_mean_ns
    scale, unit = time_unit(max(values))
    count = len(values)
    data: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "mode": "markers",
            "name": "Sample",
            "x": list(range(1, count + 1)),
            "y": rounded(values, POSITION_DIGITS, scale),
            "marker": {"color": BLUE, "size": 5},
            "hovertemplate": f"sample %{{x}}: %{{y:.4g}} {unit}<extra></extra>",
        }
    ]
    if baseline_mean_ns is not None:
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": "Baseline mean",
                "x": [1, count],
                "y": [_num(baseline_mean_ns, scale)] * 2,
                "line": {"color": RED, "dash": "dash"},
                "hovertemplate": f"baseline mean: %{{y:.4g}} {unit}<extra></extra>",
            }
        )
    return {"data": data, "layout": _layout("Sample", f"Average iteration time ({unit})")}


def overlay(result: BenchmarkResult, figures: BenchmarkFigures, baseline_label: str, baseline_mean_ns: float) -> Figure:
    """Criterion's ``both/pdf.svg``: the baseline's density and mean against the new ones."""
    assert result.analysis is not None
    assert figures.baseline_density is not None
    scale, unit = time_unit(result.analysis.estimates.typical.point)
    base = figures.baseline_density
    top = max((*figures.density.ys, *base.ys), default=1 / scale) * scale
    name = plotly_text(baseline_label)
    data: list[dict[str, Any]] = []
    if base.ys:
        data.append(
            _density(
                base,
                name,
                RED,
                scale,
                fill="tozeroy",
                fillcolor=BASE_BAND,
                hovertemplate=f"%{{x:.4g}} {unit}<extra>baseline</extra>",
            )
        )
    if figures.density.ys:
        data.append(
            _density(
                figures.density,
                "New",
                BLUE,
                scale,
                fill="tozeroy",
                fillcolor=BAND,
                hovertemplate=f"%{{x:.4g}} {unit}<extra>new</extra>",
            )
        )
    data.append(_vertical(baseline_mean_ns / scale, top, "Baseline mean", RED, unit))
    data.append(_vertical(result.analysis.estimates.mean.point / scale, top, "New mean", BLUE, unit))
    return {"data": data, "layout": _layout(f"Average time ({unit})", "Density (a.u.)")}


def change(figures: BenchmarkFigures, comparison: Comparison) -> Figure:
    """Criterion's ``change/mean.svg``: the relative change's distribution, its CI, estimate and noise band.

    When the test took processes as the unit, the change is that of the faster half of the processes.
    """
    assert figures.change is not None
    dist = figures.change.distribution
    ci = figures.change.ci
    top = max(dist.ys, default=1.0) / 100
    estimate = comparison.change.mean
    noise = comparison.noise_threshold * 100
    data: list[dict[str, Any]] = []
    if ci.ys:
        data.append(
            _density(
                ci,
                "Confidence interval",
                BLUE,
                0.01,
                fill="tozeroy",
                fillcolor=BAND,
                line={"width": 0, "color": BLUE},
                hoverinfo="skip",
            )
        )
    if dist.ys:
        data.append(
            _density(
                dist,
                "Bootstrap distribution",
                BLUE,
                0.01,
                hovertemplate="%{x:.3f}%<extra>bootstrap</extra>",
            )
        )
    data.append(_vertical(estimate.point * 100, top, "Point estimate", BLUE, "%"))
    shapes = [
        {
            "type": "rect",
            "xref": "x",
            "yref": "paper",
            "x0": -noise,
            "x1": noise,
            "y0": 0,
            "y1": 1,
            "fillcolor": GREY,
            "opacity": 0.2,
            "line": {"width": 0},
            "layer": "below",
            "name": f"Noise threshold (±{noise:.3g}%)",
            "showlegend": True,
        }
    ]
    what = "of the faster processes" if comparison.unit is ComparisonUnit.PROCESS else "in mean"
    return {"data": data, "layout": _layout(f"Relative change {what} (%)", "Density (a.u.)", shapes=shapes)}


def history_label(point: HistoryPoint) -> str:
    """The run's commit (``abc1234*`` when dirty), or its number when it has none."""
    if point.git_commit:
        return point.git_commit[:7] + ("*" if point.git_dirty else "")
    return f"run {point.run_id}"


_VERDICT_WORD = {Verdict.REGRESSED: "regressed", Verdict.IMPROVED: "improved"}


def _history_hover(point: HistoryPoint) -> str:
    """The run's commit and date, and the verdict when the run changed; short, as a page holds many."""
    text = f"<b>{plotly_text(history_label(point))}</b> {plotly_text(point.started_at[:16].replace('T', ' '))}"
    word = _VERDICT_WORD.get(point.verdict) if point.verdict is not None else None
    return text + (f"<br>{word}" if word else "")


def history(points: Sequence[HistoryPoint]) -> Figure:
    """Typical time over the stored runs, its CI band, commits on the axis, saved baselines starred.

    Branches and the baselines each run compared with are in the history page's table of runs.
    """
    scale, unit = time_unit(max((p.typical.point for p in points), default=1.0))
    xs = list(range(len(points)))
    estimates: list[Estimate] = [p.typical for p in points]
    labels = [plotly_text(history_label(p)) for p in points]
    data: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "mode": "lines",
            "name": "Confidence interval",
            "legendgroup": "ci",
            "showlegend": False,
            "x": xs,
            "y": rounded((e.lower for e in estimates), POSITION_DIGITS, scale),
            "line": {"width": 0, "color": BLUE},
            "hoverinfo": "skip",
        },
        {
            "type": "scatter",
            "mode": "lines",
            "name": "Confidence interval",
            "legendgroup": "ci",
            "x": xs,
            "y": rounded((e.upper for e in estimates), POSITION_DIGITS, scale),
            "line": {"width": 0, "color": BLUE},
            "fill": "tonexty",
            "fillcolor": BAND,
            "hoverinfo": "skip",
        },
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": "Typical time",
            "x": xs,
            "y": rounded((e.point for e in estimates), POSITION_DIGITS, scale),
            "line": {"color": BLUE, "width": 2},
            "marker": {"size": 7, "color": BLUE},
            "text": [_history_hover(p) for p in points],
            "customdata": [rounded((e.lower, e.upper), POSITION_DIGITS, scale) for e in estimates],
            "hovertemplate": (
                f"%{{text}}<br>%{{y:.4g}} {unit} [%{{customdata[0]:.4g}} %{{customdata[1]:.4g}}]<extra></extra>"
            ),
        },
    ]
    saved = [(i, p) for i, p in enumerate(points) if p.saved_as]
    if saved:
        data.append(
            {
                "type": "scatter",
                "mode": "markers+text",
                "name": "Saved baseline",
                "x": [i for i, _ in saved],
                "y": [_num(p.typical.point, scale) for _, p in saved],
                "text": [plotly_text(p.saved_as or "") for _, p in saved],
                "textposition": "top center",
                "marker": {"symbol": "star", "size": 14, "color": ORANGE, "line": {"width": 1, "color": "#333"}},
                "hovertemplate": "baseline %{text}<extra></extra>",
            }
        )
    layout = _layout("Run (commit)", f"Typical time ({unit})")
    layout["xaxis"].update(tickmode="array", tickvals=xs, ticktext=labels)
    return {"data": data, "layout": layout}


def wide(values: Sequence[float]) -> bool:
    """Whether positive ``values`` span two decades or more, so a logarithmic axis shows them all."""
    return bool(values) and min(values) > 0 and max(values) >= 100 * min(values)


def violin(members: Sequence[tuple[str, Sequence[float]]], unit_ns: float, *, log: bool) -> Figure:
    """Criterion's group ``violin.svg``: one violin of per-iteration times per benchmark, raw points shown.

    The first benchmark is at the top; the time axis is logarithmic when ``log``.
    """
    scale, unit = time_unit(unit_ns)
    data = [
        {
            "type": "violin",
            "orientation": "h",
            "name": plotly_text(label),
            "x": rounded(values, POSITION_DIGITS, scale),
            "points": "all",
            "jitter": 0.4,
            "pointpos": 0,
            "marker": {"size": 3, "opacity": 0.6},
            "box": {"visible": True},
            "meanline": {"visible": True},
            "spanmode": "hard",
            "hoveron": "violins+points",
        }
        for label, values in members
    ]
    layout = _layout(f"Average time ({unit})", "", showlegend=False, height=max(320, 120 + 70 * len(members)))
    layout["yaxis"].update(automargin=True, type="category", autorange="reversed")
    if log:
        layout["xaxis"]["type"] = "log"
    return {"data": data, "layout": layout}


def parameter_lines(
    series: Sequence[tuple[str, Sequence[tuple[str, Estimate]]]], *, numeric: bool, log_x: bool, log_y: bool
) -> Figure:
    """Criterion's group ``lines.svg``: each function's mean (with its CI) over the parameter.

    Numeric parameters get a numeric axis (logarithmic when ``log_x``), others a categorical one.
    """
    top = max((e.point for _, values in series for _, e in values), default=1.0)
    scale, unit = time_unit(top)
    data = []
    for function, values in series:
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": plotly_text(function),
                "x": [float(p) if numeric else plotly_text(p) for p, _ in values],
                "y": rounded((e.point for _, e in values), POSITION_DIGITS, scale),
                "error_y": {
                    "type": "data",
                    "symmetric": False,
                    "array": rounded((e.upper - e.point for _, e in values), 4, scale),
                    "arrayminus": rounded((e.point - e.lower for _, e in values), 4, scale),
                },
                "hovertemplate": f"%{{x}}: %{{y:.4g}} {unit}<extra>%{{fullData.name}}</extra>",
            }
        )
    layout = _layout("Parameter", f"Mean time ({unit})")
    layout["xaxis"]["type"] = ("log" if log_x else "linear") if numeric else "category"
    if log_y:
        layout["yaxis"]["type"] = "log"
    return {"data": data, "layout": layout}
