"""Terminal, JSON, HTML and Markdown renderers: finished records in, text out; they compute nothing."""

from critbench.report._bisect import (
    render_bisect_answer,
    render_bisect_candidates,
    render_bisect_header,
    render_bisect_irregular,
    render_bisect_step,
)
from critbench.report._html import render_html_report
from critbench.report._json import results_document
from critbench.report._markdown import render_markdown, render_step_summary
from critbench.report._progress import ProgressReporter
from critbench.report._summary import render_benchmark_warnings, render_stability, render_summary, render_warnings
from critbench.report._terminal import OutputFormat, Style, render_bencher, render_result, target_line

__all__ = [
    "OutputFormat",
    "ProgressReporter",
    "Style",
    "render_bencher",
    "render_benchmark_warnings",
    "render_bisect_answer",
    "render_bisect_candidates",
    "render_bisect_header",
    "render_bisect_irregular",
    "render_bisect_step",
    "render_html_report",
    "render_markdown",
    "render_result",
    "render_stability",
    "render_step_summary",
    "render_summary",
    "render_warnings",
    "results_document",
    "target_line",
]
