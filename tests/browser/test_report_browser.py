"""The HTML report in a real browser: headless Chromium opens it from disk, offline, and draws every chart.

A temporary workspace is run three times with the real command and the fake timer (fast, deterministic);
the report is built from the runs' ``--json`` results (the baseline's samples and the three runs' history
included) and written to disk, then each kind of page is opened. The browser must log no error, fire no
dialog and request nothing from the network; every benchmark must be listed, each page's charts drawn,
and the parameter ``<script>alert(1)</script>`` shown as text everywhere.

Chromium comes from the system (``.ci/chromium.sh`` installs Debian's package); Playwright only drives it.
Without Chromium the tests are skipped locally, and fail on CI (``$CI`` set).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from critbench.report._html_page import benchmark_path, group_path
from critbench.testing import FakeClock
from tests.conftest import FAST_CONFIG, Workspace

SCRIPT = "<script>alert(1)</script>"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

TARGET = '''
from critbench import Bencher, Throughput, bench, group

@bench(target="2us", throughput=Throughput.elements(10))
def steady(b: Bencher) -> None:
    """Unchanged between the runs."""
    b.iter(lambda: None)

@bench
def slower(b: Bencher) -> None:
    """Slower in the later runs."""
    b.iter(lambda: None)

sizes = group("sizes", sampling_mode="flat", sample_size=20)

@sizes.bench(params=[1, 2, "<script>alert(1)</script>"])
def build(b: Bencher, n: object) -> None:
    """Parametrised, flat sampling; one parameter is an attack on the report."""
    b.iter(lambda: None)
'''

CLOCKS = [
    FakeClock(1000, seed=1),
    FakeClock(1000, {"demo/slower": 1500}, seed=2),
    FakeClock(1000, {"demo/slower": 1600}, seed=3),
]


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None and Path("/usr/bin/chromium").exists():
        found = "/usr/bin/chromium"
    if found is None:
        message = "Chromium is not installed (run .ci/chromium.sh to install Debian's chromium package)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


def _git(folder: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=critbench", "-c", "user.email=critbench@example.invalid", *args],
        cwd=folder,
        check=True,
        capture_output=True,
    )


@dataclass
class Runs:
    """Three runs of the workspace, read back from their ``--json`` documents."""

    documents: list[dict[str, Any]] = field(default_factory=list)
    output_root: Path = Path()


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Runs:
    workspace = Workspace(tmp_path_factory.mktemp("browser") / "ws")
    workspace.write("pyproject.toml", '[project]\nname = "ws"\nversion = "0.1"\n\n' + FAST_CONFIG)
    workspace.package("pkg", "pkg", {"demo": TARGET})
    has_git = shutil.which("git") is not None
    if has_git:
        _git(workspace.root, "init", "-q")
    collected = Runs()
    for index, clock in enumerate(CLOCKS):
        if has_git:
            _git(workspace.root, "commit", "-q", "--allow-empty", "-m", f"run {index + 1}")
        flags = ["--save-baseline", "base"] if index == 0 else ["--baseline", "base", "--fail-on", "never"]
        out = workspace.root / f"run{index + 1}.json"
        completed = workspace.critbench("run", *flags, "--json", str(out), fake=clock)
        assert completed.returncode == 0, completed.stderr
        collected.documents.append(json.loads(out.read_text(encoding="utf-8")))
    collected.output_root = workspace.output_root
    return collected


@pytest.fixture(scope="module")
def report(runs: Runs) -> Path:
    """The report the real `critbench run` wrote after its third run (history from its own store)."""
    folder = runs.output_root / "report"
    assert (folder / "index.html").is_file()
    return folder


@dataclass
class Visit:
    """What a page did while it loaded: console errors, uncaught errors, dialogs, network requests."""

    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = _chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        message = "Playwright is not installed (pip install -e '.[dev]')"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def open_page(browser: Any) -> Iterator[Any]:
    """Open a report file; the returned page carries a ``visit`` record checked when the test ends."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    visits: list[Visit] = []

    def open_file(path: Path) -> Any:
        page = context.new_page()
        visit = Visit()
        page.on("console", lambda message: visit.errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: visit.errors.append(str(error)))

        def dialog(d: Any) -> None:
            visit.dialogs.append(d.message)
            d.dismiss()

        page.on("dialog", dialog)
        page.on(
            "request", lambda request: None if request.url.startswith("file://") else visit.requests.append(request.url)
        )
        page.goto(path.as_uri())
        page.wait_for_load_state("load")
        visits.append(visit)
        return page

    yield open_file
    for visit in visits:
        assert visit.errors == []
        assert visit.dialogs == []
        assert visit.requests == []
    context.close()


def _wait_for_charts(page: Any, count: int) -> None:
    page.wait_for_function(
        "n => document.querySelectorAll('.js-plotly-plot .main-svg').length >= n && "
        "document.querySelectorAll('.js-plotly-plot').length >= n / 2",
        arg=count,
        timeout=15_000,
    )


