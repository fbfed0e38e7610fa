"""A group's charts, after Criterion's group ``violin.svg`` and ``lines.svg``.

The violin plot puts the group's benchmarks side by side, every sample shown; the lines follow each
function's mean over its parameter (input size, say), so how a cost scales is visible at a glance. Axes turn
logarithmic when the values span two decades, or the small ones would be flattened against the axis.
"""

from __future__ import annotations

from collections.abc import Sequence

from critbench.model import Estimate
from critbench.report._format import value_scale
from critbench.report._html_figures import POSITION_DIGITS, Figure, axes, plotly_text, rounded


def wide(values: Sequence[float]) -> bool:
    """Whether positive ``values`` span two decades or more, so a logarithmic axis shows them all."""
    return bool(values) and min(values) > 0 and max(values) >= 100 * min(values)


def violin(
    members: Sequence[tuple[str, Sequence[float]]], unit_ns: float, *, log: bool, measured_in: str = "ns"
) -> Figure:
    """Criterion's group ``violin.svg``: one violin of per-iteration times per benchmark, raw points shown.

    The first benchmark is at the top; the time axis is logarithmic when ``log``. Counted benchmarks
    (``measured_in="instructions"``) show one point per heap layout.
    """
    scale, unit = value_scale(unit_ns, measured_in)
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
    title = "Instructions per iteration" if measured_in == "instructions" else "Average time"
    layout = axes(f"{title} ({unit})", "", showlegend=False, height=max(320, 120 + 70 * len(members)))
    layout["yaxis"].update(automargin=True, type="category", autorange="reversed")
    if log:
        layout["xaxis"]["type"] = "log"
    return {"data": data, "layout": layout}


def parameter_lines(
    series: Sequence[tuple[str, Sequence[tuple[str, Estimate]]]],
    *,
    numeric: bool,
    log_x: bool,
    log_y: bool,
    measured_in: str = "ns",
) -> Figure:
    """Criterion's group ``lines.svg``: each function's mean (with its CI) over the parameter.

    Numeric parameters get a numeric axis (logarithmic when ``log_x``), others a categorical one.
    """
    top = max((e.point for _, values in series for _, e in values), default=1.0)
    scale, unit = value_scale(top, measured_in)
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
    layout = axes("Parameter", f"{'Instructions' if measured_in == 'instructions' else 'Mean time'} ({unit})")
    layout["xaxis"]["type"] = ("log" if log_x else "linear") if numeric else "category"
    if log_y:
        layout["yaxis"]["type"] = "log"
    return {"data": data, "layout": layout}
