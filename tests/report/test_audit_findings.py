"""The audit as findings a reviewer reads: sentences, kinds, order, and the abstract's restatements.

The sentences are pinned word for word; their numbers are arithmetic on printed
numbers, worked in the comments.
"""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from helpers.report import audit, intervals
from helpers.report.audit import _wording
from helpers.report.audit import findings as audit_findings
from helpers.report.audit._checks import run_checks
from helpers.report.published import load_published

ANOVA = (
    # P(F(2, 832) > 4.76) = .0088
    "Change by provider type: ANOVA p — F(2, 832) = 4.76 gives p = .0088; "
    "the paper prints p < .001."
)
COUNTRY_THERAPY = (
    # 555 in therapy only, 470 + 82 = 552 with a country: Table 1 has no row for the other 3
    "Table 1, therapy only: within the USA, n — 470 (within the USA) + 82 (outside the USA) "
    "= 552 of 555 (therapy only): the other 3 must be in a category the paper does not print, "
    "such as a missing value."
)
COUNTRY_TOTAL = (
    "Table 1, total: within the USA, n — 2,348 (within the USA) + 732 (outside the USA) "
    "= 3,080 of 3,087 (analysed): the other 7 must be in a category the paper does not print, "
    "such as a missing value."
)


def _paper(edits: dict[tuple[str, str], str] | None = None) -> pd.DataFrame:
    published = load_published()
    for (key, group), text in (edits or {}).items():
        row = (published["key"] == key) & (published["group"] == group)
        assert row.sum() == 1, (key, group)
        published.loc[row, "reported"] = text
    return published


def _row(report: pd.DataFrame, key: str, group: str) -> pd.Series:
    rows = report[(report["key"] == key) & (report["group"] == group)]
    assert len(rows) == 1, (key, group, report[["key", "group"]])
    return rows.iloc[0]


# --- the paper as printed -----------------------------------------------------------


def test_the_anova_p_reads_as_a_contradiction():
    row = _row(audit.findings_report(load_published()), "aim2.anova.p", "utilization")
    assert row["sentence"] == ANOVA
    assert (row["kind"], row["serious"], row["gross"]) == ("contradiction", 2, False)
    assert row["claim"] == "Change by provider type: ANOVA p"
    assert (row["printed"], row["source"], row["checks"]) == ("<0.001", "Results", "p from F")


def test_missing_countries_read_as_omissions():
    report = audit.findings_report(load_published())
    assert _row(report, "table1.country.us.n", "therapy")["sentence"] == COUNTRY_THERAPY
    assert _row(report, "table1.country.us.n", "total")["sentence"] == COUNTRY_TOTAL
    coaching = _row(report, "table1.country.us.n", "coaching")
    assert coaching["sentence"].startswith(
        "Table 1, coaching only: within the USA, n — 1,468 (within the USA) + 531 (outside the "
        "USA) = 1,999 of 2,003 (coaching only): the other 4 "
    )
    assert set(report.loc[report["key"] == "table1.country.us.n", "kind"]) == {"omission"}


def test_the_paper_reads_as_two_contradictions_then_three_omissions():
    report = audit.findings_report(load_published())
    assert list(zip(report["key"], report["group"], report["kind"], strict=True)) == [
        ("aim2.anova.p", "utilization", "contradiction"),
        ("aim3.full.delta_r2_p", "full model", "contradiction"),
        ("table1.country.us.n", "therapy", "omission"),
        ("table1.country.us.n", "coaching", "omission"),
        ("table1.country.us.n", "total", "omission"),
    ]
    assert report["serious"].tolist() == [2, 2, 4, 4, 4] and not report["gross"].any()
    # one row per printed number: the two routes to the p of delta R2 share a sentence
    # (0.01 / ((1 - 0.06) / 669) = 7.12; (2.04 / 0.99)^2 = 4.25, p = .040)
    delta = _row(report, "aim3.full.delta_r2_p", "full model")
    assert delta["sentence"] == (
        "Table 2, step 2 (adds alliance): p of ΔR² — F(1, 669) = 0.01 / ((1 − 0.06) / 669) = "
        "7.12 gives p = .0078 (.0011 to .060 as the printed numbers round), and one added "
        "predictor's F-change = t² = (2.04 / 0.99)² = 4.25 gives p = .040; "
        "the paper prints p < .001."
    )
    assert delta["checks"] == (
        "p of delta R2 from F-change; p of delta R2 from the added coefficient's t"
    )


