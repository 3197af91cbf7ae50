"""The report's layout of the scorecard: the verdict first, the claims that differ in order."""

from __future__ import annotations

import re

import pandas as pd

from helpers.report import review, scorecard
from helpers.report.verdicts import DIFFERS, MATCH, WITHIN


def _card(rows: list[tuple]) -> pd.DataFrame:
    columns = ["key", "group", "label", "aim", "statistic", "printed", "replicated"]
    columns += ["difference", "tolerance", "verdict", "same_decision", "notebook"]
    return pd.DataFrame(rows, columns=columns)


CARD = _card(
    [
        (
            "aim2.anova.p",
            "utilization",
            "ANOVA p",
            "Aim 2",
            "p",
            "<0.001",
            0.015,
            None,
            None,
            DIFFERS,
            False,
            "03_aim2_wellbeing",
        ),
        (
            "aim1.alliance.sd",
            "all",
            "Alliance: SD",
            "Aim 1",
            "sd",
            "0.62",
            0.68,
            0.06,
            0.02,
            DIFFERS,
            None,
            "02_aim1_alliance",
        ),
        (
            "aim1.sex.mwu.p",
            "female vs male",
            "Women vs men: p",
            "Aim 1",
            "p",
            "0.005",
            0.187,
            0.182,
            None,
            DIFFERS,
            False,
            "02_aim1_alliance",
        ),
        (
            "aim1.alliance.median",
            "all",
            "Alliance: median",
            "Aim 1",
            "median",
            "4.8",
            4.75,
            -0.05,
            0.03,
            WITHIN,
            None,
            "02_aim1_alliance",
        ),
        (
            "cohort.analyzed",
            "all",
            "Analysed: n",
            "Cohort",
            "n",
            "3087",
            3087.0,
            0.0,
            None,
            MATCH,
            None,
            "01_cohort",
        ),
    ]
)


def test_the_verdict_says_how_many_numbers_hold_up_and_the_decisions():
    assert review.verdict_sentence(CARD) == (
        "Of the paper's 5 printed numbers, 1 matches as printed, 1 lies within sampling "
        "tolerance and 3 differ. Of its 2 printed p-values, the replication reaches the same "
        "decision at .05 for 0."
    )
    table = review.verdict_table(CARD).set_index("verdict")["claims"]
    assert table["claims checked"] == 5 and table[DIFFERS] == 3
    assert list(table.index[1:]) == list(scorecard.VERDICTS)  # every verdict, zeros too


def test_the_claims_that_differ_come_by_aim_most_serious_first():
    order = review.differing(CARD)["key"].tolist()
    # aim 1 before aim 2; within aim 1 the p-value whose decision flips first
    assert order == ["aim1.sex.mwu.p", "aim1.alliance.sd", "aim2.anova.p"]


def test_claims_read_in_words_linked_to_their_cell_with_the_verdict_as_a_word():
    page = review.claims_html(review.differing(CARD))
    assert '<a href="02_aim1_alliance.html#claim-aim1-sex-mwu-p--female-vs-male">' in page
    assert "Women vs men: p" in page and "aim1.sex.mwu.p<" not in page
    assert page.index("<h4>Aim 1 (2)</h4>") < page.index("<h4>Aim 2 (1)</h4>")
    assert ">differs</span>" in page  # the word, on its colour
    assert ">.187<" in page and ">.015<" in page  # p-values as a paper prints them
    assert not re.search(r"\de[-+]\d", page)  # never scientific notation
