"""pytest-benchmark's flags with their meaning, and critbench's own, on the fake clock.

A comparison's golden output shows the verdict lines and the summary; ``--benchmark-compare-fail`` exits 1
only on a regression critbench's test finds significant and beyond the threshold.
"""

from __future__ import annotations

from pathlib import Path

from critbench.model import LAST_RUN
from critbench.testing import FakeClock
from tests.pytest_plugin.conftest import Project, assert_golden

TESTS = """
    import pytest

    import mylib


    @pytest.mark.parametrize("n", [10, 1000])
    def test_work(benchmark, n):
        assert benchmark(mylib.work, n) >= 0


    def test_sorting(benchmark):
        benchmark(sorted, [3, 1, 2])


    def test_plain():
        assert mylib.work(3) == 3
"""

LIB = """
    def work(n):
        return sum(range(n))
"""

SAME = FakeClock(default_ns=1000.0)
SLOWER = FakeClock(default_ns=1000.0, costs_ns={"test_work/test_work/1000": 2000.0})
A_BIT_SLOWER = FakeClock(default_ns=1000.0, costs_ns={"test_work/test_work/1000": 1030.0})


def _project(project: Project) -> Project:
    project.write("mylib.py", LIB)
    project.write("test_work.py", TESTS)
    return project


def test_autosave_then_compare_fail_passes_unchanged_code_and_fails_a_doubling(project: Project) -> None:
    _project(project)
    saved = project.pytest("-q", "--benchmark-autosave", fake=SAME)
    assert saved.returncode == 0, saved.stdout + saved.stderr
    (name,) = [p.name for p in project.output_root.iterdir() if not p.name.startswith(".") and p.name != "report"]
    assert name.startswith("0001_"), name
    assert (project.output_root / ".gitignore").read_text().splitlines()[-1] == "*"

    same = project.pytest("-q", "--benchmark-compare", "--benchmark-compare-fail=mean:5%", fake=SAME)
    assert same.returncode == 0, same.stdout
    assert "vs 0001_" in same.stdout
    assert "0 regressed" in same.stdout

    small = project.pytest("-q", "--benchmark-compare=1", "--benchmark-compare-fail=mean:5%", fake=A_BIT_SLOWER)
    assert small.returncode == 0, "3% slower is not beyond mean:5%, whatever its significance"

    slower = project.pytest("-q", "--benchmark-compare=0001", "--benchmark-compare-fail=mean:5%", fake=SLOWER)
    assert slower.returncode == 1, slower.stdout
    assert_golden("compare_fail.txt", slower.normalized)


def test_save_names_and_critbench_baselines(project: Project) -> None:
    _project(project)
    first = project.pytest("-q", "--benchmark-save=before", "--critbench-save-baseline", "mine", fake=SAME)
    assert first.returncode == 0, first.stdout + first.stderr
    names = sorted(p.name for p in project.output_root.iterdir() if not p.name.startswith("."))
    assert names == ["0001_before", "mine", "report"]

    gated = project.pytest("-q", "--critbench-baseline", "mine", fake=SLOWER)
    assert gated.returncode == 1, "--critbench-baseline gates on a regression, as critbench run --baseline does"
    assert "Performance has regressed." in gated.stdout

    missing = project.pytest("-q", "--critbench-baseline", "nope", fake=SAME)
    assert missing.returncode == 4, missing.stdout  # pytest's usage error
    assert "Baseline 'nope' must exist" in missing.stderr


def test_compare_fail_without_anything_to_compare_with_is_a_usage_error(project: Project) -> None:
    _project(project)
    session = project.pytest("-q", "--benchmark-compare-fail=mean:5%", fake=SAME)
    assert session.returncode == 4
    assert "--benchmark-compare-fail requires --benchmark-compare" in session.stderr


