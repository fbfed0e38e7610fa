"""Terminal, JSON, HTML and Markdown renderers: finished records in, text out; they compute nothing."""

from critbench.report._json import results_document
from critbench.report._progress import ProgressReporter
from critbench.report._terminal import OutputFormat, Style, render_bencher, render_result, render_summary, target_line

__all__ = [
    "OutputFormat",
    "ProgressReporter",
    "Style",
    "render_bencher",
    "render_result",
    "render_summary",
    "results_document",
    "target_line",
]
