"""Table 1 and flow estimates on the hand-built cohort (tests/fixtures/cohort_small), by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.data.cohort import derive_cohort
from helpers.data.rawdata import load_raw
from helpers.report.disclosure import Disclosure
from helpers.report.tables import (
    flow_estimates,
    flow_sentence,
    require_analysed,
    table1_display,
    table1_estimates,
    utilization_sentence,
)
from locations import R_VALUES, SMALL, STATS_COHORT


@pytest.fixture(scope="module")
def cohort():
    return derive_cohort(load_raw(SMALL))


@pytest.fixture(scope="module")
def table(cohort):
    return table1_estimates(cohort.participants).set_index(["key", "group"])["value"]


def test_table1_by_hand(table):
    # therapy: P01 (30, female, US), P09 (52, male, DE), P16 (44, male, US)
    assert table["table1.age.mean", "therapy"] == pytest.approx(42)
    assert table["table1.age.sd", "therapy"] == pytest.approx(pd.Series([30, 52, 44]).std())
    assert table["table1.sex.male.n", "therapy"] == 2
    assert table["table1.sex.male.pct", "therapy"] == pytest.approx(200 / 3)
    assert table["table1.country.us.pct", "therapy"] == pytest.approx(200 / 3)
    # both: P06 (IN) and P14 (country missing): percent of known countries
    assert table["table1.country.non_us.n", "both"] == 1
    assert table["table1.country.non_us.pct", "both"] == 100
    assert table["table1.sex.missing.pct", "both"] == 50
    # alliance in total, sorted: 1.5 2.5 3.0 4.0 4.0 4.5 4.67 4.75 -> (4.0 + 4.0) / 2
    assert table["table1.alliance.median", "total"] == pytest.approx(4.0)
    assert table["table1.sessions.max", "total"] == 3
    assert table["table1.time_in_care_days.max", "both"] == 378
    assert table["table1.screened_positive.n", "total"] == 4
    assert table["cohort.analyzed", "all"] == 8
    assert table["cohort.utilization.both.n", "all"] == 2


def test_flow_estimates(cohort):
    flow = flow_estimates(cohort.flow).set_index("key")["value"]
    assert flow["cohort.completed_assessments"] == 11
    assert flow["cohort.flow.rated.excluded"] == 3


def test_display_prints_like_the_paper(table):
    display = table1_display(table.rename("value").reset_index())
    assert list(display.columns) == ["therapy", "coaching", "both", "total"]
    assert display.loc["Age, M (SD)", "therapy"] == f"42.00 ({pd.Series([30, 52, 44]).std():.2f})"
    assert display.loc["Outside USA, n (%)", "both"] == "1 (100.0%)"


STEMS = {"age": "age", "alliance_score": "alliance", "n_sessions": "sessions",
         "time_in_care_days": "time_in_care_days"}  # fmt: skip


def test_table1_descriptives_match_r():
    """Means, SDs (n − 1) and medians against R on the bundled synthetic cohort's variables."""
    cohort = pd.read_csv(STATS_COHORT).assign(followup_days=0)
    reference = pd.read_csv(R_VALUES).set_index("name")["value"]
    table = table1_estimates(cohort).set_index(["key", "group"])["value"]
    for group in ("therapy", "coaching", "both", "total"):
        for column, stem in STEMS.items():
            for statistic in ("mean", "sd") if column == "age" else ("mean", "sd", "median"):
                ours = table[f"table1.{stem}.{statistic}", group]
                expected = float(reference[f"table1_{column}_{group}_{statistic}"])
                assert ours == pytest.approx(expected, rel=1e-12), (column, group, statistic)


def test_an_empty_group_is_written_as_missing_with_a_reason(cohort):
    """No "both" users: Table 1's both column is written, its statistics missing, and why."""
    people = cohort.participants[cohort.participants["utilization"] != "both"]
    frame = table1_estimates(people).set_index(["key", "group"])
    assert frame.loc[("table1.n", "both"), "value"] == 0
    assert frame.loc[("cohort.utilization.both.n", "all"), "value"] == 0
    assert pd.isna(frame.loc[("table1.age.mean", "both"), "value"])
    assert frame.loc[("table1.age.mean", "both"), "note"] == "nobody in this group"
    assert pd.isna(frame.loc[("table1.sex.female.pct", "both"), "value"])
    assert frame.loc[("table1.age.mean", "therapy"), "note"] == ""
    display = table1_display(frame.reset_index())
    assert display.loc["Age, M (SD)", "both"] == "– (–)"
    assert "nan" not in display.to_string()
    sentence = utilization_sentence(frame.reset_index())
    assert "nobody used both" in sentence and "nan" not in sentence


def test_one_person_has_no_standard_deviation(cohort):
    one = cohort.participants.head(1)
    frame = table1_estimates(one).set_index(["key", "group"])
    assert pd.isna(frame.loc[("table1.age.sd", "total"), "value"])
    assert frame.loc[("table1.age.sd", "total"), "note"] == "only one person: no standard deviation"
    assert frame.loc[("cohort.age.mean", "all"), "value"] == one["age"].iloc[0]


def test_the_flow_sentence_names_the_largest_exclusion(cohort):
    # 18 -> 16 -> 14 -> 13 -> 11 -> 8: the rating step excludes 3, more than any other
    assert flow_sentence(cohort.flow, Disclosure(1)).endswith(
        "The rating requirement is the largest single exclusion (3 people)."
    )
    assert flow_sentence(cohort.flow).endswith(  # the default min_cell_size, 5
        "The rating requirement is the largest single exclusion (fewer than 5 people)."
    )


def test_nobody_eligible_stops_and_names_the_step(cohort):
    flow = cohort.flow.copy()
    flow.loc[flow["step"].isin(["followup", "rated"]), "n"] = 0
    flow.loc[flow["step"] == "followup", "excluded"] = 13
    with pytest.raises(ValueError, match="everyone left at step 'followup'") as stopped:
        require_analysed(flow)
    assert "13 of 13 were excluded" in str(stopped.value)
    assert "registered 18 -> adult 16" in str(stopped.value)
    require_analysed(cohort.flow)  # 8 analysed: no error
