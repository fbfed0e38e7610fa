"""The HTML report's files: every page, safe names, every user string escaped, charts' data, offline assets.

The input is built from synthetic samples through the real analysis (``compare.evaluate``) and figure
preparation, so the pages show what a run would show. Browser checks are in tests/browser/.
"""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any

import numpy as np
import pytest

from critbench.compare import evaluate
from critbench.compare._figures import prepare_report
from critbench.model import (
    BenchmarkId,
    BenchmarkInfo,
    BenchmarkResult,
    Estimate,
    Failure,
    FailureKind,
    HistoryPoint,
    MemoryUsage,
    Samples,
    SamplingMode,
    Settings,
    Throughput,
    Verdict,
)
from critbench.model._figures import ReportInput
from critbench.report._html import PLOTLY_ASSET, plotly_bundle, render_html_report
from critbench.report._html_page import benchmark_path, group_path, script_json, slug
from tests.report.test_markdown import run_record

SCRIPT = "<script>alert(1)</script>"
EVIL_GROUP = 'grp "quoted" & <i onmouseover=alert(5)>'
EVIL_DESCRIPTION = "<img src=x onerror=alert(3)>"
EVIL_REASON = "raised ValueError: </script><script>alert(2)</script>"
EVIL_BRANCH = "<b>evil</b>"
SETTINGS = Settings(nresamples=500, processes=1)


def samples(cost_ns: float, *, seed: int, mode: SamplingMode = SamplingMode.LINEAR, processes: int = 1) -> Samples:
    rng = np.random.default_rng(seed)
    count = 20
    iters = np.arange(1, count + 1, dtype=float) * (10 if mode is SamplingMode.LINEAR else 1)
    if mode is SamplingMode.FLAT:
        iters[:] = 50
    times = iters * cost_ns * rng.lognormal(0.0, 0.02, count)
    times[3] *= 1.5  # one clear outlier
    process = tuple(i % processes for i in range(count))
    return Samples(mode, tuple(iters.tolist()), tuple(times.tolist()), process, overhead_ns=1.0)


def info(benchmark_id: BenchmarkId, **extra: Any) -> BenchmarkInfo:
    return BenchmarkInfo(id=benchmark_id, settings=SETTINGS, package="pkg", bench_target="target", **extra)


def history_of(typical_ns: float) -> tuple[HistoryPoint, ...]:
    return tuple(
        HistoryPoint(
            run_id=run,
            started_at=f"2026-11-2{run}T07:00:00+00:00",
            git_commit=f"{run}" * 40,
            git_branch=EVIL_BRANCH,
            git_dirty=run == 3,
            typical=Estimate(typical_ns * factor, typical_ns * factor * 0.99, typical_ns * factor * 1.01, 1.0, 0.95),
            saved_as="base" if run == 1 else None,
            compared_with=None if run == 1 else "base",
            verdict=None if run == 1 else Verdict.NO_CHANGE,
        )
        for run, factor in ((1, 1.0), (2, 1.02), (3, 1.01))
    )


def report_input() -> ReportInput:
    linear = BenchmarkId("group", "linear")
    flat = BenchmarkId(EVIL_GROUP, "flat", SCRIPT)
    by_process = BenchmarkId("group", "by_process")
    fresh = BenchmarkId("group", "fresh")
    sized = [BenchmarkId("sizes", "sort", str(n)) for n in (1, 10, 100)]
    measured = [
        BenchmarkResult(
            info=info(linear, description=EVIL_DESCRIPTION, target_ns=2000.0, throughput=Throughput.bytes(1024)),
            samples=samples(1000, seed=1),
            memory=MemoryUsage(peak_rss_bytes=30_000_000, allocated_per_iteration_bytes=512),
        ),
        BenchmarkResult(info=info(flat), samples=samples(500, seed=2, mode=SamplingMode.FLAT)),
        BenchmarkResult(info=info(by_process), samples=samples(800, seed=3, processes=5)),
        BenchmarkResult(info=info(fresh), samples=samples(300, seed=4)),
        *(
            BenchmarkResult(info=info(bid), samples=samples(100 * float(bid.parameter or 1), seed=10 + i))
            for i, bid in enumerate(sized)
        ),
        BenchmarkResult(
            info=info(BenchmarkId("group", "broken")),
            failure=Failure(FailureKind.ERROR, EVIL_REASON, detail="Traceback: <script>alert(4)</script>"),
        ),
    ]
    baseline = {
        linear.full_id: samples(800, seed=21),
        flat.full_id: samples(500, seed=22, mode=SamplingMode.FLAT),
        by_process.full_id: samples(800, seed=23, processes=5),
        **{bid.full_id: samples(100 * float(bid.parameter or 1), seed=30 + i) for i, bid in enumerate(sized)},
    }
    evaluation = evaluate(measured, baseline, "base")
    results = evaluation.results
    history = {r.id.full_id: history_of(r.analysis.estimates.typical.point) for r in results if r.analysis is not None}
    return prepare_report(
        run_record("base"),
        results,
        baseline_name="base",
        baseline_samples=baseline,
        change_draws=evaluation.change_draws,
        history=history,
    )


