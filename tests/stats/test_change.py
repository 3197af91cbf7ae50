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
        lambda: paired_change([1, 2], [3, 4], conf_level=95),
        lambda: oneway_anova([1, 2, 3], ["a", "a"]),
        lambda: tukey_hsd([1, 2, None, 4], list("aabb"), [("a", "b")]),
        lambda: rate([True, None]),
        lambda: rate([1, 0]),
    ],
)
def test_bad_input_is_refused(call):
    """Programmer errors (lengths, missing values, a level outside (0, 1)) still raise."""
    with pytest.raises(ValueError):
        call()


def test_change_by_group_matches_paired_change_and_keeps_a_group_of_one():
    table = change_by_group([20, 24, 28, 12], [40, 28, 36, 24], list("aabc"), ["a", "b", "c", "d"])
    assert list(table.index) == ["a", "b", "c", "d"]
    whole = paired_change([20, 24], [40, 28])
    assert table.loc["a", "ci_low"] == pytest.approx(whole["ci_low"])
    assert table.loc["b", "mean_change"] == 8 and np.isnan(table.loc["b", "ci_low"])
    assert "not enough observations" in table.loc["b", "note"]
    # "d" has nobody: no change, and the reason
    assert table.loc["d", "n"] == 0 and np.isnan(table.loc["d", "mean_change"])
    assert table.loc["d", "note"] == "nobody in this group"


# --- not estimable: NaN where R gives NA (or stops), with the reason in ``note`` -------


def test_paired_change_with_constant_differences_is_not_tested():
    """R: ``t.test(c(3, 4, 5), c(1, 2, 3), paired = TRUE)`` stops: "data are essentially
    constant". The mean change stands; the test's fields do not."""
    result = paired_change([1, 2, 3], [3, 4, 5])
    assert result["mean_change"] == 2 and result["n"] == 3
    for field in ("t", "p", "df", "ci_low", "ci_high", "cohen_d_z"):
        assert np.isnan(result[field]), field
    assert np.isfinite(result["cohen_d_av"])  # the scores themselves vary
    assert "data are essentially constant" in result["note"]


def test_paired_change_with_no_change_at_all_is_not_tested():
    """R: ``t.test(c(1, 2), c(1, 2), paired = TRUE)`` gives t = NaN, p-value = NA."""
    result = paired_change([1, 2], [1, 2])
    assert result["mean_change"] == 0 and np.isnan(result["t"]) and np.isnan(result["p"])


def test_paired_change_of_one_pair_keeps_only_the_means():
    """R: ``t.test(40, 20, paired = TRUE)`` stops: "not enough 'x' observations"."""
    result = paired_change([20], [40])
    assert result["mean_change"] == 20 and result["pct_improvement"] == 100
    for field in ("sd_change", "t", "p", "df", "ci_low", "ci_high", "cohen_d_av", "cohen_d_z"):
        assert np.isnan(result[field]), field
    assert "not enough observations (1 pair" in result["note"]
    empty = paired_change([], [])
    assert empty["n"] == 0 and np.isnan(empty["mean_change"]) and empty["note"] == "no pairs"


def test_paired_change_from_a_zero_baseline_has_no_percent():
    result = paired_change([0, 0, 0], [4, 8, 16])
    assert np.isnan(result["pct_improvement"]) and np.isfinite(result["p"])
    assert "the mean baseline is zero" in result["note"]


def test_anova_of_one_group_is_na():
    """R: ``aov(y ~ g)`` with a one-level factor stops ("contrasts can be applied only to
    factors with 2 or more levels")."""
    result = oneway_anova([1, 2, 3], ["coaching"] * 3)
    assert all(np.isnan(result[f]) for f in ("F", "p", "df1", "df2", "eta2"))
    assert result["mean_coaching"] == 2
    assert result["note"] == "all observations are in the same group (coaching)"


def test_anova_of_identical_values_is_na():
    """R: ``summary(aov(rep(8, 4) ~ factor(c("a", "a", "b", "b"))))`` gives F value NaN and
    Pr(>F) NA (both sums of squares are zero)."""
    result = oneway_anova([8, 8, 8, 8], list("aabb"))
    assert np.isnan(result["F"]) and np.isnan(result["p"]) and np.isnan(result["eta2"])
    assert (result["df1"], result["df2"]) == (1, 2)
    assert result["note"] == "every value is the same"


def test_anova_without_residual_degrees_of_freedom_has_no_f():
    """One value per group: R's ``summary(aov(...))`` prints no F and no p."""
    result = oneway_anova([1, 5], list("ab"))
    assert np.isnan(result["F"]) and np.isnan(result["p"]) and result["eta2"] == 1
    assert "no residual degrees of freedom" in result["note"]


def test_tukey_skips_a_pair_without_values():
    """``TukeyHSD`` compares only the groups present."""
    result = tukey_hsd([1, 2, 3, 5, 6, 7], list("aaabbb"), [("b", "a"), ("a", "c")])
    assert result.loc[0, "difference"] == 4 and result.loc[0, "note"] == ""
    assert result.loc[1, ["difference", "ci_low", "ci_high", "p_adj"]].isna().all()
    assert result.loc[1, "note"] == "no values in group 'c'"
    single = tukey_hsd([1, 2, 3], list("aaa"), [("a", "b")])
    assert np.isnan(single.loc[0, "p_adj"])
    assert single.loc[0, "note"] == "all observations are in the same group (a)"


def test_rate_of_nobody_has_no_percentage():
    result = rate(pd.Series([], dtype=bool))
    assert result["n"] == 0 and result["total"] == 0 and np.isnan(result["pct"])
    assert result["note"] == "nobody to count"