def test_the_report_agrees_with_the_audit_table():
    table = audit.audit(load_published())
    report = audit.findings_report(load_published())
    flagged = set(table.loc[~table["consistent"], "claim"])
    assert {f"{k} [{g}]" for k, g in zip(report["key"], report["group"], strict=True)} == flagged
    # the table keeps its columns
    assert table.columns.tolist() == [
        "check", "claim", "printed", "recomputed", "consistent", "gross", "arithmetic",
    ]  # fmt: skip


# --- planted errors: kinds and order --------------------------------------------------


def test_a_gross_p_comes_first():
    # rho = -0.01 with n = 3087 gives p = .58: a printed .01 flips the decision at .05
    report = audit.findings_report(_paper({("aim1.age.spearman.p", "all"): "0.01"}))
    first = report.iloc[0]
    assert (first["key"], first["serious"], first["gross"]) == ("aim1.age.spearman.p", 1, True)
    assert first["sentence"] == (
        "Age and alliance: Spearman p — ρ = -0.01 with n = 3,087 gives p = .579 (.405 to .781 "
        "as the printed numbers round); the paper prints p = .01, on the other side of .05."
    )
    assert report["serious"].is_monotonic_increasing
    assert report["kind"].tolist() == ["contradiction"] * 3 + ["omission"] * 3


def test_counts_beyond_their_group_are_a_contradiction():
    # 480 + 82 = 562 people with a country, in a group of 555: no omission explains that
    report = audit.findings_report(_paper({("table1.country.us.n", "therapy"): "480"}))
    row = _row(report, "table1.country.us.n", "therapy")
    assert row["kind"] == "contradiction"
    assert row["sentence"] == (
        "Table 1, therapy only: within the USA, n — 480 (within the USA) + 82 (outside the USA) "
        "= 562, more than 555 (therapy only): these counts cannot all be right."
    )


@pytest.mark.parametrize(
    ("both", "kind", "ending"),
    [
        # 555 + 2003 + 519 = 3077 < 3087: ten people in a group the paper does not print
        ("519", "omission", "= 3,077, 10 short of the 3,087 printed: the other 10 must be in a "
         "group the paper does not print."),
        # 555 + 2003 + 539 = 3097 > 3087
        ("539", "contradiction", "= 3,097, more than the 3,087 printed: these counts cannot all "
         "be right."),
    ],
)  # fmt: skip
def test_a_total_short_of_its_groups_is_an_omission_one_above_them_a_contradiction(
    both, kind, ending
):
    report = audit.findings_report(_paper({("cohort.utilization.both.n", "all"): both}))
    row = _row(report, "cohort.analyzed", "all")
    assert row["kind"] == kind
    assert row["sentence"] == (
        "Analysed (at least one alliance rating): n — 555 (therapy only) + 2,003 (coaching "
        f"only) + {both} (therapy and coaching) {ending}"
    )


@pytest.mark.parametrize(
    ("key", "printed", "kind"),
    [
        # 1669 / 3087 = 54.07%: 55.1% could be a share of fewer people (a smaller, unprinted
        # denominator), 53.1% could not
        ("table1.sex.female.pct", "55.1", "cannot tell"),
        ("table1.sex.female.pct", "53.1", "contradiction"),
        # the size-weighted mean age is 35.53: 35.60 lies between the group means (34.95 to
        # 35.80), so other weights could give it; 36.53 lies above them all
        ("table1.age.mean", "35.60", "cannot tell"),
        ("table1.age.mean", "36.53", "contradiction"),
    ],
)
def test_a_check_that_cannot_tell_says_so(key, printed, kind):
    report = audit.findings_report(_paper({(key, "total"): printed}))
    row = _row(report, key, "total")
    assert row["kind"] == kind
    assert ("cannot tell an error from an omission" in row["sentence"]) == (kind == "cannot tell")
    assert row["serious"] == {"contradiction": 2, "cannot tell": 3}[kind]


def test_a_percentage_that_cannot_tell_reads_in_full():
    row = _row(
        audit.findings_report(_paper({("table1.sex.female.pct", "total"): "55.1"})),
        "table1.sex.female.pct",
        "total",
    )
    assert row["sentence"] == (
        "Table 1, total: women, % — 1,669 of 3,087 analysed in the group gives 54.07%; the paper "
        "prints 55.1%; a smaller denominator the paper does not print (such as the people with a "
        "known value) would give it, so this cannot tell an error from an omission."
    )


