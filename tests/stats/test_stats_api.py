"""The public face of critbench.stats, and the layer's import rules."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import critbench.stats

PUBLIC = {
    "CACHE_EVENTS",
    "SETTLE_MARGIN",
    "floor_dominates",
    "analyze_counts",
    "agreeing_layouts",
    "compare_counts",
    "cycle_estimate",
    "layout_spread",
    "paired_spread",
    "per_process_counts",
    "MAD_NORMAL_SCALE",
    "MIN_PROCESSES",
    "ProcessChange",
    "compare_processes",
    "compare_paired",
    "density_curve",
    "SampleChange",
    "sample_change",
    "through_origin_slope",
    "paired_units",
    "regularized_incomplete_beta",
    "t_two_sided_p",
    "detectable_change",
    "faster_half",
    "history_noise_floor",
    "process_estimates",
    "OutlierClass",
    "analyze_samples",
    "benjamini_hochberg",
    "classify_outliers",
    "compare_samples",
    "gaussian_kde",
    "make_rng",
    "percentile_interval",
    "silverman_bandwidth",
    "through_origin_r_squared",
    "tukey_fences",
    "welch_t",
    "COARSE_DRIFTING_NOISE_FLOOR",
    "COARSE_NOISE_FLOOR",
    "COARSE_WINDOW_NOISE_FLOOR",
    "MIN_SAMPLES_TO_TEST",
    "compare_runs",
    "t_critical",
    "MEMORY_BOUND_NOISE_FLOOR",
    "window_estimates",
    "window_gap",
    "window_noise_floor",
    "drifts",
    "process_spread",
    "time_beyond_windows",
}


def test_all_is_exactly_the_public_names() -> None:
    assert set(critbench.stats.__all__) == PUBLIC
    assert len(critbench.stats.__all__) == len(PUBLIC)
    # "@py_builtins" and "@pytest_ar" are pytest's assertion rewriting, which reaches critbench's modules because
    # critbench is also a pytest plugin.
    public_attributes = {name for name in vars(critbench.stats) if not name.startswith(("_", "@"))}
    assert public_attributes == PUBLIC


def test_the_stats_modules_import_only_numpy_the_standard_library_and_the_model() -> None:
    allowed_roots = set(sys.stdlib_module_names) | {"numpy"}
    package_dir = Path(critbench.stats.__file__).parent
    for path in sorted(package_dir.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                ok = name.split(".")[0] in allowed_roots or name.startswith(("critbench.model", "critbench.stats"))
                assert ok, f"{path.name} imports {name}"


def test_importing_stats_does_not_import_scipy() -> None:
    code = "import sys, critbench.stats; print('scipy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
