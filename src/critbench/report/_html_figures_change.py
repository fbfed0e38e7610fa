"""Charts against the baseline, after Criterion's ``both/pdf.svg`` and ``change/mean.svg``.

The overlay puts the baseline's density and mean beside the new ones; the change chart shows the bootstrap
distribution of the relative change the comparison tested, its confidence interval shaded, and the noise
threshold as a grey band, so a reader sees at once whether a change is outside the noise.
"""

from __future__ import annotations

from typing import Any

from critbench.model import BenchmarkResult, Comparison, ComparisonUnit
from critbench.model._figures import BenchmarkFigures
from critbench.report._html_figures import (
    BAND,
    BASE_BAND,
    BLUE,
    GREY,
    RED,
    Figure,
    axes,
    density,
    plotly_text,
    time_unit,
    vertical,
)


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
            density(
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
            density(
                figures.density,
                "New",
                BLUE,
                scale,
                fill="tozeroy",
                fillcolor=BAND,
                hovertemplate=f"%{{x:.4g}} {unit}<extra>new</extra>",
            )
        )
    data.append(vertical(baseline_mean_ns / scale, top, "Baseline mean", RED, unit))
    data.append(vertical(result.analysis.estimates.mean.point / scale, top, "New mean", BLUE, unit))
    return {"data": data, "layout": axes(f"Average time ({unit})", "Density (a.u.)")}


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
            density(
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
            density(
                dist,
                "Bootstrap distribution",
                BLUE,
                0.01,
                hovertemplate="%{x:.3f}%<extra>bootstrap</extra>",
            )
        )
    data.append(vertical(estimate.point * 100, top, "Point estimate", BLUE, "%"))
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
    return {"data": data, "layout": axes(f"Relative change {what} (%)", "Density (a.u.)", shapes=shapes)}