@pytest.fixture(scope="module")
def data() -> ReportInput:
    return report_input()


@pytest.fixture(scope="module")
def files(data: ReportInput) -> dict[str, bytes]:
    return render_html_report(data)


def pages(files: dict[str, bytes]) -> dict[str, str]:
    return {path: content.decode("utf-8") for path, content in files.items() if path.endswith(".html")}


def page_data(html: str) -> Any:
    match = re.search(r'<script type="application/json" id="critbench-data">(.*?)</script>', html, re.S)
    assert match is not None
    return json.loads(match.group(1))


def strings(value: Any) -> list[str]:
    """Every string inside a JSON value, keys included."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for key, item in value.items() for s in (key, *strings(item))]
    if isinstance(value, list):
        return [s for item in value for s in strings(item)]
    return []


def test_the_report_has_an_index_a_page_per_benchmark_and_group_and_its_assets(
    data: ReportInput, files: dict[str, bytes]
) -> None:
    expected = {"index.html", "history.html", PLOTLY_ASSET, "assets/report.css", "assets/report.js"}
    expected |= {benchmark_path(r.id.full_id) for r in data.results}
    expected |= {group_path(r.id.group) for r in data.results}
    assert set(files) == expected
    for path in files:
        assert re.fullmatch(r"(index|history)\.html|(benchmarks|groups)/[A-Za-z0-9_-]+\.html|assets/[a-z.]+", path)
    assert files[PLOTLY_ASSET] == plotly_bundle()
    assert files[PLOTLY_ASSET].lstrip().startswith(b"/**\n* plotly.js")


def test_slugs_are_safe_file_names_and_tell_similar_ids_apart() -> None:
    names = ["a/b", "a_b", "a-b", "A/b", "../../etc/passwd", SCRIPT, "x" * 300, "é/ü", ""]
    slugs = [slug(name) for name in names]
    assert len(set(slugs)) == len(names)
    assert len({s.lower() for s in slugs}) == len(names)  # distinct on case-insensitive file systems too
    for made in slugs:
        assert re.fullmatch(r"[A-Za-z0-9_-]{1,48}-[0-9a-f]{10}", made)
    assert slug("group/function") == slug("group/function")


def test_script_json_cannot_end_its_script_element() -> None:
    text = script_json({"name": "</script><!-- & \u2028"})
    assert "<" not in text
    assert ">" not in text
    assert "&" not in text
    assert json.loads(text) == {"name": "</script><!-- & \u2028"}


def test_every_user_string_is_escaped_on_every_page(files: dict[str, bytes]) -> None:
    for path, html in pages(files).items():
        for raw in (SCRIPT, "<script>alert(2)", "<script>alert(4)", EVIL_DESCRIPTION, EVIL_BRANCH, "<i onmouseover"):
            assert raw not in html, f"{raw!r} unescaped in {path}"
        # The only scripts are the two assets and the JSON data block.
        scripts = re.findall(r"<script\b[^>]*>", html)
        assert all('src="' in tag or 'type="application/json"' in tag for tag in scripts), (path, scripts)
    index = pages(files)["index.html"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in index
    assert "grp &#34;quoted&#34; &amp; &lt;i onmouseover=alert(5)&gt;" in index


def test_strings_handed_to_plotly_are_entity_escaped(data: ReportInput, files: dict[str, bytes]) -> None:
    """Plotly reads tags such as <b> in text; user strings reach it as entities, which it shows literally."""
    for path, html in pages(files).items():
        for text in strings(page_data(html)):
            for raw in (SCRIPT, EVIL_BRANCH, "<i onmouseover"):
                assert raw not in text, f"{raw!r} reaches Plotly unescaped in {path}"
    group = page_data(pages(files)[group_path(EVIL_GROUP)])
    names = [trace["name"] for trace in group["figures"]["violin"]["data"]]
    assert names == ["flat/&lt;script&gt;alert(1)&lt;/script&gt;"]


def test_pages_work_offline_with_relative_assets(files: dict[str, bytes]) -> None:
    for path, html in pages(files).items():
        assert not re.search(r"https?://", html), f"{path} refers to the network"
        root = "../" if "/" in path else ""
        assert f'href="{root}assets/report.css"' in html
        assert f'src="{root}assets/report.js"' in html
    benchmark = pages(files)[benchmark_path("group/linear")]
    assert 'src="../assets/plotly.min.js"' in benchmark
    assert "plotly.min.js" not in pages(files)["index.html"]  # the index draws no charts: it loads fast


def test_index_lists_every_benchmark_with_links_time_change_target_and_memory(
    data: ReportInput, files: dict[str, bytes]
) -> None:
    index = pages(files)["index.html"]
    for result in data.results:
        assert f'href="{benchmark_path(result.id.full_id)}"' in index
        assert f'href="{group_path(result.id.group)}"' in index
    assert "FAILED: raised ValueError: &lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt;" in index
    assert "Performance has regressed." in index
    assert "30.0 MB peak" in index
    assert re.search(r"(EXCELLENT|MET|CLOSE|MISS) \([0-9.]+x (better|over)\)", index)
    assert 'class="sortable"' in index
    assert "Compared with</dt><dd>base</dd>" in index


def test_benchmark_pages_get_the_charts_their_sampling_and_comparison_call_for(
    data: ReportInput, files: dict[str, bytes]
) -> None:
    def charts(full_id: str) -> dict[str, Any]:
        figures: dict[str, Any] = page_data(pages(files)[benchmark_path(full_id)])["figures"]
        return figures

    assert set(charts("group/linear")) == {"pdf", "regression", "overlay", "change", "history"}
    assert set(charts(f"{EVIL_GROUP}/flat/{SCRIPT}")) == {"pdf", "iterations", "overlay", "change", "history"}
    assert set(charts("group/fresh")) == {"pdf", "regression", "history"}
    assert charts("group/broken") == {}

    pdf = charts("group/linear")["pdf"]
    names = [trace["name"] for trace in pdf["data"]]
    assert names[:2] == ["PDF", "Mean"]
    assert "Clean sample" in names
    assert "Severe outliers" in names
    history = charts("group/linear")["history"]
    typical = next(trace for trace in history["data"] if trace["name"] == "Typical time")
    assert typical["x"] == [0, 1, 2]
    assert history["layout"]["xaxis"]["ticktext"] == ["1111111", "2222222", "3333333*"]
    by_process = charts("group/by_process")["change"]
    assert "faster processes" in by_process["layout"]["xaxis"]["title"]["text"]


def test_benchmark_page_tables(files: dict[str, bytes]) -> None:
    page = pages(files)[benchmark_path("group/linear")]
    for row in ("Slope", "Throughput", "R²", "Mean", "Std. Dev.", "Median", "MAD"):
        assert f"<th>{row}</th>" in page
    for row in ("Change in mean", "Change in median", "Change in throughput"):
        assert f"<th>{row}</th>" in page
    assert "&lt;img src=x onerror=alert(3)&gt;" in page
    assert "peak RSS 30.0 MB, 512 B allocated per iteration" in page
    assert "Typical time</td>" in page  # the target row
    broken = pages(files)[benchmark_path("group/broken")]
    assert "<strong>FAILED</strong> (error)" in broken
    assert "Traceback: &lt;script&gt;alert(4)&lt;/script&gt;" in broken


def test_group_page_draws_a_violin_and_lines_over_a_numeric_parameter(files: dict[str, bytes]) -> None:
    figures = page_data(pages(files)[group_path("sizes")])["figures"]
    assert [trace["type"] for trace in figures["violin"]["data"]] == ["violin"] * 3
    assert [trace["name"] for trace in figures["violin"]["data"]] == ["sort/1", "sort/10", "sort/100"]
    (line,) = figures["lines"]["data"]
    assert line["x"] == [1.0, 10.0, 100.0]
    assert figures["lines"]["layout"]["xaxis"]["type"] == "log"
    group = page_data(pages(files)[group_path("group")])["figures"]
    assert "lines" not in group  # no parameters: nothing to draw over


def test_history_page_has_a_chart_per_benchmark_the_runs_and_their_stability(
    data: ReportInput, files: dict[str, bytes]
) -> None:
    page = pages(files)["history.html"]
    histories = page_data(page)["histories"]
    assert set(histories) == {slug(key) for key in data.history}
    assert page.count("<option ") == len(data.history)
    assert "&lt;b&gt;evil&lt;/b&gt;" in page
    assert "Stability across runs" in page
    assert len(re.findall(r"<tr><td data-sort=\"\d\">", page)) == 3  # the three stored runs


def test_rendering_is_pure_and_repeatable(data: ReportInput, files: dict[str, bytes]) -> None:
    assert render_html_report(data) == files


def test_the_summary_counts_inconclusive_comparisons(data: ReportInput) -> None:
    """As the terminal's summary does: a benchmark that was neither confirmed nor ruled out is not 'unchanged'."""
    first = next(result for result in data.results if result.comparison is not None)
    assert first.comparison is not None
    was = first.comparison.verdict
    doubtful = dataclasses.replace(
        first, comparison=dataclasses.replace(first.comparison, verdict=Verdict.INCONCLUSIVE)
    )
    results = tuple(doubtful if result is first else result for result in data.results)
    index = pages(render_html_report(dataclasses.replace(data, results=results)))["index.html"]
    assert '<span class="warn">1 inconclusive</span>' in index
    before = pages(render_html_report(data))["index.html"]
    assert "inconclusive</span>" not in before
    unchanged = re.compile(r"(\d+) unchanged</span>")
    moved = was not in (Verdict.REGRESSED, Verdict.IMPROVED)
    assert int(unchanged.findall(index)[0]) == int(unchanged.findall(before)[0]) - moved


def test_ids_wrap_after_a_slash_never_inside_a_name(files: dict[str, bytes]) -> None:
    index = pages(files)["index.html"]
    assert '">group/<wbr>linear</a></td>' in index
    assert "&lt;/<wbr>script&gt;" in index  # each part escaped on its own
    assert "td.id { overflow-wrap: break-word; }" in files["assets/report.css"].decode()