def test_every_check_has_a_rule():
    paper = audit.Paper(load_published())
    for item in run_checks(paper):
        flipped = dataclasses.replace(item, consistent=False)
        kind, note = audit_findings._kind(flipped, paper)
        assert kind in audit_findings.KINDS and "no rule" not in note, item.check


# --- hand-built inputs --------------------------------------------------------------


def _small(rows, labels=None) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["key", "group", "reported"])
    if labels is not None:
        frame["label"] = labels
    return frame


def _p_from_f(paper: audit.Paper, check: str = "p from F") -> intervals.Finding:
    return intervals.finding(
        paper,
        check=check,
        key="x.p",
        group="g",
        recomputed=(0.00876, 0.00884),
        arithmetic="",
        alpha=0.05,
        premise="F(2, 832) = 4.76",
        value=0.0088,
    )


def test_a_hand_built_finding_reads_with_or_without_labels():
    rows = [("x.F", "g", "4.76"), ("x.p", "g", "<0.001")]
    bare = _small(rows)
    found = _p_from_f(audit.Paper(bare))
    report = audit.findings_report(bare, [found])
    assert report["sentence"].tolist() == [
        "x.p [g] — F(2, 832) = 4.76 gives p = .0088; the paper prints p < .001."
    ]
    labelled = _small(rows, ["Test: F", "Test: p"])
    assert audit.findings_report(labelled, [found])["sentence"].iloc[0].startswith("Test: p — ")
    # a Paper carries no labels; a check the report has no rule for cannot tell
    unknown = _p_from_f(audit.Paper(bare), check="p from a new test")
    row = audit.findings_report(audit.Paper(bare), [unknown]).iloc[0]
    assert row["kind"] == "cannot tell" and "no rule" in row["sentence"]
    # consistent findings make no row
    fine = dataclasses.replace(found, consistent=True)
    assert audit.findings_report(bare, [fine]).empty


def test_the_report_refuses_what_it_cannot_read():
    published = load_published()
    with pytest.raises(ValueError, match="not audit"):
        audit.findings_report(published, audit.audit(published))
    with pytest.raises(ValueError, match="expected Finding objects"):
        audit.findings_report(published, ["aim2.anova.p"])
    with pytest.raises(ValueError, match="missing column"):
        audit.restated(published.drop(columns="note"))


# --- the abstract's restatements --------------------------------------------------


def test_the_abstract_restates_two_numbers():
    table = audit.restated(load_published())
    assert table["sentence"].tolist() == [
        "Women vs men: Mann–Whitney p — the abstract prints p = .01, the results p = .005.",
        "Clinical improvement: % — the abstract prints 57%, the results 57.6%.",
    ]
    assert table[["key", "abstract", "results"]].values.tolist() == [
        ["aim1.sex.mwu.p", "p = .01", "p = .005"],
        ["aim2.improvement.pct", "57%", "57.6%"],
    ]


def test_a_restatement_names_where_else_it_is_printed():
    frame = pd.DataFrame(
        {
            "key": ["x.b"],
            "group": ["g"],
            "label": ["Alliance: b"],
            "reported": ["2.04"],
            "statistic": ["b"],
            "source": ["Abstract; Table 2"],
            "note": ["abstract reports b = 2.0; rounded"],
        }
    )
    assert audit.restated(frame)["sentence"].tolist() == [
        "Alliance: b — the abstract prints b = 2.0, Table 2 b = 2.04."
    ]


# --- numbers as a paper prints them -------------------------------------------------


def test_numbers_read_as_a_paper_prints_them():
    assert _wording.p_number(0.008757) == ("=", ".0088")
    assert _wording.p_number(0.0397) == ("=", ".040")
    assert _wording.p_number(1e-12) == ("<", ".001")  # never scientific notation
    # .0452 rounds to .045, which a printed .04 allows: one more decimal shows the point
    assert _wording.p_number(0.0452, "0.04") == ("=", ".0452")
    assert _wording.number(1_234_567.0, "1234567") == "1,234,567"
    assert _wording.number(0.0000123, "0.00") == "0.000012"
    assert _wording.as_printed("<0.03", "p") == "p < .03"
    assert _wording.as_printed("767724", "W") == "W = 767,724"
    assert _wording.as_printed("-0.13", "ci_low") == "a lower bound of -0.13"
