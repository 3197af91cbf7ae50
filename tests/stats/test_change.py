"""Aim 2 statistics, pinned to R (tests/r/reference_values.R) on tests/fixtures/stats_cohort.csv.

The input is the derived cohort of the bundled SYNTHETIC data set (no ids);
aim 2 uses its screened-positive people.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.stats.change import change_by_group, oneway_anova, paired_change, rate, tukey_hsd
from locations import R_VALUES, STATS_COHORT

COHORT = pd.read_csv(STATS_COHORT)
POSITIVE = COHORT[COHORT["screened_positive"]]
R = pd.read_csv(R_VALUES).set_index("name")["value"]
PRECISION = {"rel": 1e-10, "abs": 1e-14}


def r_value(name: str) -> float:
    """A value computed by R 4.2.2 (stats, rstatix 0.7.2) on the same input."""
    return float(R[name])


def test_paired_change_matches_t_test():
    result = paired_change(POSITIVE["who5_baseline"], POSITIVE["who5_followup"])
    for ours, theirs in [
        ("mean_change", "aim2_change_mean"),
        ("ci_low", "aim2_change_ci_low"),
        ("ci_high", "aim2_change_ci_high"),
        ("t", "aim2_change_t"),
        ("df", "aim2_change_df"),
        ("cohen_d_av", "aim2_cohen_d_av"),
        ("cohen_d_z", "aim2_cohen_d_z"),
    ]:
        assert result[ours] == pytest.approx(r_value(theirs), **PRECISION), ours
    assert result["p"] == pytest.approx(r_value("aim2_change_p"), rel=1e-8)


def test_percent_improvement_by_hand():
    result = paired_change([20, 28, 40], [30, 40, 44])
    assert result["pct_improvement"] == pytest.approx(100 * (26 / 3) / (88 / 3))


def test_oneway_anova_matches_aov():
    result = oneway_anova(POSITIVE["who5_change"], POSITIVE["utilization"])
    assert result["F"] == pytest.approx(r_value("aim2_anova_F"), **PRECISION)
    assert result["p"] == pytest.approx(r_value("aim2_anova_p"), rel=1e-9)
    assert (result["df1"], result["df2"]) == (2, len(POSITIVE) - 3)


def test_tukey_hsd_matches_tukeyhsd():
    pairs = [("coaching", "both"), ("therapy", "both"), ("therapy", "coaching")]
    result = tukey_hsd(POSITIVE["who5_change"], POSITIVE["utilization"], pairs)
    for _, row in result.iterrows():
        key = f"aim2_tukey_{row['first']}_minus_{row['second']}"
        assert row["difference"] == pytest.approx(r_value(f"{key}_diff"), **PRECISION)
        # ptukey and scipy's studentized range are numerical integrals: agree to ~1e-6
        assert row["p_adj"] == pytest.approx(r_value(f"{key}_p"), rel=1e-5, abs=1e-7)


def test_rate_counts_and_percent():
    result = rate(POSITIVE["recovered"])
    assert result["n"] == POSITIVE["recovered"].sum()
    assert result["pct"] == pytest.approx(100 * POSITIVE["recovered"].mean())


@pytest.mark.parametrize(
    "call",
    [
        lambda: paired_change([1, 2], [1]),
        lambda: paired_change([1], [2]),
        lambda: paired_change([1, 2], [3, 4], conf_level=95),
        lambda: oneway_anova([1, 2, 3], ["a", "a", "a"]),
        lambda: tukey_hsd([1, 2, 3, 4], list("aabb"), [("a", "c")]),
        lambda: rate([True, None]),
        lambda: rate([1, 0]),
    ],
)
def test_bad_input_is_refused(call):
    with pytest.raises(ValueError):
        call()


def test_change_by_group_matches_paired_change_and_keeps_a_group_of_one():
    table = change_by_group([20, 24, 28, 12], [40, 28, 36, 24], list("aabc"), ["a", "b", "c", "d"])
    assert list(table.index) == ["a", "b", "c"]  # "d" has nobody
    whole = paired_change([20, 24], [40, 28])
    assert table.loc["a", "ci_low"] == pytest.approx(whole["ci_low"])
    assert table.loc["b", "mean_change"] == 8 and np.isnan(table.loc["b", "ci_low"])
