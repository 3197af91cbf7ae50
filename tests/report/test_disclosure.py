"""Small cells: the rule that withholds statistics of fewer than min_cell_size people."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.pipeline.results import Estimates
from helpers.report import figures, scorecard
from helpers.report.disclosure import DEFAULT, Disclosure, withheld
from helpers.report.tables import (
    flow_sentence,
    flow_table,
    require_analysed,
    table1_display,
    utilization_sentence,
    withhold_cells,
)
from helpers.stats.descriptive import summarize
from helpers.stats.nonparametric import wilcoxon_rank_sum
from helpers.stats.regression import level_groups, term_groups

FIVE = Disclosure(5)


# --- the rule ----------------------------------------------------------------------------


@pytest.mark.parametrize("size", [0, -1, 2.5, True, "5", None])
def test_min_cell_size_must_be_a_whole_number_of_at_least_one(size):
    with pytest.raises(ValueError, match="min_cell_size must be a whole number of at least 1"):
        Disclosure(size)


def test_withhold_extremes_must_be_true_or_false():
    with pytest.raises(ValueError, match="withhold_extremes must be True or False"):
        Disclosure(5, "yes")


def test_the_default_is_the_design():
    assert Disclosure(5, False) == DEFAULT


@given(n=st.integers(0, 10_000), k=st.integers(1, 100))
def test_a_cell_is_small_when_it_holds_one_to_k_minus_one_people(n, k):
    assert Disclosure(k).small(n) == (0 < n < k)
    assert not Disclosure(1).small(n)  # min_cell_size 1 withholds nothing


@given(n=st.integers(1, 4))
def test_a_reason_never_says_how_many_people_a_small_cell_holds(n):
    why = FIVE.reason(female=1200, male=n)
    assert why == "withheld because fewer than 5 people are in male (min_cell_size)"
    assert str(n) not in why.replace("5", "")
    assert FIVE.count(n)["note"] == (
        "withheld because it counts fewer than 5 people (min_cell_size)"
    )
    assert FIVE.shown(n) == "fewer than 5"


def test_a_large_cell_or_an_empty_one_is_not_withheld():
    assert FIVE.reason(female=1200, male=5) == ""
    assert FIVE.reason(female=1200, male=0) == ""  # an empty group reveals nobody
    assert FIVE.count(0)["n"] == 0 and FIVE.count(0)["note"] == ""
    assert FIVE.shown(5) == "5" and FIVE.shown(12_345) == "12,345"


# --- results -------------------------------------------------------------------------------


def test_a_result_of_a_small_group_is_withheld_whole_with_the_reason_alone():
    result = summarize([4.0, 5.0, 5.0])
    held = FIVE.result(result, people=3)
    numbers = held.drop("note")
    assert numbers.isna().all()  # n too: the count of a small cell is itself withheld
    assert held["note"] == "withheld because it describes fewer than 5 people (min_cell_size)"
    assert FIVE.result(result, people=5) is result
    assert Disclosure(1).result(result, people=3) is result


def test_extremes_are_withheld_only_when_asked():
    result = summarize([1.0, 2.0, 3.0, 4.0, 5.0, 5.0])
    assert FIVE.result(result, people=6)["min"] == 1.0
    held = Disclosure(5, withhold_extremes=True).result(result, people=6)
    assert math.isnan(held["min"]) and math.isnan(held["max"])
    assert held["median"] == result["median"] and held["mean"] == result["mean"]
    assert held["note"].startswith("withheld because a minimum or maximum is one person's value")


def test_a_comparison_withholds_the_small_group_and_what_compares_it():
    result = wilcoxon_rank_sum([3.0, 4.0, 4.5, 5.0, 5.0, 2.0], [4.0, 5.0], ("female", "male"))
    held = FIVE.comparison(result, "female", "male")
    assert held["median_first"] == result["median_first"]  # six women: their median stands
    for field in ("median_second", "n_second", "W", "p", "r"):
        assert math.isnan(held[field]), field
    assert held["note"] == "withheld because fewer than 5 people are in male (min_cell_size)"
    assert FIVE.comparison(wilcoxon_rank_sum([1.0] * 5, [2.0] * 5), "a", "b")["W"] == 0


@pytest.mark.parametrize(
    ("n", "total", "kept"),
    [(97, 100, False), (3, 100, False), (50, 100, True), (0, 100, True), (0, 3, False)],
)
def test_a_rate_is_withheld_when_its_count_or_the_rest_is_small(n, total, kept):
    rate = pd.Series({"n": float(n), "total": float(total), "pct": 100 * n / total, "note": ""})
    held = FIVE.rate(rate)
    assert (held["pct"] == rate["pct"]) == kept
    assert kept or held["note"].startswith("withheld because it counts, or leaves out")


def test_tables_withhold_the_rows_of_small_groups():
    pairs = pd.DataFrame(
        {"first": ["therapy", "coaching"], "second": ["coaching", "both"], "z": [1.5, 2.0]}
    )
    held = FIVE.pairs(pairs, {"therapy": 400, "coaching": 300, "both": 2})
    assert held["z"].tolist()[0] == 1.5 and math.isnan(held["z"].tolist()[1])
    assert held["note"].tolist() == [
        "",
        "withheld because fewer than 5 people are in both (min_cell_size)",
    ]
    groups = pd.DataFrame(
        {"n": [400.0, 3.0], "mean_change": [10.0, 12.0], "note": ["", ""]},
        index=["therapy", "both"],
    )
    held = FIVE.groups(groups)
    assert held.loc["therapy", "mean_change"] == 10.0
    assert math.isnan(held.loc["both", "mean_change"]) and math.isnan(held.loc["both", "n"])
    with pytest.raises(ValueError, match="2 sizes for a table of 1 rows"):
        FIVE.rows(groups.iloc[:1], [{}, {}])


def test_a_dummys_coefficient_rests_on_its_group_and_the_reference():
    data = pd.DataFrame(
        {
            "male": [1.0] * 3 + [0.0] * 7,
            "coaching": [0.0] * 5 + [1.0] * 4 + [0.0],
            "both": [0.0] * 9 + [1.0],
            "utilization": ["therapy"] * 5 + ["coaching"] * 4 + ["both"],
        }
    )
    assert term_groups(data, "male") == {"male": 3, "female": 7}
    assert term_groups(data, "alliance_score:both") == {"both": 1, "therapy": 5}
    assert term_groups(data, "Intercept") == {"people": 10}
    assert level_groups(data, "utilization", "coaching") == {"coaching": 4}
    assert level_groups(data, "who5_baseline", "+1 SD") == {"people": 10}


# --- Table 1 and the flow ------------------------------------------------------------------


def _table1() -> pd.DataFrame:
    rows = [
        ("table1.n", "both", 3.0),
        ("table1.n", "total", 900.0),
        ("table1.sex.male.n", "total", 4.0),
        ("table1.sex.male.pct", "total", 0.44),
        ("table1.sex.female.n", "total", 896.0),
        ("table1.sex.female.pct", "total", 99.56),
        ("table1.age.mean", "both", 41.0),
        ("table1.age.mean", "total", 38.2),
        ("table1.alliance.min", "total", 1.0),
        ("table1.alliance.median", "total", 4.5),
        ("cohort.analyzed", "all", 900.0),
        ("cohort.age.max", "all", 73.0),
    ]
    return pd.DataFrame(
        [(k, g, v, "") for k, g, v in rows], columns=["key", "group", "value", "note"]
    )


def test_table1_withholds_small_counts_their_shares_and_small_groups():
    held = withhold_cells(_table1(), FIVE).set_index(["key", "group"])
    gone = [
        ("table1.n", "both"),
        ("table1.sex.male.n", "total"),
        ("table1.sex.male.pct", "total"),
        ("table1.age.mean", "both"),
    ]
    for cell in gone:
        assert math.isnan(held.loc[cell, "value"]) and withheld(held.loc[cell, "note"]), cell
    kept = [("table1.sex.female.pct", "total"), ("table1.age.mean", "total")]
    kept += [("table1.alliance.min", "total"), ("cohort.age.max", "all")]
    for cell in kept:
        assert held.loc[cell, "note"] == "" and not math.isnan(held.loc[cell, "value"]), cell
    assert "–" in table1_display(held.reset_index()).loc["n", "both"]


def test_table1_withholds_every_minimum_and_maximum_when_asked():
    held = withhold_cells(_table1(), Disclosure(5, withhold_extremes=True))
    held = held.set_index(["key", "group"])
    for cell in [("table1.alliance.min", "total"), ("cohort.age.max", "all")]:
        assert math.isnan(held.loc[cell, "value"]), cell
        assert "one person's value" in held.loc[cell, "note"]
    assert held.loc[("table1.alliance.median", "total"), "value"] == 4.5


def test_the_utilization_sentence_says_a_small_group_is_withheld():
    table = pd.DataFrame(
        [
            ("table1.n", "therapy", 500.0),
            ("table1.n", "coaching", 400.0),
            ("table1.n", "both", math.nan),
            ("table1.screened_positive.pct", "therapy", 30.0),
            ("table1.screened_positive.pct", "coaching", 20.0),
            ("table1.screened_positive.pct", "both", math.nan),
        ],
        columns=["key", "group", "value"],
    )
    assert utilization_sentence(table, FIVE) == (
        "Therapy alone was the most common route into care (500 people), then coaching alone "
        "(400); both: fewer than 5 people (withheld). Screened positive for depressive "
        "symptoms: therapy alone 30.0%, coaching alone 20.0%."
    )


FLOW = pd.DataFrame(
    {
        "step": ["registered", "adult", "in_window_session", "baseline", "followup", "rated"],
        "criterion": ["registered", "adult", "session", "baseline", "follow-up", "rated"],
        "n": [1200, 1197, 800, 790, 600, 598],
        "excluded": [0, 3, 397, 10, 190, 2],
    }
)


def test_the_flow_says_small_counts_in_words():
    assert flow_table(FLOW, FIVE)["excluded"].tolist() == [
        "0",
        "fewer than 5",
        "397",
        "10",
        "190",
        "fewer than 5",
    ]
    assert flow_table(FLOW, Disclosure(1))["excluded"].tolist()[1] == "3"
    assert "598 of them" in flow_sentence(FLOW, FIVE)
    tiny = FLOW.assign(n=[9, 3, 3, 3, 0, 0], excluded=[0, 6, 0, 0, 3, 0])
    assert "(fewer than 5 people)" not in flow_sentence(tiny, FIVE)  # the largest is 6
    with pytest.raises(ValueError, match="where fewer than 5 of fewer than 5 were excluded"):
        require_analysed(tiny, FIVE)


def test_estimates_keep_the_withheld_note_and_the_scorecard_says_withheld():
    estimates = Estimates()
    estimates.add("table1.n", "both", math.nan, FIVE.count(3)["note"])
    estimates.add("table1.n", "coaching", math.nan, "nobody in this group")
    frame = estimates.frame()
    assert frame["note"].tolist() == [
        "withheld because it counts fewer than 5 people (min_cell_size)",
        "not estimable: nobody in this group",
    ]
    published = pd.DataFrame(
        {
            "key": ["table1.n", "table1.n"],
            "label": ["n", "n"],
            "group": ["both", "coaching"],
            "reported": ["153", "1249"],
            "statistic": ["n", "n"],
            "source": ["Table 1", "Table 1"],
        }
    )
    card = scorecard.scorecard(frame, published)
    assert card["verdict"].tolist() == [scorecard.WITHHELD, scorecard.NOT_ESTIMABLE]
    assert scorecard.counts(card, "aim").loc["All", scorecard.WITHHELD] == 1


# --- figures -------------------------------------------------------------------------------


def _heatmap_cells(figure) -> np.ndarray:
    mesh = figure.axes[0].collections[0]
    return np.ma.filled(mesh.get_array().astype(float), np.nan)


def test_the_heatmap_blanks_cells_below_min_cell_size():
    baseline = pd.Series([20.0] * 4 + [40.0] * 6)
    followup = pd.Series([40.0] * 4 + [60.0] * 6)
    shown = _heatmap_cells(figures.who5_before_after(baseline, followup, 28, FIVE))
    assert np.nansum(shown) == 6  # the four-person cell is blank
    shown = _heatmap_cells(figures.who5_before_after(baseline, followup, 28, Disclosure(4)))
    assert np.nansum(shown) == 10


def test_figures_draw_nothing_of_a_small_group():
    people = pd.DataFrame(
        {
            "utilization": ["therapy"] * 6 + ["both"] * 2,
            "alliance_score": [4.0, 4.5, 5.0, 5.0, 3.5, 4.0, 5.0, 2.0],
        }
    )
    figure = figures.alliance_by_utilization(people, ("therapy", "both"), FIVE)
    therapy, both = figure.axes
    assert sum(p.get_height() for p in therapy.patches) > 0
    assert sum(p.get_height() for p in both.patches) == 0
    assert (
        both.get_title(loc="left")
        == "both: withheld because it describes fewer than 5 people (min_cell_size)"
    )
    tiny = FLOW.assign(n=[9, 3, 3, 3, 3, 3], excluded=[0, 6, 0, 0, 0, 0])
    bars = figures.eligibility_flow(tiny, FIVE).axes[0]
    assert [p.get_width() for p in bars.patches] == [9, 0, 0, 0, 0, 0]
    labels = [t.get_text().strip() for t in bars.texts]
    assert labels == ["9", "fewer than 5  (−6)", *["fewer than 5"] * 4]
