"""Criterion's number formatting, value by value."""

from __future__ import annotations

import pytest

from critbench.model import Throughput
from critbench.report import _format as fmt


@pytest.mark.parametrize(
    ("ns", "text"),
    [
        (0.5, "500.00 ps"),
        (7.0, "7.0000 ns"),
        (36.5e6, "36.500 ms"),
        (1234.5, "1.2345 µs"),
        (999.999, "1000.00 ns"),
        (2e9, "2.0000 s"),
        (123456e9, "123456 s"),
    ],
)
def test_time(ns: float, text: str) -> None:
    assert fmt.time(ns) == text


def test_change_uses_a_true_minus_sign_and_right_alignment() -> None:
    assert fmt.change(0.025012) == "+2.5012%"
    assert fmt.change(-0.012034) == "\u22121.2034%"
    assert fmt.change(1.0899) == "+108.99%"
    assert fmt.change(0.0) == "+0.0000%"


def test_throughput_units() -> None:
    assert fmt.throughput(Throughput.bytes(4096), 1000.0) == "3.8147 GiB/s"
    assert fmt.throughput(Throughput.bytes(100), 1e9) == "100.00   B/s"
    assert fmt.throughput(Throughput.elements(1), 1000.0) == "1.0000 Melem/s"
    assert fmt.throughput(Throughput.bytes_decimal(1000), 1e9) == "1.0000 KB/s"


def test_iteration_counts_are_abbreviated_like_criterion() -> None:
    assert fmt.iterations(5050, exact=False) == "5050 iterations"
    assert fmt.iterations(61234, exact=False) == "61k iterations"
    assert fmt.iterations(5_150_000, exact=False) == "5.2M iterations"
    assert fmt.iterations(61234, exact=True) == "61234 iterations"


def test_thousands() -> None:
    assert fmt.thousands(1234567.4) == "1,234,567"


def test_counts_take_the_noun_in_the_right_number() -> None:
    assert fmt.count(1, "process", "processes") == "1 process"
    assert fmt.count(10, "process", "processes") == "10 processes"
    assert fmt.count(0, "pair") == "0 pairs"
