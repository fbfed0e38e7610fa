"""pytest tests as benchmarks: ids from node ids, the marker's options as settings."""

from __future__ import annotations

import re

import pytest

from critbench.engine._pytest_items import DEFAULT_WARM_UP_S, benchmark_id, marker_layer
from critbench.model import BenchmarkId


@pytest.mark.parametrize(
    ("nodeid", "expected"),
    [
        ("tests/test_parse.py::test_loads", BenchmarkId("tests.test_parse", "test_loads")),
        (
            "tests/b/test_x.py::TestJson::test_loads[small]",
            BenchmarkId("tests.b.test_x", "TestJson::test_loads", "small"),
        ),
        ("test_x.py::test_y[a/b-1]", BenchmarkId("test_x", "test_y", "a/b-1")),
        ("test_x.py::test_y[list[1]]", BenchmarkId("test_x", "test_y", "list[1]")),
    ],
)
def test_ids_come_from_node_ids(nodeid: str, expected: BenchmarkId) -> None:
    assert benchmark_id(nodeid) == expected


def test_the_marker_keeps_pytest_benchmarks_meaning() -> None:
    layer = marker_layer({"max_time": 0.5, "min_rounds": 7, "max_rounds": 50, "warmup": True, "group": "g"}, "here")
    assert layer == {"measurement_time": 0.5, "min_sample_size": 7, "sample_size": 50, "warm_up_time": 0.1}
    assert marker_layer({"warmup": False, "timer": object(), "min_time": 0.1, "disable_gc": True}, "here") == {
        "warm_up_time": DEFAULT_WARM_UP_S
    }


def test_an_unknown_marker_keyword_is_pytest_benchmarks_error() -> None:
    with pytest.raises(ValueError, match=re.escape("benchmark mark can't have 'rounds' keyword argument.")):
        marker_layer({"rounds": 3}, "here")


def test_a_module_given_from_outside_the_rootdir_is_named_by_its_file() -> None:
    """``pytest --pyargs pkg.tests.test_x`` names its tests ``::test_y``: the file gives the group."""
    assert benchmark_id("::test_y[a]", "/site-packages/pkg/tests/test_x.py").full_id == "test_x/test_y/a"
    assert benchmark_id("sub/test_x.py::test_y", "/elsewhere/sub/test_x.py").full_id == "sub.test_x/test_y"