def test_only_skip_and_disable(project: Project) -> None:
    _project(project)
    only = project.pytest("-q", "-rs", "--benchmark-only", fake=SAME)
    assert only.returncode == 0
    assert "Skipping non-benchmark (--benchmark-only active)" in only.stdout
    assert "3 passed, 1 skipped" in only.stdout

    measured = (project.output_root / ".last" / "run.json").stat().st_mtime_ns

    skip = project.pytest("-q", "-rs", "--benchmark-skip", fake=SAME)
    assert "1 passed, 3 skipped" in skip.stdout
    assert "Summary:" not in skip.stdout

    disabled = project.pytest("-q", "--benchmark-disable")
    assert disabled.returncode == 0
    assert "4 passed" in disabled.stdout
    assert "Summary:" not in disabled.stdout
    assert (project.output_root / ".last" / "run.json").stat().st_mtime_ns == measured, "nothing measured or saved"


def test_display_flags(project: Project) -> None:
    _project(project)
    session = project.pytest(
        "-q",
        "--benchmark-group-by=func",
        "--benchmark-columns=min,mean,rounds",
        "--benchmark-sort=name",
        "--benchmark-time-unit=us",
        "--benchmark-name=short",
        fake=SAME,
    )
    assert session.returncode == 0, session.stdout + session.stderr
    assert_golden("display_flags.txt", session.normalized)


def test_critbench_json_and_no_report(project: Project) -> None:
    _project(project)
    session = project.pytest("-q", "--critbench-json=results.json", "--critbench-noplot", fake=SAME)
    assert session.returncode == 0
    document = project.json("results.json")
    assert document["kind"] == "critbench-results"
    assert [b["id"] for b in document["benchmarks"]] == [
        "test_work/test_work/10",
        "test_work/test_work/1000",
        "test_work/test_sorting",
    ]
    assert not (project.output_root / "report").exists()


def _save_counted(root: Path, name: str) -> None:
    """A baseline of instruction counts, as ``critbench run --measure instructions`` saves one."""
    from critbench.compare import analyze
    from critbench.model import (
        BenchmarkId,
        BenchmarkInfo,
        Environment,
        Measure,
        RunRecord,
        Samples,
        SamplingMode,
        Settings,
        to_data,
    )
    from critbench.storage import BaselineStore, StoredBenchmark

    settings = Settings(measure=Measure.INSTRUCTIONS)
    info = BenchmarkInfo(BenchmarkId("test_work", "test_sorting"), settings=settings, package="proj", bench_target="t")
    samples = Samples(SamplingMode.LINEAR, (10.0, 20.0, 30.0), (1100.0, 2100.0, 3100.0), (0, 0, 0), unit="instructions")
    record = RunRecord(
        "2024-01-01T00:00:00+00:00", "2024-01-01T00:00:01+00:00", Environment(), settings=to_data(settings)
    )
    analysis = analyze(samples, 2000, 0.95, 0, "test_work/test_sorting")
    BaselineStore(root).save(name, record, [StoredBenchmark(info, samples, analysis)])


def test_a_baseline_of_instruction_counts_is_refused_and_a_counted_last_run_passed_over(project: Project) -> None:
    _project(project)
    _save_counted(project.output_root, "counted")
    refused = project.pytest("-q", "--critbench-baseline", "counted", fake=SAME)
    assert refused.returncode == 4, refused.stdout  # pytest's usage error, before anything is measured
    assert "baseline 'counted' holds instruction counts" in refused.stderr
    assert "a pytest session times its tests" in refused.stderr
    _save_counted(project.output_root, "0001_counted")
    compared = project.pytest("-q", "--benchmark-compare=1", fake=SAME)
    assert compared.returncode == 4, compared.stdout
    assert "baseline '0001_counted' holds instruction counts" in compared.stderr
    _save_counted(project.output_root, LAST_RUN)
    plain = project.pytest("-q", fake=SAME)
    assert plain.returncode == 0, plain.stdout + plain.stderr
    assert "change:" not in plain.stdout, "the previous run counted instructions: nothing is compared with it"
