"""The ``@bench`` and ``group()`` decorators: they record what the author declared, nothing more.

Importing a bench target in a worker fills the registry; the worker turns the recorded specs into
benchmark instances (one per parameter) and measures them.
"""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar, overload

from critbench.api._bencher import Bencher, call_benchmark
from critbench.model import (
    BenchmarkId,
    BenchmarkInfo,
    SettingsLayer,
    Throughput,
    parse_size_bytes,
    parse_target,
    settings_layer,
)

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")

ThroughputSpec = Throughput | Callable[[Any], Throughput] | None
"""A fixed throughput, or a function of the benchmark's parameter returning one."""

_NO_PARAMETER = object()


@dataclass(frozen=True)
class BenchInstance:
    """One concrete benchmark: a spec with its parameter chosen (if it has parameters)."""

    spec: BenchSpec
    info: BenchmarkInfo
    """What its author declared; the worker that measures it adds the settings and where it comes from."""
    parameter: Any

    @property
    def id(self) -> BenchmarkId:
        return self.info.id

    @property
    def has_parameter(self) -> bool:
        return self.parameter is not _NO_PARAMETER

    def call(self, bencher: Bencher) -> None:
        """Call the benchmark function with ``bencher``, and with its parameter when it has one."""
        call_benchmark(self.spec.function, (bencher, self.parameter) if self.has_parameter else (bencher,))


@dataclass(frozen=True)
class BenchSpec:
    """What ``@bench`` recorded about one decorated function."""

    function: Callable[..., Any]
    name: str
    group: str | None
    description: str
    params: tuple[tuple[str, Any], ...] | None
    target_ns: float | None
    memory_target_bytes: int | None
    throughput: ThroughputSpec
    target_instructions: float | None = None
    group_settings: SettingsLayer = field(default_factory=dict)
    bench_settings: SettingsLayer = field(default_factory=dict)
    source: str = ""

    @property
    def is_async(self) -> bool:
        return inspect.iscoroutinefunction(self.function)

    def instances(self, default_group: str) -> list[BenchInstance]:
        """The benchmarks this spec stands for, their group defaulting to the target's name."""
        group_name = self.group or default_group
        if self.params is None:
            return [self._instance(BenchmarkId(group_name, self.name), _NO_PARAMETER)]
        return [self._instance(BenchmarkId(group_name, self.name, label), value) for label, value in self.params]

    def _instance(self, benchmark_id: BenchmarkId, parameter: Any) -> BenchInstance:
        info = BenchmarkInfo(
            id=benchmark_id,
            description=self.description,
            target_ns=self.target_ns,
            memory_target_bytes=self.memory_target_bytes,
            target_instructions=self.target_instructions,
            throughput=self._throughput_of(None if parameter is _NO_PARAMETER else parameter),
            source=self.source,
        )
        return BenchInstance(self, info, parameter)

    def _throughput_of(self, parameter: Any) -> Throughput | None:
        if self.throughput is None or isinstance(self.throughput, Throughput):
            return self.throughput
        made = self.throughput(parameter)
        if not isinstance(made, Throughput):
            raise TypeError(f"{self.name}: throughput= must return a Throughput, got {made!r}")
        return made


_registry: list[BenchSpec] | None = None


@contextlib.contextmanager
def collecting() -> Iterator[list[BenchSpec]]:
    """Collect the specs of every ``@bench`` applied while the block runs (i.e. while a target imports)."""
    global _registry  # noqa: PLW0603 - one collection at a time, in a worker process
    previous, _registry = _registry, []
    try:
        yield _registry
    finally:
        _registry = previous


def _param_items(params: Any, where: str) -> tuple[tuple[str, Any], ...]:
    if isinstance(params, Mapping):
        items = [(str(label), value) for label, value in params.items()]
    elif isinstance(params, str | bytes) or not hasattr(params, "__iter__"):
        raise TypeError(f"{where}: params= takes a list of values or a dict of label: value, got {params!r}")
    else:
        items = [(str(value), value) for value in params]
    if not items:
        raise ValueError(f"{where}: params= is empty")
    labels = [label for label, _ in items]
    duplicates = sorted({label for label in labels if labels.count(label) > 1})
    if duplicates:
        raise ValueError(f"{where}: params= has repeated labels {duplicates}; pass a dict to name them")
    for label in labels:
        if not label or "\n" in label:
            raise ValueError(f"{where}: parameter label {label!r} must be one non-empty line")
    return tuple(items)


