"""Model records: ids, units, settings layering and the JSON codec."""

from __future__ import annotations

import pytest

from critbench.model import (
    BenchmarkId,
    BenchmarkInfo,
    SamplingMode,
    Settings,
    Throughput,
    from_data,
    parse_duration_ns,
    parse_size_bytes,
    settings_layer,
    to_data,
)


def test_benchmark_id_round_trips_and_allows_slash_only_in_the_parameter() -> None:
    bid = BenchmarkId("g", "f", "<script>alert(1)</script>")
    assert bid.full_id == "g/f/<script>alert(1)</script>"
    assert BenchmarkId.parse(bid.full_id) == bid
    assert BenchmarkId.parse("g/f") == BenchmarkId("g", "f")
    with pytest.raises(ValueError, match="without '/'"):
        BenchmarkId("a/b", "f")
    with pytest.raises(ValueError, match="not a benchmark id"):
        BenchmarkId.parse("lonely")


@pytest.mark.parametrize(
    ("text", "ns"),
    [("10ms", 1e7), ("1.5s", 1.5e9), ("250us", 2.5e5), ("250µs", 2.5e5), ("7ns", 7.0), ("2", 2e9), (0.5, 5e8)],
)
def test_durations(text: str | float, ns: float) -> None:
    assert parse_duration_ns(text) == pytest.approx(ns)


@pytest.mark.parametrize("bad", ["ten ms", "-1s", "0", "", True])
def test_bad_durations(bad: object) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - the message varies by input
        parse_duration_ns(bad)  # type: ignore[arg-type]


def test_sizes() -> None:
    assert parse_size_bytes("50MB") == 50_000_000
    assert parse_size_bytes("64MiB") == 64 * 2**20
    assert parse_size_bytes(1024) == 1024
    with pytest.raises(ValueError, match="not a size"):
        parse_size_bytes("lots")


def test_settings_layers_apply_in_order() -> None:
    config = settings_layer({"sample-size": 50, "measurement-time": "2s"}, source="config")
    cli = settings_layer({"sample_size": 20}, source="cli")
    group = settings_layer({"measurement_time": 10, "sampling_mode": "flat"}, source="group")
    settings = Settings().apply(config).apply(cli).apply(group)
    assert settings.sample_size == 20
    assert settings.measurement_time == 10.0
    assert settings.sampling_mode is SamplingMode.FLAT
    assert settings.warm_up_time == 3.0


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"sample_sise": 10}, "unknown setting 'sample_sise'"),
        ({"sample_size": 1}, "sample_size must be an integer from 2 to 1,000,000"),
        ({"processes": 100000}, "processes must be an integer from 1 to 1000"),
        ({"measurement_time": float("inf")}, "a duration must be positive and finite"),
        ({"warm_up_time": 100000}, "warm_up_time must be a positive number of seconds up to 86400"),
        ({"nresamples": 10**9}, "nresamples must be an integer from 10 to 10,000,000"),
        ({"sample_size": "ten"}, "expected an integer"),
        ({"confidence_level": 1.5}, "strictly between 0 and 1"),
        ({"warm_up_time": "soon"}, "not a duration"),
        ({"sampling_mode": "sideways"}, "sideways"),
    ],
)
def test_bad_settings_name_the_source(values: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message) as caught:
        settings_layer(values, source="[tool.critbench]")
    assert str(caught.value).startswith("[tool.critbench]")


def test_codec_round_trips_nested_records() -> None:
    info = BenchmarkInfo(
        id=BenchmarkId("g", "f", "1"),
        description="d",
        target_ns=1e6,
        throughput=Throughput.bytes(10),
        settings=Settings(sample_size=10, sampling_mode=SamplingMode.LINEAR, timeout=3.0),
    )
    data = to_data(info)
    assert data["settings"]["sampling_mode"] == "linear"
    assert from_data(BenchmarkInfo, data) == info


def test_codec_reports_missing_and_mistyped_fields() -> None:
    with pytest.raises(ValueError, match="missing field 'id'"):
        from_data(BenchmarkInfo, {})
    with pytest.raises(ValueError, match="expected a number"):
        from_data(BenchmarkInfo, {"id": {"group": "g", "function": "f"}, "target_ns": "fast"})
