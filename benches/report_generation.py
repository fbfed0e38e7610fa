"""The cost of the HTML report for a large suite: 500 benchmarks × 100 samples, figures and pages.

``html_500x100`` times what a user waits for after a run: preparing every chart's data (densities, outlier
classes, fits, change distributions, stability) and rendering every page. The input is synthetic and
seeded, with a baseline comparison for every benchmark and 30 stored runs of history (as many as a history
chart shows, so the pages are as large as they get).

Run as a script (``.venv/bin/python benches/report_generation.py``) it prints the wall time of one full
report and the size of the folder it makes; docs/reports.md records both.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from critbench import Bencher, group
from critbench.compare import analyze, assess_target, judge
from critbench.compare._figures import prepare_report
from critbench.model import (
    BenchmarkId,
    BenchmarkInfo,
    BenchmarkResult,
    Environment,
    Estimate,
    HistoryPoint,
    RunRecord,
    Samples,
    SamplingMode,
    Settings,
    Verdict,
)
from critbench.model._figures import ReportInput
from critbench.report._html import render_html_report
from critbench.stats import compare_samples, make_rng

BENCHMARKS = 500
SAMPLES = 100
RUNS = 30
GROUP_SIZE = 10
_ANALYSIS_RESAMPLES = 1000
"""Resamples for the synthetic estimates (set-up only: the report renders them, whatever their count)."""

report = group(
    "report_generation", sample_size=10, sampling_mode="flat", warm_up_time="2s", measurement_time="30s", processes=2
)


@dataclass(frozen=True)
class SyntheticSuite:
    """A finished run of a large synthetic suite, everything the report builder needs."""

    run: RunRecord
    results: tuple[BenchmarkResult, ...]
    baseline: dict[str, Samples]
    history: dict[str, tuple[HistoryPoint, ...]]


def _samples(rng: np.random.Generator, cost_ns: float, count: int) -> Samples:
    iters = np.arange(1, count + 1, dtype=float)
    times = iters * cost_ns * rng.lognormal(0.0, 0.03, count)
    times[rng.choice(count, size=3, replace=False)] *= 1.3  # a few slow samples, so outliers show
    return Samples(SamplingMode.LINEAR, tuple(iters.tolist()), tuple(times.tolist()), (0,) * count)


def _history(rng: np.random.Generator, typical: Estimate, runs: int) -> tuple[HistoryPoint, ...]:
    points = []
    for run in range(runs):
        factor = 1.0 if run == runs - 1 else float(rng.normal(1.0, 0.03))
        estimate = Estimate(
            point=typical.point * factor,
            lower=typical.lower * factor,
            upper=typical.upper * factor,
            standard_error=typical.standard_error * factor,
            confidence_level=typical.confidence_level,
        )
        points.append(
            HistoryPoint(
                run_id=run + 1,
                started_at=f"2026-10-{run + 1:02d}T10:00:00+00:00",
                git_commit=f"{run + 1:040x}",
                git_branch="main",
                git_dirty=False,
                typical=estimate,
                saved_as="base" if run == 0 else None,
                compared_with=None if run == 0 else "base",
                verdict=None if run == 0 else Verdict.NO_CHANGE,
            )
        )
    return tuple(points)


def synthetic_suite(
    benchmarks: int = BENCHMARKS, samples: int = SAMPLES, runs: int = RUNS, seed: int = 0
) -> SyntheticSuite:
    """Seeded results of ``benchmarks`` parametrised benchmarks in groups of ten, compared with a baseline."""
    rng = np.random.default_rng(seed)
    settings = Settings()
    results = []
    baseline = {}
    history = {}
    for index in range(benchmarks):
        benchmark_id = BenchmarkId(
            f"group_{index // GROUP_SIZE:03d}", f"fn_{index % 2}", str(2 ** ((index % GROUP_SIZE) // 2))
        )
        key = benchmark_id.full_id
        cost = float(10 ** rng.uniform(2, 7))
        new = _samples(rng, cost, samples)
        base = _samples(rng, cost * float(rng.normal(1.0, 0.03)), samples)
        analysis = analyze(new, _ANALYSIS_RESAMPLES, 0.95, 0, key)
        change = compare_samples(
            np.asarray(new.per_iteration_ns),
            np.asarray(base.per_iteration_ns),
            nresamples=_ANALYSIS_RESAMPLES,
            confidence_level=0.95,
            rng=make_rng(0, key),
        )
        target = None
        if index % 5 == 0:
            target = assess_target("time", cost * float(rng.uniform(0.7, 3.0)), analysis.estimates.typical.point)
        info = BenchmarkInfo(id=benchmark_id, description=f"Synthetic benchmark {index}.", settings=settings)
        results.append(
            BenchmarkResult(
                info=info,
                samples=new,
                analysis=analysis,
                comparison=judge(change, settings, "base"),
                time_target=target,
            )
        )
        baseline[key] = base
        history[key] = _history(rng, analysis.estimates.typical, runs)
    environment = Environment(
        python="3.11.7",
        implementation="CPython",
        platform="Linux 6.1",
        machine="x86_64",
        cpu_model="Synthetic CPU",
        cpu_count=2,
        hostname="bench",
        git_commit="5" * 40,
        git_branch="main",
        git_dirty=False,
        critbench_version="0.1.0",
    )
    run = RunRecord(
        started_at="2026-11-05T10:00:00+00:00",
        finished_at="2026-11-05T10:05:00+00:00",
        environment=environment,
        command="critbench run --baseline base",
        compared_with="base",
    )
    return SyntheticSuite(run, tuple(results), baseline, history)


def report_input(suite: SyntheticSuite) -> ReportInput:
    """The report's input with every chart's data prepared, as the CLI builds it after a run."""
    return prepare_report(
        suite.run,
        suite.results,
        baseline_name="base",
        baseline_samples=suite.baseline,
        history=suite.history,
    )


def full_report(suite: SyntheticSuite) -> dict[str, bytes]:
    """Figures and pages: everything between a finished run and the report's files."""
    return render_html_report(report_input(suite))


@report.bench(target="10s")
def html_500x100(b: Bencher) -> None:
    """The whole HTML report of 500 benchmarks × 100 samples: chart data, then every page."""
    suite = synthetic_suite()
    b.iter(lambda: full_report(suite))


def main() -> None:
    suite = synthetic_suite()
    started = time.perf_counter()
    files = full_report(suite)
    elapsed = time.perf_counter() - started
    size = sum(len(content) for content in files.values())
    print(f"{BENCHMARKS} benchmarks × {SAMPLES} samples: {len(files)} files, {size / 1e6:.1f} MB, {elapsed:.2f} s")


if __name__ == "__main__":
    main()