def _record(
    function: Callable[..., Any],
    *,
    group: str | None,
    group_settings: SettingsLayer,
    name: str | None,
    target: str | float | None,
    memory_target: str | int | None,
    params: Any,
    throughput: ThroughputSpec,
    settings: Mapping[str, Any],
) -> None:
    if not callable(function):
        raise TypeError(f"@bench decorates a function, got {function!r}")
    bench_name = name or function.__name__
    where = f"benchmark {bench_name!r}"
    if "/" in bench_name:
        raise ValueError(f"{where}: a name cannot contain '/'")
    code = getattr(function, "__code__", None)
    source = f"{code.co_filename}:{code.co_firstlineno}" if code is not None else ""
    target_ns, target_instructions = (None, None) if target is None else parse_target(target)
    spec = BenchSpec(
        function=function,
        name=bench_name,
        group=group,
        description=inspect.cleandoc(function.__doc__ or ""),
        params=None if params is None else _param_items(params, where),
        target_ns=target_ns,
        memory_target_bytes=None if memory_target is None else parse_size_bytes(memory_target),
        throughput=throughput,
        target_instructions=target_instructions,
        group_settings=group_settings,
        bench_settings=settings_layer(settings, source=where, run_wide=False),
        source=source,
    )
    if _registry is not None:
        _registry.append(spec)


class Group:
    """Benchmarks sharing an id prefix and settings; made by :func:`group`."""

    def __init__(self, name: str, throughput: ThroughputSpec, settings: SettingsLayer) -> None:
        self.name = name
        self._throughput = throughput
        self._settings = settings

    def __repr__(self) -> str:
        return f"group({self.name!r})"

    @overload
    def bench(self, function: F, /) -> F: ...

    @overload
    def bench(
        self,
        /,
        *,
        name: str | None = None,
        target: str | float | None = None,
        memory_target: str | int | None = None,
        params: Any = None,
        throughput: ThroughputSpec = None,
        **settings: Any,
    ) -> Callable[[F], F]: ...

    def bench(
        self,
        function: F | None = None,
        /,
        *,
        name: str | None = None,
        target: str | float | None = None,
        memory_target: str | int | None = None,
        params: Any = None,
        throughput: ThroughputSpec = None,
        **settings: Any,
    ) -> F | Callable[[F], F]:
        """Declare a benchmark. Use bare (``@bench``) or with options (``@bench(target="10ms")``).

        The function takes a :class:`Bencher` (and one parameter when ``params`` is given) and calls exactly
        one of its ``iter*`` methods. Its docstring is the benchmark's description.

        - ``name``: the function part of the id (default: the function's name).
        - ``target``: an upper bound on the typical time, e.g. ``"10ms"`` (numbers are seconds), or on the
          instructions per iteration when counted (``--measure instructions``), e.g. ``"2M instructions"``.
        - ``memory_target``: an upper bound on peak memory, e.g. ``"50MB"``.
        - ``params``: values (labelled by ``str(value)``) or a dict of ``label: value``; one benchmark each.
        - ``throughput``: a :class:`Throughput`, or a function of the parameter returning one.
        - settings: ``sample_size``, ``warm_up_time``, ``measurement_time``, ``sampling_mode``, ``timeout``,
          ``nresamples``, ``noise_threshold``, ``confidence_level``, ``significance_level``, ...

        ``group(NAME).bench`` declares it in that group: its id starts with ``NAME/`` and the group's
        throughput and settings apply (the benchmark's own settings win).
        """
        options: dict[str, Any] = dict(
            name=name,
            target=target,
            memory_target=memory_target,
            params=params,
            throughput=throughput if throughput is not None else self._throughput,
        )

        def decorate(fn: F) -> F:
            _record(fn, group=self.name or None, group_settings=self._settings, settings=settings, **options)
            return fn

        return decorate(function) if function is not None else decorate


_UNGROUPED = Group("", None, {})
"""Where ``@bench`` outside any group declares benchmarks: their group is the bench target's name."""

bench = _UNGROUPED.bench


def group(name: str, *, throughput: ThroughputSpec = None, **settings: Any) -> Group:
    """A named group of benchmarks whose ids start with ``name/``.

    Settings given here (``sample_size=10``, ``measurement_time="20s"``, ...) apply to every benchmark in the
    group and beat the command line, as Criterion's group settings do.
    """
    if not name or "/" in name or "\n" in name:
        raise ValueError(f"a group name must be non-empty, one line, without '/': {name!r}")
    return Group(name, throughput, settings_layer(settings, source=f"group {name!r}", run_wide=False))


def black_box(value: T) -> T:
    """Return ``value`` unchanged, marking it as used so a computation's result is never thought dead.

    CPython does not eliminate unused results, so this costs one call; it exists so benchmarks read the same
    as in Criterion and stay correct on implementations that optimise more.
    """
    return value
