"""Rounding-aware verdicts: a printed value stands for every number that rounds to it."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.report.verdicts import DIFFERS, MATCH, WITHIN, parse_printed, verdict


@pytest.mark.parametrize(
    ("printed", "value", "expected"),
    [
        ("4.8", 4.75, MATCH),  # lower edge: R's round-half-even and half-up both print 4.8
        ("4.8", 4.85, MATCH),
        ("4.8", 4.7499, DIFFERS),
        ("4.8", 4.8501, DIFFERS),
        ("<0.001", 0.000999, MATCH),
        ("<0.001", 1e-92, MATCH),
        ("<0.001", 0.001, DIFFERS),  # "<" excludes the bound itself
        ("<0.03", 0.0290, MATCH),
        ("-0.13", -0.1349, MATCH),  # negative values: the interval is symmetric
        ("-0.13", -0.1251, MATCH),
        ("-0.13", -0.136, DIFFERS),
        ("3087", 3087, MATCH),  # integers stand for +/- 0.5
        ("58", 58.08, MATCH),  # a percentage printed without decimals
        ("58", 58.6, DIFFERS),
        ("54.1", 54.065436, MATCH),
        ("54.1", 54.05, MATCH),  # not exact in binary floating point
        ("0.00", 0.0031, MATCH),  # a printed zero with two decimals
        ("0.00", -0.004, MATCH),
        ("767,724", 767724, MATCH),  # thousands separators
        (">0.07", 0.45, MATCH),
    ],
)
def test_verdicts_respect_printed_precision(printed, value, expected):
    assert verdict(printed, value) == expected


def test_sampling_tolerance_is_measured_from_the_printed_interval():
    assert verdict("0.04", 0.052, tolerance=0.008) == WITHIN  # 0.007 beyond 0.045
    assert verdict("0.04", 0.052, tolerance=0.006) == DIFFERS
    assert verdict("<0.001", 0.0015, tolerance=0.001) == WITHIN
    assert verdict("4.8", 4.8, tolerance=0.0) == MATCH


@pytest.mark.parametrize("text", ["", "n/a", "<", "4.8.1", "inf", "NaN"])
def test_unreadable_printed_values_are_refused(text):
    with pytest.raises(ValueError):
        parse_printed(text)


def test_missing_values_and_negative_tolerances_are_refused():
    with pytest.raises(ValueError, match="missing"):
        verdict("4.8", math.nan)
    with pytest.raises(ValueError, match="negative"):
        verdict("4.8", 5.0, tolerance=-1)


@given(
    st.decimals(min_value=-1000, max_value=1000, allow_nan=False, allow_infinity=False, places=3),
    st.integers(0, 3),
)
def test_a_value_always_matches_its_own_rounding(number, decimals):
    printed = str(round(Decimal(number), decimals))
    assert verdict(printed, float(number)) == MATCH


@given(st.floats(-100, 100, allow_nan=False), st.integers(0, 4))
def test_interval_width_is_one_unit_of_the_last_printed_digit(value, decimals):
    printed = f"{value:.{decimals}f}"
    interval = parse_printed(printed)
    assert interval.high - interval.low == pytest.approx(10.0**-decimals)
