"""The report of a large suite stays small: 500 benchmarks × 100 samples make a folder under 20 MB.

The suite is the one ``benches/report_generation.py`` times (docs/reports.md records both figures).
"""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path
from types import ModuleType

BENCH = Path(__file__).resolve().parents[2] / "benches" / "report_generation.py"
LIMIT_BYTES = 20_000_000


def _bench_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("critbench_bench_report_generation", BENCH)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def test_report_of_500_benchmarks_by_100_samples_is_under_20_mb() -> None:
    bench = _bench_module()
    suite = bench.synthetic_suite()
    started = time.perf_counter()
    files = bench.full_report(suite)
    elapsed = time.perf_counter() - started
    size = sum(len(content) for content in files.values())
    pages = [path for path in files if path.startswith("benchmarks/")]
    assert len(pages) == bench.BENCHMARKS
    print(f"\n500 × 100 report: {len(files)} files, {size / 1e6:.1f} MB in {elapsed:.2f} s")
    assert size < LIMIT_BYTES, f"the report takes {size / 1e6:.1f} MB"
