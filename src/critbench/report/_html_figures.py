"""Plotly figure specs (``{"data": [...], "layout": {...}}``) for the HTML report's charts: what they share.

Plotly.js draws them in the browser; the chart modules only arrange prepared numbers into traces, scale them
to a display unit and round them so pages stay small. They are split by what they draw:

- ``_html_figures_sample`` — one run's samples: distribution, regression, iteration times;
- ``_html_figures_change`` — against the baseline: the overlaid densities and the change distribution;
- ``_html_figures_history`` — the typical time over stored runs;
- ``_html_figures_group`` — a group's violin plot and lines over parameters.

This module holds the colours, the rounding, the axis layout and the trace shapes all of them draw with.
Every user-written string that reaches a figure (names, branches, baselines) goes through
:func:`plotly_text`, because Plotly reads a few HTML-like tags in text.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

from critbench.model._figures import Curve, Density
from critbench.report._format import time_scale

Figure = dict[str, Any]
Trace = dict[str, Any]

BLUE = "#1f77b4"
RED = "#d62728"
ORANGE = "#ff7f0e"
GREY = "#7f7f7f"
GREEN = "#2ca02c"
BAND = "rgba(31,119,180,0.18)"
BASE_BAND = "rgba(214,39,40,0.15)"


def plotly_text(text: str) -> str:
    """``text`` shown literally by Plotly: ``&``, ``<`` and ``>`` as the entities Plotly decodes."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def time_unit(ns: float) -> tuple[float, str]:
    """The divisor and unit :func:`critbench.report._format.time` picks for a time as large as ``ns``."""
    return time_scale(abs(ns))


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


def number(value: float, scale: float = 1.0) -> float | None:
    """One value for a figure's layout or a short trace, to seven significant digits."""
    return rounded((value,), 7, scale)[0]


def axes(x_title: str, y_title: str, **extra: Any) -> dict[str, Any]:
    """A layout with titled axes and no zero lines; ``extra`` adds layout keys."""
    layout: dict[str, Any] = {
        "xaxis": {"title": {"text": x_title}, "zeroline": False},
        "yaxis": {"title": {"text": y_title}, "zeroline": False},
    }
    layout.update(extra)
    return layout


def _lines(name: str, color: str, points: dict[str, Any], extra: dict[str, Any]) -> Trace:
    """A solid line trace through ``points`` (its x and y keys); ``extra`` adds keys or replaces them."""
    trace: Trace = {"type": "scatter", "mode": "lines", "name": name, **points, "line": {"color": color, "width": 2}}
    trace.update(extra)
    return trace


def line(curve: Curve, name: str, color: str, scale_y: float, **extra: Any) -> Trace:
    """``curve`` as a line, its heights divided by ``scale_y``."""
    return _lines(name, color, {"x": rounded(curve.xs), "y": rounded(curve.ys, POSITION_DIGITS, scale_y)}, extra)


def density(density: Density, name: str, color: str, scale_x: float, **extra: Any) -> Trace:
    """A density as a line on its grid (``x0``, ``dx``), heights per display unit of x."""
    points = {
        "x0": number(density.start, scale_x),
        "dx": number(density.step, scale_x),
        "y": rounded(density.ys, DENSITY_DIGITS, 1 / scale_x),
    }
    return _lines(name, color, points, extra)


def vertical(x: float, top: float, name: str, color: str, unit: str) -> Trace:
    """A vertical line from 0 to ``top`` as a trace, so it has a legend entry and a hover value."""
    return {
        "type": "scatter",
        "mode": "lines",
        "name": name,
        "x": [number(x), number(x)],
        "y": [0, number(top)],
        "line": {"color": color, "width": 2, "dash": "dash"},
        "hovertemplate": f"{name}: %{{x:.4g}} {unit}<extra></extra>",
    }


def confidence_band(xs: Sequence[Any], lower: list[float | None], upper: list[float | None]) -> list[Trace]:
    """A shaded band between ``lower`` and ``upper`` (already scaled): two edge traces, one legend entry."""
    edge: Trace = {"type": "scatter", "mode": "lines", "name": "Confidence interval", "legendgroup": "ci"}
    invisible = {"line": {"width": 0, "color": BLUE}}
    return [
        {**edge, "showlegend": False, "x": xs, "y": lower, **invisible, "hoverinfo": "skip"},
        {**edge, "x": xs, "y": upper, **invisible, "fill": "tonexty", "fillcolor": BAND, "hoverinfo": "skip"},
    ]


def sample_markers(xs: Sequence[Any], ys: list[float | None], hovertemplate: str) -> Trace:
    """Each sample as a small blue marker."""
    return {
        "type": "scatter",
        "mode": "markers",
        "name": "Sample",
        "x": xs,
        "y": ys,
        "marker": {"color": BLUE, "size": 5},
        "hovertemplate": hovertemplate,
    }
