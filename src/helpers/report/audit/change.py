"""Checks of aim 2's well-being change.

The paired change's p from its CI, which Cohen's d the paper printed, and the ANOVA's F and
the Tukey p from the group means (the studentized range read from its table where the paper
fixes the arguments: :mod:`helpers.report.audit.studentized`).
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np
import pandas as pd
from scipy import stats

from helpers.claims import SCREENED, pair_label
from helpers.design import TUKEY_PAIRS, UTILIZATION_TYPES
from helpers.report.audit._shared import ALPHA, QUANTILE, count
from helpers.report.audit.studentized import studentized_range_sf
from helpers.report.intervals import (
    Box,
    Finding,
    Paper,
    finding,
    format_number,
    format_range,
    overlaps,
    p_from_abs,
    p_t,
    span,
)


def _paired_change(paper: Paper) -> tuple[Box, Box, float]:
    """SE range of the mean change from its CI, the t range, and n."""
    n = paper.value("aim2.n", SCREENED)
    crit = float(stats.t.ppf(QUANTILE, n - 1))
    low, high = (paper.box(f"aim2.change.ci_{s}", SCREENED) for s in ("low", "high"))
    se = span(lambda lo, hi: (hi - lo) / (2 * crit), low, high)
    t = span(lambda m, s: m / s, paper.box("aim2.change.mean", SCREENED), se)
    return se, t, n


def mean_change(paper: Paper) -> Iterator[Finding]:
    _, t, n = _paired_change(paper)
    crit = float(stats.t.ppf(QUANTILE, n - 1))
    mean = paper.value("aim2.change.mean", SCREENED)
    low, high = (paper.box(f"aim2.change.ci_{s}", SCREENED) for s in ("low", "high"))
    lo, hi = (paper.value(f"aim2.change.ci_{s}", SCREENED) for s in ("low", "high"))
    se_mid = (hi - lo) / (2 * crit)
    mt, lt, ht = (paper.text(f"aim2.change.{f}", SCREENED) for f in ("mean", "ci_low", "ci_high"))
    yield finding(
        paper,
        check="estimate from its CI",
        key="aim2.change.mean",
        group=SCREENED,
        recomputed=span(lambda a, b: (a + b) / 2, low, high),
        arithmetic=f"({lo:g} + {hi:g}) / 2 = {(lo + hi) / 2:.4g}",
        premise=f"the middle of its CI, ({lt} + {ht}) / 2,",
        value=(lo + hi) / 2,
    )
    yield finding(
        paper,
        check="p from t (t from CI)",
        key="aim2.change.p",
        group=SCREENED,
        recomputed=p_from_abs(t, lambda x: p_t(x, n - 1)),
        arithmetic=f"SE = ({hi:g} - {lo:g}) / (2 x {crit:.4f}) = {se_mid:.4f}; "
        f"t({n - 1:g}) = {mean:g} / {se_mid:.4f} = {mean / se_mid:.2f}; "
        f"p = {format_number(p_t(mean / se_mid, n - 1))}",
        alpha=ALPHA,
        premise=f"the CI {lt} to {ht} (SE = {se_mid:.3f}), that is t({count(n - 1)}) = "
        f"{mt} / {se_mid:.3f} = {mean / se_mid:.2f},",
        value=p_t(mean / se_mid, n - 1),
    )


def infer_d_variant(paper: Paper) -> pd.DataFrame:
    """Which Cohen's d of the paired change the printed numbers allow.

    From the mean change and its CI: :math:`d_z = t / \\sqrt n` is fixed, as
    are the two independent-groups readings of t (:math:`t\\sqrt{2/n}` and
    :math:`2t/\\sqrt{df}`). :math:`d_{av}` and :math:`d_{rm}` need the pre and
    post SDs, which are not printed; the table gives what they would have to be.

    Parameters
    ----------
    paper : Paper

    Returns
    -------
    pandas.DataFrame
        ``variant``, ``formula``, ``recomputed``, ``consistent`` (True, False,
        or None when the printed numbers cannot decide).

    Raises
    ------
    ValueError
        If the mean change, its CI, d or the number screened positive is not printed.
    """
    _, t, n = _paired_change(paper)
    d_box = paper.box("aim2.change.cohen_d", SCREENED)
    d_text = paper.text("aim2.change.cohen_d", SCREENED)
    mean_box = paper.box("aim2.change.mean", SCREENED)
    rows = []
    for variant, formula, function in (
        ("d_z", "t / sqrt(n)", lambda x: x / math.sqrt(n)),
        ("d from t as if independent", "t sqrt(2 / n)", lambda x: x * math.sqrt(2 / n)),
        ("d from t, 2t / sqrt(df)", "2 t / sqrt(n - 1)", lambda x: 2 * x / math.sqrt(n - 1)),
    ):
        box = span(function, t)
        rows.append((variant, formula, format_range(*box), overlaps(d_text, d_box, box)))
    average_sd = span(lambda m, d: m / d, mean_box, d_box)
    rows.append(
        (
            "d_av",
            "mean change / sqrt((SD_pre^2 + SD_post^2) / 2)",
            f"needs the average SD to be {format_range(*average_sd)} (not printed)",
            None,
        )
    )
    d_z = span(lambda x: x / math.sqrt(n), t)
    correlation = span(lambda dz, d: 1 - (d / dz) ** 2 / 2, d_z, d_box)
    rows.append(
        (
            "d_rm",
            "d_z sqrt(2 (1 - r))",
            f"needs the pre-post correlation r to be {format_range(*correlation)} (not printed)",
            None,
        )
    )
    return pd.DataFrame(rows, columns=["variant", "formula", "recomputed", "consistent"])


def cohen_d(paper: Paper) -> Iterator[Finding]:
    table = infer_d_variant(paper)
    decided = table[table["consistent"].notna()]
    excluded = decided.loc[decided["consistent"] == False, "variant"].tolist()  # noqa: E712
    fits = decided.loc[decided["consistent"] == True, "variant"].tolist()  # noqa: E712
    open_ = table.loc[table["consistent"].isna(), "variant"].tolist()
    yield Finding(
        check="Cohen's d variant",
        claim=f"aim2.change.cohen_d [{SCREENED}]",
        printed=paper.text("aim2.change.cohen_d", SCREENED),
        low=math.nan,
        high=math.nan,
        consistent=bool(fits or open_),
        gross=False,
        arithmetic=f"ruled out: {', '.join(excluded) or 'none'}; fits: "
        f"{', '.join(fits) or 'none'}; cannot be decided from printed numbers: "
        f"{', '.join(open_)}",
    )


def anova(paper: Paper) -> Iterator[Finding]:
    sizes = [paper.value("table1.screened_positive.n", g) for g in UTILIZATION_TYPES]
    n, k = sum(sizes), len(UTILIZATION_TYPES)
    f_box = paper.box("aim2.anova.F", "utilization")
    f_value = paper.value("aim2.anova.F", "utilization")
    p = float(stats.f.sf(f_value, k - 1, n - k))
    yield finding(
        paper,
        check="p from F",
        key="aim2.anova.p",
        group="utilization",
        recomputed=span(lambda f: float(stats.f.sf(f, k - 1, n - k)), f_box),
        arithmetic=f"p = P(F({k - 1}, {n - k:g}) > {f_value:g}) = {format_number(p)}",
        alpha=ALPHA,
        premise=f"F({k - 1}, {count(n - k)}) = {paper.text('aim2.anova.F', 'utilization')}",
        value=p,
    )
    # F from the group means, the overall SD of change (from its CI) and the sizes
    se, _, _ = _paired_change(paper)
    means = [paper.box("aim2.change.mean", g) for g in UTILIZATION_TYPES]

    def between(m1: float, m2: float, m3: float) -> float:
        grand = np.dot(sizes, (m1, m2, m3)) / n
        return float(np.dot(sizes, (np.array((m1, m2, m3)) - grand) ** 2))

    def f_of(m1: float, m2: float, m3: float, s: float) -> float:
        ssb = between(m1, m2, m3)
        total = (n - 1) * (s * math.sqrt(paper.value("aim2.n", SCREENED))) ** 2
        return (ssb / (k - 1)) / ((total - ssb) / (n - k))

    center = [paper.value("aim2.change.mean", g) for g in UTILIZATION_TYPES]
    texts = [paper.text("aim2.change.mean", g) for g in UTILIZATION_TYPES]
    se_mid = sum(se) / 2
    yield finding(
        paper,
        check="F from group means and the SD of change",
        key="aim2.anova.F",
        group="utilization",
        recomputed=span(f_of, *means, se),
        arithmetic=f"SS_between = {between(*center):.1f} from means {center} and n {sizes}; "
        f"SD of change = SE x sqrt(n) = {se_mid * math.sqrt(n):.2f}; "
        f"F = {f_of(*center, se_mid):.3f}",
        premise=f"an ANOVA on the group means ({', '.join(texts)}), their sizes and the SD of "
        f"change from its CI ({se_mid * math.sqrt(n):.2f})",
        value=f_of(*center, se_mid),
    )
    # Tukey-Kramer p for each pair, from the same MS_within
    index = dict(zip(UTILIZATION_TYPES, range(k), strict=True))
    for a, b in TUKEY_PAIRS:

        def p_tukey(m1, m2, m3, s, a=a, b=b):
            values = (m1, m2, m3)
            ssb = between(*values)
            msw = ((n - 1) * (s * math.sqrt(n)) ** 2 - ssb) / (n - k)
            scale = math.sqrt(msw / 2 * (1 / sizes[index[a]] + 1 / sizes[index[b]]))
            q = abs(values[index[a]] - values[index[b]]) / scale
            return studentized_range_sf(q, k, n - k)

        yield finding(
            paper,
            check="Tukey p from group means",
            key="aim2.tukey.p",
            group=pair_label(a, b),
            recomputed=span(p_tukey, *means, se),
            arithmetic=f"q = |{center[index[a]]:g} - {center[index[b]]:g}| / "
            f"sqrt(MS_within / 2 x (1/{sizes[index[a]]:g} + 1/{sizes[index[b]]:g})); "
            f"p = {format_number(p_tukey(*center, se_mid))}",
            alpha=ALPHA,
            premise=f"Tukey's test on the group means {texts[index[a]]} and {texts[index[b]]}, "
            "with the within-group variance from the SD of change,",
            value=p_tukey(*center, se_mid),
        )
