"""The scorecard: joining estimates with the printed values, tolerances, counts."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from helpers.report import review, scorecard
from helpers.report.verdicts import DIFFERS, MATCH, WITHIN

PUBLISHED = pd.DataFrame(
    [
        ("table1.age.mean", "35.53", "therapy", "mean", "Table 1"),
        ("table1.age.sd", "8.45", "therapy", "sd", "Table 1"),
        ("aim1.sex.mwu.p", "0.005", "female vs male", "p", "Results"),
        ("aim3.alliance.b", "2.04", "full model", "b", "Abstract; Table 2"),
        ("aim3.alliance.beta", "0.08", "full model", "beta", "Table 2"),
        ("aim2.recovery.pct", "58", "screened_positive", "percent", "Abstract; Results"),
        ("aim1.utilization.dunn.z", "2.70", "coaching vs therapy", "Z", "Results"),
    ],
    columns=["key", "reported", "group", "statistic", "source"],
).assign(label=lambda frame: "claim " + frame["key"])


def _estimates(values: dict[tuple[str, str], float]) -> pd.DataFrame:
    return pd.DataFrame(
        [(k, g, v) for (k, g), v in values.items()], columns=["key", "group", "value"]
    )


BASE = {
    ("table1.n", "therapy"): 100.0,
    ("table1.age.sd", "therapy"): 10.0,
    ("aim3.alliance.se", "full model"): 1.0,
    ("aim2.recovery.n", "screened_positive"): 50.0,
}


def test_standard_errors_follow_the_documented_rules():
    values = {
        **BASE,
        ("table1.age.mean", "therapy"): 35.0,
        ("aim3.alliance.b", "full model"): 2.0,
        ("aim3.alliance.beta", "full model"): 0.1,
        ("aim2.recovery.pct", "screened_positive"): 50.0,
        ("aim1.utilization.dunn.z", "coaching vs therapy"): 2.0,
        ("aim1.sex.mwu.p", "female vs male"): 0.01,
    }
    se = scorecard.standard_error
    assert se("table1.age.mean", "therapy", "mean", values) == pytest.approx(10 / math.sqrt(100))
    assert se("table1.age.sd", "therapy", "sd", values) == pytest.approx(10 / math.sqrt(198))
    assert se("aim3.alliance.b", "full model", "b", values) == 1.0
    assert se("aim3.alliance.beta", "full model", "beta", values) == pytest.approx(0.05)
    # 50 of 100: 100 sqrt(.25 / 100) = 5 percentage points
    assert se("aim2.recovery.pct", "screened_positive", "percent", values) == pytest.approx(5)
    assert se("aim1.utilization.dunn.z", "coaching vs therapy", "Z", values) == 1.0
    assert se("aim1.sex.mwu.p", "female vs male", "p", values) is None
    assert se("table1.age.mean", "both", "mean", values) is None  # not computed


def test_each_verdict_and_the_decision_of_a_p_value():
    values = {
        **BASE,
        ("table1.age.mean", "therapy"): 35.534,  # rounds to 35.53
        ("table1.age.sd", "therapy"): 8.2,  # 0.245 below 8.445; SE 8.2 / sqrt(198) = .58
        ("aim1.sex.mwu.p", "female vs male"): 0.19,  # no tolerance for p
        ("aim3.alliance.b", "full model"): 9.0,  # 7 SEs away
        ("aim2.recovery.pct", "screened_positive"): 50.0,
    }
    card = scorecard.scorecard(_estimates(values), PUBLISHED, {("table1.age.sd", "therapy"): "01"})
    verdicts = dict(zip(card["key"], card["verdict"], strict=True))
    assert verdicts["table1.age.mean"] == MATCH
    assert verdicts["table1.age.sd"] == WITHIN
    assert verdicts["aim1.sex.mwu.p"] == DIFFERS
    assert verdicts["aim3.alliance.b"] == DIFFERS
    assert verdicts["aim1.utilization.dunn.z"] == scorecard.NOT_COMPUTED
    row = card.set_index("key").loc["aim1.sex.mwu.p"]
    assert row["same_decision"] == False  # noqa: E712  .005 is significant, .19 is not
    assert card.set_index("key").loc["table1.age.mean", "difference"] == pytest.approx(0.004)
    assert card.set_index("key").loc["table1.age.sd", "notebook"] == "01"
    assert list(card["key"]) == list(PUBLISHED["key"])  # the published order


def test_counts_add_up_per_aim_and_per_table():
    values = {
        **BASE,
        ("table1.age.mean", "therapy"): 35.53,
        ("aim3.alliance.b", "full model"): 2.04,
    }
    card = scorecard.scorecard(_estimates(values), PUBLISHED)
    by_table = scorecard.counts(card, "table")
    assert by_table.loc["All", "claims"] == len(PUBLISHED)
    assert by_table.loc["Table 2", MATCH] == 1  # b; beta is not computed
    assert by_table.loc["Table 2", scorecard.NOT_COMPUTED] == 1
    assert set(scorecard.counts(card, "aim").index) == {"Cohort", "Aim 1", "Aim 2", "Aim 3", "All"}
    with pytest.raises(ValueError, match="no column"):
        scorecard.counts(card, "chapter")


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError, match="must not be negative"):
        scorecard.scorecard(_estimates(BASE), PUBLISHED, z=-1)
    with pytest.raises(ValueError, match=r"published lacks column\(s\) \['source'\]"):
        scorecard.scorecard(_estimates(BASE), PUBLISHED.drop(columns="source"))


def test_the_claims_table_links_each_claim_to_the_cell_that_computed_it():
    values = {**BASE, ("table1.age.mean", "therapy"): 35.53}
    card = scorecard.scorecard(
        _estimates(values), PUBLISHED, {("table1.age.mean", "therapy"): "01_cohort"}
    )
    table = review.claims_html(card)
    assert '<a href="01_cohort.html#claim-table1-age-mean--therapy">' in table
    assert table.count("<tr><td") == len(PUBLISHED)


def test_a_claim_written_as_missing_is_not_estimable_not_uncomputed():
    """An empty value (``estimates.csv`` read as text, as the report reads it) or NaN means
    the run wrote the claim but the data could not support it."""
    estimates = pd.DataFrame(
        [
            ("table1.n", "therapy", "100"),
            ("table1.age.mean", "therapy", "35.53"),
            ("table1.age.sd", "therapy", ""),  # e.g. one person: no SD
            ("aim3.alliance.b", "full model", float("nan")),  # e.g. an aliased term
        ],
        columns=["key", "group", "value"],
    )
    card = scorecard.scorecard(estimates, PUBLISHED).set_index("key")
    assert card.loc["table1.age.mean", "verdict"] == MATCH
    assert card.loc["table1.age.sd", "verdict"] == scorecard.NOT_ESTIMABLE
    assert card.loc["aim3.alliance.b", "verdict"] == scorecard.NOT_ESTIMABLE
    assert card.loc["aim3.alliance.beta", "verdict"] == scorecard.NOT_COMPUTED  # never written
    assert pd.isna(card.loc["table1.age.sd", "replicated"])
    assert scorecard.NOT_ESTIMABLE == "not estimable on these data"
    assert scorecard.NOT_ESTIMABLE in scorecard.VERDICTS
    counts = scorecard.counts(card.reset_index(), "table")
    assert counts.loc["All", scorecard.NOT_ESTIMABLE] == 2
    assert counts.loc["All", scorecard.NOT_COMPUTED] == len(PUBLISHED) - 3
    assert counts.loc["All", "claims"] == len(PUBLISHED)
    table = review.claims_html(card.reset_index())
    assert "not estimable on these data</span>" in table
    assert table.count("#fbefff") == 2  # its own colour
