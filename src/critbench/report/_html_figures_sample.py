"""Charts of one run's samples, after Criterion's ``pdf.svg``, ``regression.svg`` and ``iteration_times.svg``.

The distribution shows every sample coloured by its Tukey class over the density; the regression (linear
sampling) shows total time against iterations with the slope's confidence band; the iteration times (flat
sampling) show each sample's average in the order it was taken, so drift within a run is visible.
"""

from __future__ import annotations

from typing import Any

from critbench.model import BenchmarkResult
from critbench.model._figures import BenchmarkFigures, Curve
from critbench.report._html_figures import (
    BAND,
    BLUE,
    ORANGE,
    POSITION_DIGITS,
    RED,
    Figure,
    axes,
    confidence_band,
    counts,
    density,
    line,
    number,
    rounded,
    sample_markers,
    time_unit,
    vertical,
)


def distribution(result: BenchmarkResult, figures: BenchmarkFigures) -> Figure:
    """Criterion's ``pdf.svg``: the KDE, the mean, the mild fences and every sample coloured by class."""
    assert result.analysis is not None
    analysis = result.analysis
    scale, unit = time_unit(analysis.estimates.typical.point)
    top = max(figures.density.ys, default=1 / scale) * scale
    data: list[dict[str, Any]] = []
    if figures.density.ys:
        data.append(
            density(
                figures.density,
                "PDF",
                BLUE,
                scale,
                fill="tozeroy",
                fillcolor=BAND,
                hovertemplate=f"%{{x:.4g}} {unit}<extra>PDF</extra>",
            )
        )
    data.append(vertical(analysis.estimates.mean.point / scale, top, "Mean", BLUE, unit))
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
            "x0": number(value, scale),
            "x1": number(value, scale),
            "y0": 0,
            "y1": 1,
            "line": {"color": ORANGE, "width": 1, "dash": "dot"},
        }
        for value in (fences.low_mild, fences.high_mild)
    ]
    layout = axes(
        f"Average time ({unit})",
        "Density (a.u.)",
        yaxis2={"title": {"text": "Iterations"}, "overlaying": "y", "side": "right", "showgrid": False},
        shapes=shapes,
    )
    if figures.density.ys:
        end = figures.density.start + (len(figures.density.ys) - 1) * figures.density.step
        layout["xaxis"]["range"] = [number(figures.density.start, scale), number(end, scale)]
    return {"data": data, "layout": layout}


def regression(figures: BenchmarkFigures) -> Figure:
    """Criterion's ``regression.svg``: total time against iterations, the slope's line and its CI band."""
    band = figures.regression
    totals = figures.totals
    assert band is not None
    assert totals is not None
    scale, unit = time_unit(max(totals.ys))
    data: list[dict[str, Any]] = [
        sample_markers(
            counts(totals.xs),
            rounded(totals.ys, POSITION_DIGITS, scale),
            f"%{{x}} iterations: %{{y:.4g}} {unit}<extra></extra>",
        ),
        *confidence_band(
            rounded(band.xs),
            rounded(band.lower, POSITION_DIGITS, scale),
            rounded(band.upper, POSITION_DIGITS, scale),
        ),
        line(
            Curve(band.xs, band.line),
            "Linear regression",
            BLUE,
            scale,
            hovertemplate=f"%{{x}} iterations: %{{y:.4g}} {unit}<extra>fit</extra>",
        ),
    ]
    if figures.baseline_regression is not None:
        data.append(
            line(
                figures.baseline_regression,
                "Baseline regression",
                RED,
                scale,
                line={"color": RED, "width": 2, "dash": "dash"},
                hovertemplate=f"%{{x}} iterations: %{{y:.4g}} {unit}<extra>baseline</extra>",
            )
        )
    return {"data": data, "layout": axes("Iterations", f"Total sample time ({unit})")}


def iteration_times(figures: BenchmarkFigures) -> Figure:
    """Criterion's ``iteration_times.svg`` (flat sampling): each sample's average time, in order."""
    values = figures.per_iteration_ns
    baseline_mean_ns = figures.baseline_mean_ns
    scale, unit = time_unit(max(values))
    count = len(values)
    data: list[dict[str, Any]] = [
        sample_markers(
            list(range(1, count + 1)),
            rounded(values, POSITION_DIGITS, scale),
            f"sample %{{x}}: %{{y:.4g}} {unit}<extra></extra>",
        )
    ]
    if baseline_mean_ns is not None:
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": "Baseline mean",
                "x": [1, count],
                "y": [number(baseline_mean_ns, scale)] * 2,
                "line": {"color": RED, "dash": "dash"},
                "hovertemplate": f"baseline mean: %{{y:.4g}} {unit}<extra></extra>",
            }
        )
    return {"data": data, "layout": axes("Sample", f"Average iteration time ({unit})")}
