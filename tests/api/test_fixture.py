"""pytest-benchmark's fixture surface, without pytest: the calls, their checks, and the rounds' statistics."""

from __future__ import annotations

import asyncio
import re
import statistics
from typing import Any

import pytest

from critbench.api._fixture import CallOnceFixture, FixtureAlreadyUsed, PedanticCall, TestNode
from critbench.api._fixture_stats import Metadata, Stats
from critbench.model import Samples, SamplingMode

NODE = TestNode("tests/test_x.py::test_y[3]", "test_y[3]", "3", {"n": 3})


def fixture() -> CallOnceFixture:
    return CallOnceFixture(NODE, group="g")


def test_a_call_returns_the_function_result_and_the_names_are_pytest_benchmarks() -> None:
    benchmark = fixture()
    assert benchmark(pow, 2, 5) == 32
    assert (benchmark.name, benchmark.fullname, benchmark.param, benchmark.params, benchmark.group) == (
        "test_y[3]",
        "tests/test_x.py::test_y[3]",
        "3",
        {"n": 3},
        "g",
    )
    assert benchmark.used
    with pytest.raises(FixtureAlreadyUsed, match=r"Previously it was used in benchmark\(\.\.\.\) mode"):
        benchmark(pow, 2, 5)
    assert benchmark.has_error


def test_the_decorator_form() -> None:
    benchmark = fixture()

    @benchmark
    def result() -> int:
        return 41 + 1

    assert result == 42


def test_pedantic_setup_makes_the_arguments_and_teardown_gets_them() -> None:
    seen: list[Any] = []
    benchmark = fixture()
    result = benchmark.pedantic(
        lambda a, b=0: a + b, setup=lambda: ((1,), {"b": 2}), teardown=lambda a, b: seen.append((a, b))
    )
    assert result == 3
    assert seen == [(1, 2)]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"iterations": 0}, "Must have positive int for `iterations`."),
        ({"rounds": 0}, "Must have positive int for `rounds`."),
        ({"warmup_rounds": -1}, "Must have positive int for `warmup_rounds`."),
        ({"iterations": 2, "setup": lambda: None}, "Can't use more than 1 `iterations` with a `setup` function."),
    ],
)
def test_pedantic_checks_its_arguments_with_pytest_benchmarks_messages(kwargs: dict[str, Any], message: str) -> None:
    benchmark = fixture()
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        benchmark.pedantic(print, **kwargs)
    assert benchmark.has_error


def test_setup_returning_arguments_and_given_arguments_clash() -> None:
    call = PedanticCall(print, args=(1,), setup=lambda: ((2,), {}))
    with pytest.raises(TypeError, match=re.escape("Can't use `args` or `kwargs` if `setup` returns the arguments.")):
        call.arguments()


def test_a_coroutine_function_runs_in_one_event_loop_or_the_tests() -> None:
    async def double(value: int) -> int:
        await asyncio.sleep(0)
        return 2 * value

    assert fixture()(double, 4) == 8

    async def inside_a_test() -> int:
        result: int = await fixture()(double, 5)
        return result

    assert asyncio.run(inside_a_test()) == 10


def test_stats_are_pytest_benchmarks_descriptive_statistics() -> None:
    data = [5.0, 1.0, 4.0, 2.0, 3.0, 100.0]
    stats = Stats(data)
    assert (stats.min, stats.max, stats.rounds, stats.total) == (1.0, 100.0, 6, 115.0)
    assert stats.mean == pytest.approx(statistics.mean(data))
    assert stats.stddev == pytest.approx(statistics.stdev(data))
    assert stats.median == 3.5
    assert (stats.q1, stats.q3) == (2.0, 5.0)  # even count: medians of the halves
    assert stats.iqr == 3.0
    assert stats.iqr_outliers == 1  # 100 is beyond Q3 + 1.5 IQR
    assert stats.outliers == f"{stats.stddev_outliers};1"
    assert (stats.ld15iqr, stats.hd15iqr) == (1.0, 5.0)
    assert stats.ops == pytest.approx(6 / 115.0)
    odd = Stats([1.0, 2.0, 3.0, 4.0, 5.0])
    assert (odd.q1, odd.q3) == (1.75, 4.25)  # odd count, n = 4k+1: method 3
    seven = Stats([7.0, 3.0, 1.0, 6.0, 2.0, 5.0, 4.0])
    assert (seven.q1, seven.q3) == (2.25, 5.75)  # odd count, n = 4k+3: method 3's other weighting


def test_metadata_from_samples_is_net_of_the_harness_overhead() -> None:
    samples = Samples(SamplingMode.FLAT, (10.0, 10.0), (1000.0, 1200.0), (0, 1), overhead_ns=20.0)
    meta = Metadata.of(fixture(), samples, {"max_time": 1})
    assert meta.stats.data == pytest.approx([80e-9, 100e-9])
    assert meta["iterations"] == 10
    assert meta["min"] == pytest.approx(80e-9)
    assert meta.get("nothing", "default") == "default"
    entry = meta.as_dict()
    assert entry["stats"]["data"] == meta.stats.data
    assert entry["options"] == {"max_time": 1}
    assert entry["param"] == "3"
