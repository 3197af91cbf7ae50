"""The audit of the paper's printed numbers: what it finds, planted errors, no false alarms.

Expected values here are arithmetic on printed numbers, worked in the
comments; none comes from running the audit itself.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from helpers.design import (
    ALPHA_LEVEL,
    CONF_LEVEL,
    MODERATORS,
    TABLE2_FOCAL,
    UTILIZATION_DUMMIES,
    UTILIZATION_TYPES,
)
from helpers.report import audit, intervals
from helpers.report.audit import nonparametric as audit_nonparametric
from helpers.report.audit import regression as audit_regression
from helpers.report.audit.nonparametric import _h_from_dunn
from helpers.report.published import load_published
from helpers.stats.nonparametric import dunn_test, kruskal_wallis
from helpers.stats.regression import moderation


def _paper(edits: dict[tuple[str, str], str] | None = None, extra=()) -> pd.DataFrame:
    published = load_published()
    for (key, group), text in (edits or {}).items():
        row = (published["key"] == key) & (published["group"] == group)
        assert row.sum() == 1, (key, group)
        published.loc[row, "reported"] = text
    rows = [{"key": k, "group": g, "reported": t} for k, g, t in extra]
    return pd.concat([published, pd.DataFrame(rows)], ignore_index=True)


def _flagged(published: pd.DataFrame) -> set[str]:
    findings = audit.audit(published)
    return set(findings.loc[~findings["consistent"], "claim"])


#: The paper's Table 1 has no row for the 7 people with unknown country
#: (555 - 470 - 82 = 3, 2003 - 1468 - 531 = 4, 529 - 410 - 119 = 0).
MISSING_COUNTRY = [
    ("table1.country.missing.n", g, n)
    for g, n in (("therapy", "3"), ("coaching", "4"), ("both", "0"), ("total", "7"))
]
#: The paper's two p-values that its own statistics contradict, corrected:
#: P(F(2, 832) > 4.76) = .0088, and the F-change of one added predictor is its t^2.
CORRECTED = {
    ("aim2.anova.p", "utilization"): "0.009",
    ("aim3.full.delta_r2_p", "full model"): "0.04",
}


def test_the_paper_as_printed():
    assert _flagged(load_published()) == {
        "table1.country.us.n [therapy]",
        "table1.country.us.n [coaching]",
        "table1.country.us.n [total]",
        "aim2.anova.p [utilization]",
        "aim3.full.delta_r2_p [full model]",
    }
    findings = audit.audit(load_published())
    assert not findings["gross"].any()
    anova = findings[findings["claim"] == "aim2.anova.p [utilization]"].iloc[0]
    assert anova["recomputed"] == "0.008757 to 0.008844"  # F in [4.755, 4.765], df 2 and 832


def test_the_corrected_paper_raises_no_alarm():
    assert _flagged(_paper(CORRECTED, MISSING_COUNTRY)) == set()


@pytest.mark.parametrize(
    ("key", "group", "printed", "claim", "gross"),
    [
        # chi2(2) sf at 10.83 is .0045: a printed .04 is wrong, but on the same side of .05
        ("aim1.utilization.kruskal.p", "all", "0.04", "aim1.utilization.kruskal.p [all]", False),
        ("aim1.utilization.kruskal.H", "all", "8.83", "aim1.utilization.kruskal.p [all]", False),
        # eta2 = (10.83 - 2) / 3084 = .00286
        ("aim1.utilization.kruskal.eta2", "all", "0.03", "aim1.utilization.kruskal.eta2 [all]",
         False),
        # rho = -0.01 with n = 3087 gives p in .58 +/- .18; .01 is significant: gross
        ("aim1.age.spearman.p", "all", "0.01", "aim1.age.spearman.p [all]", True),
        # W = 767724 is 2.68 no-ties SDs from n1 n2 / 2; p cannot exceed .0075
        ("aim1.sex.mwu.p", "female vs male", "0.50", "aim1.sex.mwu.p [female vs male]", True),
        # b / SE = 2.04 / 0.99 = 2.06 on 669 df: p = .040, not .40
        ("aim3.alliance.p", "full model", "0.40", "aim3.alliance.p [full model]", True),
        # 2.04 + 1.9636 x 0.99 = 3.98, not 4.50
        ("aim3.alliance.ci_high", "full model", "4.50", "aim3.alliance.ci_high [full model]",
         False),
        # 1669 / 3087 = 54.07%
        ("table1.sex.female.pct", "total", "55.1", "table1.sex.female.pct [total]", False),
        # (555 x 35.11 + 2003 x 35.80 + 529 x 34.95) / 3087 = 35.53
        ("table1.age.mean", "total", "36.53", "table1.age.mean [total]", False),
        ("table1.sessions.sd", "total", "3.01", "table1.sessions.sd [total]", False),
        ("table1.sessions.max", "total", "40", "table1.sessions.max [total]", False),
        ("cohort.utilization.both.n", "all", "539", "cohort.analyzed [all]", False),
        # Tukey-Kramer from the means and the SD of change: p = .84 for therapy vs coaching
        ("aim2.tukey.p", "therapy vs coaching", "0.04", "aim2.tukey.p [therapy vs coaching]",
         True),
        # a CI of 15.42 +/- 1.23 gives t = 24.6: p is far below .001
        ("aim2.change.p", "screened_positive", "0.20", "aim2.change.p [screened_positive]", True),
        ("aim1.alliance.mean", "all", "4.45", "aim1.alliance.mean [all]", False),
        # the two Dunn Z fix H = 10.78 to 10.86 (sum n_g d_g^2 with sum n_g d_g = 0)
        ("aim1.utilization.kruskal.H", "all", "12.83", "aim1.utilization.kruskal.H [all]",
         False),
        ("aim1.utilization.dunn.z", "coaching vs both", "3.41",
         "aim1.utilization.kruskal.H [all]", False),
        # Bonferroni would make the second Dunn p .048: no adjustment then fits a printed .06
        ("aim1.utilization.dunn.p_adj", "coaching vs both", "0.06",
         "aim1.utilization.dunn.p_adj [coaching vs both]", False),
    ],
)  # fmt: skip
def test_a_planted_inconsistency_is_found(key, group, printed, claim, gross):
    published = _paper({**CORRECTED, (key, group): printed}, MISSING_COUNTRY)
    findings = audit.audit(published)
    flagged = findings[~findings["consistent"]]
    assert claim in set(flagged["claim"])
    assert flagged.loc[flagged["claim"] == claim, "gross"].any() == gross


def test_h_from_dunn_z_is_the_kruskal_wallis_h_of_the_same_ranks():
    rng = np.random.default_rng(2)
    sizes = {"a": 300, "b": 120, "c": 90}
    groups = np.repeat(list(sizes), list(sizes.values()))
    values = rng.integers(1, 6, len(groups)) + (groups == "a") * rng.integers(0, 2, len(groups))
    z = dunn_test(values, groups, [("a", "b"), ("a", "c")])["z"].to_numpy()
    h = kruskal_wallis(values, groups)["H"]
    assert _h_from_dunn(z[0], z[1], tuple(sizes.values())) == pytest.approx(h, rel=1e-9)


def test_the_paper_implies_holm():
    table = audit.infer_p_adjustment(audit.Paper(load_published()))
    # raw p: 2 Phi(-2.70) = .0069 and 2 Phi(-2.41) = .0160; Holm: 3 x .0069 = .021 -> .02,
    # 2 x .0160 = .032 -> .03; Bonferroni gives .048, BH .024 for the second
    assert table.loc[table["consistent"], "method"].tolist() == ["holm"]
    bonferroni = _paper({("aim1.utilization.dunn.p_adj", "coaching vs both"): "0.05"})
    table = audit.infer_p_adjustment(audit.Paper(bonferroni))
    assert table.loc[table["consistent"], "method"].tolist() == ["bonferroni"]


def test_the_paper_rules_out_d_from_t():
    table = audit.infer_d_variant(audit.Paper(load_published())).set_index("variant")
    # t = 15.42 / ((16.65 - 14.19) / (2 x 1.9628)) = 24.6; d_z = 24.6 / sqrt(835) = 0.85
    assert pd.notna(table.loc["d_z", "consistent"]) and not table.loc["d_z", "consistent"]
    assert table.loc["d_z", "recomputed"] == "0.8478 to 0.8553"
    assert pd.isna(table.loc["d_av", "consistent"]) and pd.isna(table.loc["d_rm", "consistent"])
    # a printed d_z is recognised
    table = audit.infer_d_variant(
        audit.Paper(_paper({("aim2.change.cohen_d", "screened_positive"): "0.85"}))
    ).set_index("variant")
    assert table.loc["d_z", "consistent"]


def test_bad_published_tables_are_refused():
    published = load_published()
    with pytest.raises(ValueError, match="printed twice"):
        audit.Paper(pd.concat([published, published.head(1)]))
    with pytest.raises(ValueError, match=r"needs aim2\.n \[screened_positive\]"):
        audit.audit(published[published["key"] != "aim2.n"])
    with pytest.raises(ValueError, match="missing column"):
        audit.Paper(published.drop(columns="reported"))


# --- no false alarms: correctly rounded numbers from a consistent source ----------


def _p_text(p: float) -> str:
    if p < 0.001:
        return "<0.001"
    return f"{p:.3f}" if p < 0.01 else f"{p:.2f}"


def _small_paper(rows: list[tuple[str, str, str]]) -> audit.Paper:
    return audit.Paper(pd.DataFrame(rows, columns=["key", "group", "reported"]))


@settings(max_examples=200, deadline=None, derandomize=True)
@given(
    b=st.floats(-60, 60),
    se=st.floats(0.005, 20),
    df=st.integers(10, 3000),
)
def test_a_correctly_rounded_coefficient_is_consistent(b, se, df):
    crit = stats.t.ppf(0.975, df)
    p = 2 * stats.t.sf(abs(b / se), df)
    prefix, group = "x.term", "model"
    paper = _small_paper(
        [
            (f"{prefix}.b", group, f"{b:.2f}"),
            (f"{prefix}.se", group, f"{se:.2f}"),
            (f"{prefix}.ci_low", group, f"{b - crit * se:.2f}"),
            (f"{prefix}.ci_high", group, f"{b + crit * se:.2f}"),
            (f"{prefix}.p", group, _p_text(p)),
        ]
    )
    findings = intervals.coefficient(
        paper, lambda field: f"{prefix}.{field}", group, "b", df, conf_level=CONF_LEVEL, alpha=0.05
    )
    assert all(f.consistent for f in findings), [f for f in findings if not f.consistent]


@settings(max_examples=200, deadline=None, derandomize=True)
@given(h=st.floats(0, 60), n=st.integers(10, 10_000))
def test_a_correctly_rounded_kruskal_wallis_is_consistent(h, n):
    key = "aim1.utilization.kruskal"
    paper = _small_paper(
        [
            ("cohort.analyzed", "all", str(n)),
            (f"{key}.H", "all", f"{h:.2f}"),
            (f"{key}.p", "all", _p_text(stats.chi2.sf(h, 2))),
            (f"{key}.eta2", "all", f"{(h - 2) / (n - 3):.3f}"),
        ]
    )
    assert all(f.consistent for f in audit_nonparametric.kruskal(paper))


@settings(max_examples=200, deadline=None, derandomize=True)
@given(data=st.data())
def test_a_correctly_rounded_percentage_is_consistent(data):
    sizes = [data.draw(st.integers(1, 5000)) for _ in range(3)]
    counts = [data.draw(st.integers(0, n)) for n in sizes]
    rows = [("cohort.analyzed", "all", str(sum(sizes)))]
    for group, size, count in zip(UTILIZATION_TYPES, sizes, counts, strict=True):
        rows.append((f"cohort.utilization.{group}.n", "all", str(size)))
        rows.append(("table1.screened_positive.n", group, str(count)))
        rows.append(("table1.screened_positive.pct", group, f"{100 * count / size:.1f}"))
    paper = _small_paper(rows)
    for group, size, count in zip(UTILIZATION_TYPES, sizes, counts, strict=True):
        finding = intervals.finding(
            paper,
            check="percentage",
            key="table1.screened_positive.pct",
            group=group,
            recomputed=(100 * count / size,) * 2,
            arithmetic="",
        )
        assert finding.consistent


def test_the_audit_speaks_for_the_engine_and_the_design():
    assert audit.Paper is intervals.Paper and audit.Finding is intervals.Finding
    assert audit.ALPHA == ALPHA_LEVEL


# --- the moderation models' residual df ---------------------------------------------


def test_the_audit_counts_the_predictors_the_moderation_models_fit():
    rng = np.random.default_rng(1)
    n = 60
    continuous = ("who5_followup", "age", "time_in_care_days", "who5_baseline", "n_sessions")
    frame = pd.DataFrame({column: rng.normal(size=n) for column in (*continuous, TABLE2_FOCAL)})
    frame["male"] = rng.integers(0, 2, n)
    utilization = rng.choice(UTILIZATION_TYPES, n)
    for dummy in UTILIZATION_DUMMIES:
        frame[dummy] = (utilization == dummy).astype(int)
    fitted = {
        moderator: len(moderation(frame, moderator)[2]) - 1  # less the intercept
        for moderator in MODERATORS
    }
    # 4 covariates + alliance + 2 dummies + 2 products; baseline WHO-5 is a covariate
    assert fitted == {"utilization": 9, "who5_baseline": 6, "n_sessions": 7}
    assert fitted == audit_regression._MODERATION_PREDICTORS


# --- the engine on its own ----------------------------------------------------------


@settings(max_examples=100, deadline=None, derandomize=True)
@given(
    x=st.tuples(st.floats(-100, 100), st.floats(0, 50)),
    y=st.tuples(st.floats(0.1, 100), st.floats(0, 50)),
)
def test_the_span_of_a_monotone_function_is_its_exact_range(x, y):
    x_box, y_box = (x[0], x[0] + x[1]), (y[0], y[0] + y[1])
    # x - 2 y rises with x and falls with y: its range is [x_lo - 2 y_hi, x_hi - 2 y_lo]
    assert intervals.span(lambda a, b: a - 2 * b, x_box, y_box) == (
        x_box[0] - 2 * y_box[1],
        x_box[1] - 2 * y_box[0],
    )
    # x / y with y > 0: every value inside the box lies in the span, whose ends are attained
    low, high = intervals.span(lambda a, b: a / b, x_box, y_box)
    grid = [a / b for a in np.linspace(*x_box, 7) for b in np.linspace(*y_box, 7)]
    assert min(grid) == pytest.approx(low) and max(grid) == pytest.approx(high)
    assert all(low - 1e-12 * abs(low) <= v <= high + 1e-12 * abs(high) for v in grid)


def test_abs_box_and_p_from_abs():
    assert intervals.abs_box((-2.0, 1.0)) == (0.0, 2.0)
    assert intervals.abs_box((-3.0, -1.0)) == (1.0, 3.0)
    assert intervals.abs_box((0.5, 2.5)) == (0.5, 2.5)
    # |Z| in [0, 2]: p from 2 Phi(-2) = .0455 to 1
    low, high = intervals.p_from_abs((-2.0, 1.0), intervals.p_z)
    assert low == pytest.approx(0.0455, abs=1e-4) and high == 1.0
    assert intervals.p_t(2.0, 10**6) == pytest.approx(intervals.p_z(2.0), abs=1e-5)


@pytest.mark.parametrize("low", [0.0, 0.0004, 0.000999])
@pytest.mark.parametrize("width", [0.0, 0.001, 0.5])
def test_a_p_printed_below_a_bound_overlaps_any_range_starting_below_it(low, width):
    paper = _small_paper([("x.p", "g", "<0.001")])
    assert paper.box("x.p", "g") == (0.0, 0.001)
    assert intervals.overlaps("<0.001", paper.box("x.p", "g"), (low, low + width))
    assert not intervals.overlaps("<0.001", paper.box("x.p", "g"), (0.001, 0.001 + width))


def test_a_printed_number_overlaps_a_range_within_its_rounding():
    box = (4.75, 4.85)  # "4.8"
    assert intervals.overlaps("4.8", box, (4.84, 4.9))
    assert intervals.overlaps("4.8", box, (4.85, 4.85))  # bounds are inclusive
    assert not intervals.overlaps("4.8", box, (4.86, 4.9))
    assert intervals.overlaps(">0.07", (0.07, math.inf), (0.0, 0.08))
    assert not intervals.overlaps(">0.07", (0.07, math.inf), (0.0, 0.07))


def test_gross_means_opposite_sides_of_alpha():
    alpha = 0.05
    assert intervals.is_gross((0.035, 0.045), (0.2, 0.3), alpha)  # .04 printed, p >= .2
    assert intervals.is_gross((0.25, 0.35), (0.001, 0.01), alpha)  # .3 printed, p < .01
    assert not intervals.is_gross((0.035, 0.045), (0.001, 0.01), alpha)  # both below
    assert not intervals.is_gross((0.25, 0.35), (0.6, 0.7), alpha)  # both above
    assert not intervals.is_gross((0.035, 0.045), (0.04, 0.3), alpha)  # straddles alpha
    paper = _small_paper([("x.p", "g", "0.04")])
    for alpha_given, gross in ((alpha, True), (None, False)):
        found = intervals.finding(
            paper,
            check="p",
            key="x.p",
            group="g",
            recomputed=(0.2, 0.3),
            arithmetic="",
            alpha=alpha_given,
        )
        assert not found.consistent and found.gross == gross
    found = intervals.finding(
        paper, check="p", key="x.p", group="g", recomputed=(0.04, 0.04), arithmetic="", alpha=alpha
    )
    assert found.consistent and not found.gross  # consistent is never gross


def test_the_pooled_sd_is_the_sd_of_the_groups_put_together():
    rng = np.random.default_rng(2)
    groups = [
        rng.normal(loc, scale, size) for loc, scale, size in ((0, 1, 5), (3, 2, 9), (-1, 0.5, 4))
    ]
    pooled = intervals.pooled_sd([len(g) for g in groups])
    means_and_sds = [v for g in groups for v in (g.mean(), g.std(ddof=1))]
    assert pooled(*means_and_sds) == pytest.approx(np.concatenate(groups).std(ddof=1))
    with pytest.raises(ValueError, match="a mean and an SD each"):
        pooled(*means_and_sds[:-1])


def test_ranges_print_as_one_number_when_both_ends_agree():
    assert intervals.format_range(0.008757, 0.008844) == "0.008757 to 0.008844"
    assert intervals.format_range(3087.0, 3087.0) == "3087"
    assert intervals.format_range(0.00001234, 0.00009) == "< 0.001"  # never 1.23e-05
    assert intervals.format_range(12345.6, 12345.6) == "12,346"
