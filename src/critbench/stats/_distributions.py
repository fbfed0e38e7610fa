"""Student's t distribution without scipy: the regularised incomplete beta function by continued fraction.

``P(|T| ≥ t)`` for ν degrees of freedom is ``I_x(ν/2, 1/2)`` with ``x = ν / (ν + t²)`` (Abramowitz & Stegun
26.7.1); ``I_x(a, b)`` is evaluated with Lentz's method on its continued fraction (Numerical Recipes §6.4).
"""

from __future__ import annotations

import math

_EPSILON = 1e-15
_TINY = 1e-300
_MAX_TERMS = 500


def _beta_continued_fraction(a: float, b: float, x: float) -> float:
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > _TINY else _TINY)
    h = d
    for m in range(1, _MAX_TERMS + 1):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > _TINY else _TINY)
        c = 1.0 + aa / c if abs(1.0 + aa / c) > _TINY else _TINY
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > _TINY else _TINY)
        c = 1.0 + aa / c if abs(1.0 + aa / c) > _TINY else _TINY
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < _EPSILON:
            break
    return h


def regularized_incomplete_beta(a: float, b: float, x: float) -> float:
    """``I_x(a, b)`` for ``a, b > 0`` and ``0 ≤ x ≤ 1``."""
    if not (a > 0 and b > 0 and 0.0 <= x <= 1.0):
        raise ValueError("I_x(a, b) needs a, b > 0 and 0 <= x <= 1")
    if x in (0.0, 1.0):
        return x
    log_front = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _beta_continued_fraction(a, b, x) / a
    return 1.0 - math.exp(log_front) * _beta_continued_fraction(b, a, 1.0 - x) / b


def t_two_sided_p(t: float, degrees_of_freedom: float) -> float:
    """``P(|T| ≥ |t|)`` for Student's t with the given degrees of freedom."""
    if degrees_of_freedom <= 0:
        raise ValueError("degrees of freedom must be positive")
    if math.isinf(t):
        return 0.0
    if math.isnan(t):
        return 1.0
    return regularized_incomplete_beta(degrees_of_freedom / 2, 0.5, degrees_of_freedom / (degrees_of_freedom + t * t))


def t_critical(two_sided_alpha: float, degrees_of_freedom: float) -> float:
    """The ``t`` with ``P(|T| ≥ t) = two_sided_alpha``: Student's quantile, by bisection on :func:`t_two_sided_p`.

    ``t_critical(0.05, ν)`` is the two-sided 5% critical value; ``t_critical(0.4, ν)`` the one-sided 80th
    percentile (``P(T ≥ t) = 0.2``), which the power of a t-test needs.
    """
    if not 0 < two_sided_alpha < 1:
        raise ValueError(f"two_sided_alpha must be strictly between 0 and 1, got {two_sided_alpha!r}")
    low, high = 0.0, 1.0
    while t_two_sided_p(high, degrees_of_freedom) > two_sided_alpha:
        low, high = high, high * 2
    for _ in range(200):
        middle = (low + high) / 2
        if t_two_sided_p(middle, degrees_of_freedom) > two_sided_alpha:
            low = middle
        else:
            high = middle
        if high - low < 1e-12 * high:
            break
    return (low + high) / 2
