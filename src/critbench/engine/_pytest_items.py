"""pytest tests as benchmarks: which tests are benchmarks, their ids, and the settings their marker asks for.

A test is a benchmark when it uses pytest-benchmark's ``benchmark`` fixture. Its id comes from its node id,
so that it is the same in a pytest session, in ``critbench run`` and in every stored run::

    tests/bench/test_parse.py::TestJson::test_loads[small]
      group     tests.bench.test_parse      (the module's path below pytest's rootdir, dotted)
      function  TestJson::test_loads        (classes and the test function, as in the node id)
      parameter small                       (the parametrisation's id; parametrised tests get one each)
      full id   tests.bench.test_parse/TestJson::test_loads/small

The ``@pytest.mark.benchmark(...)`` marker's options keep pytest-benchmark's meaning, in critbench's settings:
``max_time`` is the measurement time (seconds, all processes together), ``min_rounds`` the fewest samples a
slow test may take, ``max_rounds`` (pytest-codspeed's) the most, ``warmup`` a longer warm-up. ``group`` only
groups the results table. ``min_time``, ``timer``, ``warmup_iterations``, ``calibration_precision``,
``precision``, ``confidence`` and ``cprofile`` are accepted and have no effect: critbench plans its samples
itself and measures wall time. ``disable_gc`` is read by the worker's fixture.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import PurePath
from typing import Any

from critbench.api._fixture import MARKER_OPTIONS
from critbench.model import BenchmarkId, SettingsLayer, settings_layer

FIXTURE_NAME = "benchmark"
MARKER_NAME = "benchmark"

DEFAULT_WARM_UP_S = 0.05
"""The warm-up of each worker process when pytest-benchmark's warm-up is off (its default): enough for the
plan's estimate of one iteration, which is all pytest-benchmark's calibration gets too."""

WARM_UP_SHARE = 0.2
"""With warm-up on, the warm-up lasts this share of the measurement time, all processes together (each
process still warms up for at least 0.1 s): pytest-benchmark warms up for up to ``max_time``, but mostly
for far less (``--benchmark-warmup-iterations``)."""


def benchmark_id(nodeid: str, path_of_file: str | None = None) -> BenchmarkId:
    """The benchmark id of the test ``nodeid`` (see the module's docstring).

    A module given on the command line from outside the rootdir (``pytest --pyargs pkg.tests.test_x``) has
    tests whose node ids start with ``::``: pytest names them from that argument, which is the file itself.
    Their group is then the file's name without ``.py`` (``path_of_file``, the test's file)."""
    path, _, rest = nodeid.partition("::")
    if not rest:
        raise ValueError(f"not the node id of a test function: {nodeid!r}")
    if not path and path_of_file is not None:
        path = PurePath(path_of_file).name
    module = path[:-3] if path.endswith(".py") else path
    group = module.replace("\\", "/").replace("/", ".")
    *classes, function = rest.split("::")
    parameter = None
    if function.endswith("]") and "[" in function:
        function, _, parameter = function[:-1].partition("[")
    name = "::".join([*classes, function])
    return BenchmarkId(group, name.replace("/", "."), parameter or None)


def marker_layer(marker_kwargs: Mapping[str, Any], where: str) -> SettingsLayer:
    """The settings ``@pytest.mark.benchmark(**marker_kwargs)`` asks for; ValueError for an unknown keyword."""
    unknown = sorted(set(marker_kwargs) - MARKER_OPTIONS)
    if unknown:
        raise ValueError(f"benchmark mark can't have {unknown[0]!r} keyword argument.")
    return settings_layer(options_layer(marker_kwargs), source=where)


def options_layer(options: Mapping[str, Any]) -> dict[str, Any]:
    """pytest-benchmark's option values (marker keywords or ``--benchmark-*`` flags, None when not given) as
    critbench setting names, unchecked."""
    layer: dict[str, Any] = {}
    if options.get("max_time") is not None:
        layer["measurement_time"] = float(options["max_time"])
    if options.get("min_rounds") is not None:
        layer["min_sample_size"] = max(2, int(options["min_rounds"]))
    if options.get("max_rounds") is not None:
        layer["sample_size"] = max(2, int(options["max_rounds"]))
    warmup = options.get("warmup")
    if warmup is not None:
        measurement = layer.get("measurement_time", options.get("measurement_time", 1.0))
        layer["warm_up_time"] = WARM_UP_SHARE * float(measurement) if warmup else DEFAULT_WARM_UP_S
    return layer


def parameter_values(params: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A test's parameters as JSON can hold them (pytest-benchmark's ``params``): other values as their repr."""
    if params is None:
        return None
    return {
        name: value if isinstance(value, str | int | float | bool) or value is None else repr(value)
        for name, value in params.items()
    }
