"""The history chart: a benchmark's typical time over the stored runs, as asv draws it.

Each run is a point at its commit, with the typical time's confidence band around the line, so a step
that stays outside the band is a real change and a wiggle inside it is noise; saved baselines are starred.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from critbench.model import Estimate, HistoryPoint, Verdict
from critbench.report._format import value_scale
from critbench.report._html_figures import (
    BLUE,
    ORANGE,
    POSITION_DIGITS,
    Figure,
    axes,
    confidence_band,
    number,
    plotly_text,
    rounded,
)


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

    Branches and the baselines each run compared with are in the history page's table of runs. A benchmark
    measured both ways (wall time, instructions) is drawn in the unit of its last run, with the runs in it.
    """
    measured_in = points[-1].unit if points else "ns"
    points = [p for p in points if p.unit == measured_in]
    scale, unit = value_scale(max((p.typical.point for p in points), default=1.0), measured_in)
    label = "Instructions per iteration" if measured_in == "instructions" else "Typical time"
    xs = list(range(len(points)))
    estimates: list[Estimate] = [p.typical for p in points]
    labels = [plotly_text(history_label(p)) for p in points]
    data: list[dict[str, Any]] = [
        *confidence_band(
            xs,
            rounded((e.lower for e in estimates), POSITION_DIGITS, scale),
            rounded((e.upper for e in estimates), POSITION_DIGITS, scale),
        ),
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": label,
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
                "y": [number(p.typical.point, scale) for _, p in saved],
                "text": [plotly_text(p.saved_as or "") for _, p in saved],
                "textposition": "top center",
                "marker": {"symbol": "star", "size": 14, "color": ORANGE, "line": {"width": 1, "color": "#333"}},
                "hovertemplate": "baseline %{text}<extra></extra>",
            }
        )
    layout = axes("Run (commit)", f"{label} ({unit})")
    layout["xaxis"].update(tickmode="array", tickvals=xs, ticktext=labels)
    return {"data": data, "layout": layout}