def _drawn_traces(page: Any, chart: str, layer: str = "scatterlayer") -> int:
    count: int = page.evaluate(
        "([chart, layer]) => document.querySelectorAll(`#${chart} .${layer} .trace`).length", [chart, layer]
    )
    return count


def test_index_lists_every_benchmark_and_shows_the_parameter_as_text(runs: Runs, report: Path, open_page: Any) -> None:
    page = open_page(report / "index.html")
    ids = [bench["id"] for bench in runs.documents[-1]["benchmarks"]]
    assert len(ids) == 5
    listed = page.eval_on_selector_all("#benchmarks tbody tr", "rows => rows.map(r => r.dataset.id)")
    assert listed == ids
    cells = page.eval_on_selector_all("#benchmarks tbody td.id", "cells => cells.map(c => c.innerText)")
    assert f"sizes/build/{SCRIPT}" in cells
    assert page.locator("script:not([src]):not([type='application/json'])").count() == 0

    header = page.locator("#benchmarks th", has_text="Typical time")
    header.click()
    assert header.get_attribute("aria-sort") == "ascending"
    times = page.eval_on_selector_all(
        "#benchmarks tbody tr td:nth-child(3)", "cells => cells.map(c => parseFloat(c.dataset.sort))"
    )
    assert times == sorted(times)


def test_benchmark_page_draws_distribution_regression_overlay_change_and_history(report: Path, open_page: Any) -> None:
    page = open_page(report / benchmark_path("demo/steady"))
    _wait_for_charts(page, 5)
    for chart in ("chart-pdf", "chart-regression", "chart-overlay", "chart-change", "chart-history"):
        assert page.locator(f"#{chart}.js-plotly-plot .main-svg").count() >= 1, chart
        assert _drawn_traces(page, chart) >= 2, chart
    # The history chart: one point per run, three runs.
    points = page.evaluate(
        """() => {
            const chart = document.getElementById('chart-history');
            const index = chart.data.findIndex(trace => trace.name === 'Typical time');
            return chart.querySelectorAll('.scatterlayer .trace')[index].querySelectorAll('path.point').length;
        }"""
    )
    assert points == 3
    assert page.locator("table.statistics th", has_text="Slope").count() == 1
    assert page.locator("th", has_text="Change in throughput").count() == 1
    # A chart's tools: save, zoom and reset; nothing that would send an offline report to a web service.
    tools = page.eval_on_selector_all("#chart-pdf .modebar-btn", "buttons => buttons.map(b => b.dataset.title)")
    assert sorted(tools) == ["Download plot as a PNG", "Reset axes", "Zoom"]


def test_parametrised_page_shows_its_iteration_times_and_its_id_as_text(report: Path, open_page: Any) -> None:
    page = open_page(report / benchmark_path(f"sizes/build/{SCRIPT}"))
    _wait_for_charts(page, 5)
    assert page.locator("h1").inner_text() == f"sizes/build/{SCRIPT}"
    assert page.title().startswith(f"sizes/build/{SCRIPT}")
    for chart in ("chart-pdf", "chart-iterations", "chart-overlay", "chart-change", "chart-history"):
        assert _drawn_traces(page, chart) >= 1, chart
    assert page.locator("#chart-regression").count() == 0


def test_group_page_draws_violins_and_lines_with_names_as_text(report: Path, open_page: Any) -> None:
    page = open_page(report / group_path("sizes"))
    _wait_for_charts(page, 2)
    assert _drawn_traces(page, "chart-violin", "violinlayer") == 3
    labels = page.eval_on_selector_all("#chart-violin .ytick text", "ticks => ticks.map(t => t.textContent)")
    assert f"build/{SCRIPT}" in labels
    assert _drawn_traces(page, "chart-lines") == 1
    ticks = page.eval_on_selector_all("#chart-lines .xtick text", "ticks => ticks.map(t => t.textContent)")
    assert SCRIPT in ticks
    rows = page.eval_on_selector_all("#members td.id", "cells => cells.map(c => c.innerText)")
    assert f"sizes/build/{SCRIPT}" in rows


def test_history_page_draws_three_runs_and_switches_benchmark(report: Path, open_page: Any) -> None:
    page = open_page(report / "history.html")
    _wait_for_charts(page, 1)
    assert _drawn_traces(page, "history-chart") >= 3
    ticks = page.eval_on_selector_all("#history-chart .xtick text", "ticks => ticks.map(t => t.textContent)")
    assert len(ticks) == 3
    options = page.eval_on_selector_all("#history-select option", "options => options.map(o => o.textContent)")
    assert f"sizes/build/{SCRIPT}" in options
    page.select_option("#history-select", label=f"sizes/build/{SCRIPT}")
    page.wait_for_timeout(100)
    assert _drawn_traces(page, "history-chart") >= 3
    assert page.locator("#runs tbody tr").count() == 3
