"""Audit a paper's printed numbers against each other, before looking at any data.

Every printed number stands for the interval of values that round to it
(:func:`helpers.report.verdicts.parse_printed`). A check recomputes one printed
number from others (a p from its test statistic and degrees of freedom, a CI
from its estimate and SE, a total from its groups) and carries the rounding of
the inputs through the arithmetic: the function is evaluated at every corner
of the box of input intervals, which gives the exact range for functions that
are monotone in each input, and a close one for the few smooth functions that
are not (a pooled SD). The printed number is **consistent** when its own
interval overlaps the recomputed range.

This follows statcheck (Nuijten et al., 2016), which recomputes p from a test
statistic and its df and calls a result inconsistent when no value that rounds
to the printed statistic gives a p that rounds to the printed p, and *grossly*
inconsistent when the two also fall on opposite sides of alpha = .05. GRIM
(Brown & Heathers, 2017) applies the same idea to means and percentages of
integer counts. The checks of nonparametric tests, Tukey p from group means,
regression tables and model comparisons are ours.

Only the report uses this module; it reads printed values, never data.

References
----------
Nuijten, M. B., Hartgerink, C. H. J., van Assen, M. A. L. M., Epskamp, S., &
Wicherts, J. M. (2016). The prevalence of statistical reporting errors in
psychology (1985-2013). *Behavior Research Methods*, 48, 1205-1226.

Brown, N. J. L., & Heathers, J. A. J. (2017). The GRIM test: A simple technique
detects numerous anomalies in the reporting of results in psychology. *Social
Psychological and Personality Science*, 8(4), 363-369.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from scipy import stats

from helpers.report.verdicts import parse_printed

__all__ = [
    "ALPHA",
    "Finding",
    "Paper",
    "audit",
    "infer_d_variant",
    "infer_p_adjustment",
    "summarize",
]

#: The significance level for "gross" inconsistencies (statcheck's default).
ALPHA = 0.05
_SLACK = 1e-9
_GROUPS = ("therapy", "coaching", "both")

Box = tuple[float, float]


@dataclass(frozen=True)
class Finding:
    """One printed number recomputed from other printed numbers."""

    check: str  # what kind of check, e.g. "p from F"
    claim: str  # "key [group]" of the printed number under test
    printed: str  # as printed
    low: float  # recomputed range
    high: float
    consistent: bool
    gross: bool  # a p-value whose side of ALPHA changes
    arithmetic: str  # the computation at the printed values, in words

    @property
    def recomputed(self) -> str:
        """The recomputed range, as text."""
        return _format_range(self.low, self.high)


class Paper:
    """The printed values of one paper, looked up by key and group.

    Parameters
    ----------
    published : pandas.DataFrame
        Columns ``key``, ``group``, ``reported`` (text, as printed), one row
        per key and group.
    """

    def __init__(self, published: pd.DataFrame) -> None:
        missing = {"key", "group", "reported"} - set(published.columns)
        if missing:
            raise ValueError(f"published values: missing column(s) {sorted(missing)}")
        duplicated = published.duplicated(["key", "group"])
        if duplicated.any():
            first = published[duplicated].iloc[0]
            raise ValueError(
                f"published values: {first['key']} [{first['group']}] is printed twice; "
                "keep one row per key and group"
            )
        self._text = {
            (key, group): str(text)
            for key, group, text in zip(
                published["key"], published["group"], published["reported"], strict=True
            )
        }

    def has(self, key: str, group: str) -> bool:
        return (key, group) in self._text

    def text(self, key: str, group: str) -> str:
        """The value as printed."""
        try:
            return self._text[(key, group)]
        except KeyError:
            raise ValueError(
                f"published values: the audit needs {key} [{group}], which is not there"
            ) from None

    def box(self, key: str, group: str) -> Box:
        """The interval the printed value stands for; a p printed as ``<b`` is [0, b)."""
        printed = parse_printed(self.text(key, group))
        low = max(printed.low, 0.0) if math.isinf(printed.low) else printed.low
        return (low, printed.high)

    def value(self, key: str, group: str) -> float:
        """The printed number itself (the middle of its box; a bound for ``<b``)."""
        text = self.text(key, group).lstrip("<>= ").replace(",", "")
        return float(text)


# --- interval arithmetic --------------------------------------------------


def _span(function: Callable[..., float], *boxes: Box) -> Box:
    """Range of ``function`` over the corners of the boxes."""
    values = [function(*corner) for corner in itertools.product(*boxes)]
    return (float(np.nanmin(values)), float(np.nanmax(values)))


def _abs_box(box: Box) -> Box:
    low, high = box
    if low <= 0 <= high:
        return (0.0, max(-low, high))
    return (min(abs(low), abs(high)), max(abs(low), abs(high)))


def _overlaps(printed: str, printed_box: Box, recomputed: Box) -> bool:
    if printed.lstrip().startswith("<"):
        return recomputed[0] < printed_box[1]
    if printed.lstrip().startswith(">"):
        return recomputed[1] > printed_box[0]
    scale = _SLACK * max(1.0, abs(printed_box[0]), abs(printed_box[1]))
    return recomputed[0] <= printed_box[1] + scale and recomputed[1] >= printed_box[0] - scale


def _gross(printed_box: Box, recomputed: Box) -> bool:
    below = printed_box[1] <= ALPHA
    above = printed_box[0] >= ALPHA
    return (below and recomputed[0] >= ALPHA) or (above and recomputed[1] < ALPHA)


def _format_number(value: float) -> str:
    if value == 0 or math.isinf(value):
        return f"{value:g}"
    if abs(value) < 1e-3:
        return f"{value:.2e}"
    return f"{value:.4g}" if abs(value) < 1e4 else f"{value:,.0f}"


def _format_range(low: float, high: float) -> str:
    if _format_number(low) == _format_number(high):
        return _format_number(low)
    return f"{_format_number(low)} to {_format_number(high)}"


def _finding(
    paper: Paper,
    check: str,
    key: str,
    group: str,
    recomputed: Box,
    arithmetic: str,
    is_p: bool = False,
) -> Finding:
    text = paper.text(key, group)
    box = paper.box(key, group)
    consistent = _overlaps(text, box, recomputed)
    return Finding(
        check=check,
        claim=f"{key} [{group}]",
        printed=text,
        low=recomputed[0],
        high=recomputed[1],
        consistent=consistent,
        gross=bool(is_p and not consistent and _gross(box, recomputed)),
        arithmetic=arithmetic,
    )


# --- distributions --------------------------------------------------------


def _p_z(z: float) -> float:
    return float(2 * stats.norm.sf(abs(z)))


def _p_t(t: float, df: float) -> float:
    return float(2 * stats.t.sf(abs(t), df))


def _p_from_abs(box: Box, p_of: Callable[[float], float]) -> Box:
    """p-value range of a two-sided test whose |statistic| lies in ``box``."""
    low, high = _abs_box(box)
    return (p_of(high), p_of(low))


# --- the checks -----------------------------------------------------------


def _kruskal(paper: Paper) -> list[Finding]:
    key = "aim1.utilization.kruskal"
    h = paper.box(f"{key}.H", "all")
    n = paper.value("cohort.analyzed", "all")
    k = len(_GROUPS)
    p = _span(lambda x: float(stats.chi2.sf(x, k - 1)), h)
    eta = _span(lambda x: (x - k + 1) / (n - k), h)
    hv = paper.value(f"{key}.H", "all")
    return [
        _finding(
            paper, "p from chi-square", f"{key}.p", "all", p,
            f"p = P(chi2({k - 1}) > {hv:g}) = {stats.chi2.sf(hv, k - 1):.4g}", is_p=True,
        ),
        _finding(
            paper, "effect size from H", f"{key}.eta2", "all", eta,
            f"eta2 = (H - k + 1) / (n - k) = ({hv:g} - {k - 1}) / ({n:g} - {k}) "
            f"= {(hv - k + 1) / (n - k):.4g}",
        ),
    ]  # fmt: skip


_WILCOXON = (
    # key prefix, group of the test, first group (n key, group), second group
    ("aim1.sex", "female vs male", ("table1.sex.female.n", "total"),
     ("table1.sex.male.n", "total")),
    ("aim1.country", "non_us vs us", ("table1.country.non_us.n", "total"),
     ("table1.country.us.n", "total")),
    ("aim1.baseline", "positive vs negative", ("table1.screened_positive.n", "total"), None),
)  # fmt: skip


def _wilcoxon(paper: Paper) -> list[Finding]:
    findings = []
    total = paper.value("cohort.analyzed", "all")
    for prefix, group, first, second in _WILCOXON:
        n1 = paper.value(*first)
        n2 = total - n1 if second is None else paper.value(*second)
        mu, sigma = n1 * n2 / 2, math.sqrt(n1 * n2 * (n1 + n2 + 1) / 12)
        w_box = paper.box(f"{prefix}.mwu.W", group)

        def p_upper(w: float, mu: float = mu, sigma: float = sigma) -> float:
            # ties only shrink the variance, so no-ties p (with continuity) is an upper bound
            return _p_z(max(abs(w - mu) - 0.5, 0) / sigma)

        p_range = (0.0, _span(p_upper, w_box)[1])
        w = paper.value(f"{prefix}.mwu.W", group)
        findings.append(
            _finding(
                paper, "p from Wilcoxon W (no-ties bound)", f"{prefix}.mwu.p", group, p_range,
                f"n1 = {n1:g}, n2 = {n2:g}: Z without tie correction = (|{w:g} - {mu:g}| - 0.5)"
                f" / {sigma:.1f} = {(abs(w - mu) - 0.5) / sigma:.3f}, p <= {p_upper(w):.4g}; "
                "the tie correction can only lower p",
                is_p=True,
            )
        )  # fmt: skip
        if paper.has(f"{prefix}.mwu.r", group):
            r_box = paper.box(f"{prefix}.mwu.r", group)
            big_n = n1 + n2
            p_from_r = _span(lambda r, big_n=big_n: _p_z(r * math.sqrt(big_n)), r_box)
            # R's p has the continuity correction, r does not: widen by it
            p_from_r = (p_from_r[0], _p_z(max(r_box[0] * math.sqrt(big_n) - 0.5 / sigma, 0)))
            r = paper.value(f"{prefix}.mwu.r", group)
            findings.append(
                _finding(
                    paper, "p from effect size r", f"{prefix}.mwu.p", group, p_from_r,
                    f"|Z| = r sqrt(N) = {r:g} x sqrt({big_n:g}) = {r * math.sqrt(big_n):.3f}, "
                    f"p = {_p_z(r * math.sqrt(big_n)):.4g}",
                    is_p=True,
                )
            )  # fmt: skip
            r_low = _span(lambda w, mu=mu, sigma=sigma, big_n=big_n: abs(w - mu) / sigma
                          / math.sqrt(big_n), w_box)[0]  # fmt: skip
            findings.append(
                _finding(
                    paper, "effect size r from W (no-ties bound)", f"{prefix}.mwu.r", group,
                    (r_low, 1.0),
                    f"r >= |{w:g} - {mu:g}| / {sigma:.1f} / sqrt({big_n:g}) = {r_low:.4f}; "
                    "the tie correction can only raise r",
                )
            )  # fmt: skip
    return findings


def _spearman(paper: Paper) -> list[Finding]:
    n = paper.value("cohort.analyzed", "all")

    def p_of(rho: float) -> float:
        return _p_t(rho * math.sqrt((n - 2) / (1 - rho**2)), n - 2)

    rho = paper.value("aim1.age.spearman.rho", "all")
    p = _p_from_abs(paper.box("aim1.age.spearman.rho", "all"), p_of)
    return [
        _finding(
            paper, "p from Spearman rho", "aim1.age.spearman.p", "all", p,
            f"t = rho sqrt((n - 2) / (1 - rho^2)) = {rho:g} x sqrt({n - 2:g} / {1 - rho**2:g}), "
            f"df = {n - 2:g}: p = {p_of(rho):.4g}",
            is_p=True,
        )
    ]  # fmt: skip


def _dunn_raw(paper: Paper) -> dict[str, Box]:
    pairs = ("coaching vs therapy", "coaching vs both")
    return {pair: _p_from_abs(paper.box("aim1.utilization.dunn.z", pair), _p_z) for pair in pairs}


#: p-value adjustments over m = 3 pairs, for the two smallest raw p values
#: (the third pair is not printed; it is taken to have the largest raw p).
_ADJUSTMENTS: dict[str, Callable[[float, float], tuple[float, float]]] = {
    "none": lambda p1, p2: (p1, p2),
    "bonferroni": lambda p1, p2: (min(3 * p1, 1), min(3 * p2, 1)),
    "holm": lambda p1, p2: (min(3 * p1, 1), min(max(3 * p1, 2 * p2), 1)),
    "BH": lambda p1, p2: (min(3 * p1, 1.5 * p2), min(1.5 * p2, 1)),
}


def infer_p_adjustment(paper: Paper) -> pd.DataFrame:
    """Which p-value adjustment of the Dunn test the printed Z and adjusted p imply.

    Each of R's ``p.adjust`` methods that the printed values can decide is
    applied to the raw two-sided p of each printed Z (:math:`2\\Phi(-|Z|)`,
    over the Z's rounding interval) and compared with the printed adjusted p.
    The unprinted third pair is taken to have the largest raw p (it was not
    significant), which fixes the ranks Holm and BH need; Hochberg then agrees
    with Holm and is not listed.

    Returns
    -------
    pandas.DataFrame
        One row per method: ``method``, ``consistent`` (both pairs), and the
        recomputed adjusted p range per pair.
    """
    raw = _dunn_raw(paper)
    (first, p1), (second, p2) = sorted(raw.items(), key=lambda item: item[1][0])
    rows = []
    for method, adjust in _ADJUSTMENTS.items():
        adjusted = [_span(lambda a, b, i=i, adjust=adjust: adjust(a, b)[i], p1, p2) for i in (0, 1)]
        verdicts = [
            _overlaps(paper.text("aim1.utilization.dunn.p_adj", pair),
                      paper.box("aim1.utilization.dunn.p_adj", pair), box)
            for pair, box in zip((first, second), adjusted, strict=True)
        ]  # fmt: skip
        rows.append(
            {
                "method": method,
                "consistent": all(verdicts),
                first: _format_range(*adjusted[0]),
                second: _format_range(*adjusted[1]),
            }
        )
    return pd.DataFrame(rows)


def _dunn(paper: Paper) -> list[Finding]:
    table = infer_p_adjustment(paper)
    methods = table.loc[table["consistent"], "method"].tolist()
    raw = _dunn_raw(paper)
    text = "; ".join(f"{pair}: raw p = {_format_range(*box)}" for pair, box in raw.items())
    pair = "coaching vs both"
    return [
        Finding(
            check="adjusted p from Dunn Z",
            claim=f"aim1.utilization.dunn.p_adj [{pair}]",
            printed=paper.text("aim1.utilization.dunn.p_adj", pair),
            low=math.nan,
            high=math.nan,
            consistent=bool(methods),
            gross=False,
            arithmetic=f"{text}; adjustments that reproduce both printed p: "
            + (", ".join(methods) if methods else "none of none, Bonferroni, Holm, BH"),
        )
    ]


def _paired_change(paper: Paper) -> tuple[Box, Box, float]:
    """SE range of the mean change from its CI, the t range, and n."""
    n = paper.value("aim2.n", "screened_positive")
    crit = float(stats.t.ppf(0.975, n - 1))
    low, high = (paper.box(f"aim2.change.ci_{s}", "screened_positive") for s in ("low", "high"))
    se = _span(lambda lo, hi: (hi - lo) / (2 * crit), low, high)
    t = _span(lambda m, s: m / s, paper.box("aim2.change.mean", "screened_positive"), se)
    return se, t, n


def _aim2(paper: Paper) -> list[Finding]:
    group = "screened_positive"
    _, t, n = _paired_change(paper)
    crit = float(stats.t.ppf(0.975, n - 1))
    mean = paper.value("aim2.change.mean", group)
    lo, hi = paper.value("aim2.change.ci_low", group), paper.value("aim2.change.ci_high", group)
    midpoint = _span(lambda a, b: (a + b) / 2, paper.box("aim2.change.ci_low", group),
                     paper.box("aim2.change.ci_high", group))  # fmt: skip
    se_mid = (hi - lo) / (2 * crit)
    return [
        _finding(
            paper, "estimate from its CI", "aim2.change.mean", group, midpoint,
            f"({lo:g} + {hi:g}) / 2 = {(lo + hi) / 2:.4g}",
        ),
        _finding(
            paper, "p from t (t from CI)", "aim2.change.p", group,
            _p_from_abs(t, lambda x: _p_t(x, n - 1)),
            f"SE = ({hi:g} - {lo:g}) / (2 x {crit:.4f}) = {se_mid:.4f}; t({n - 1:g}) = "
            f"{mean:g} / {se_mid:.4f} = {mean / se_mid:.2f}; p = {_p_t(mean / se_mid, n - 1):.3g}",
            is_p=True,
        ),
    ]  # fmt: skip


def _anova(paper: Paper) -> list[Finding]:
    group = "screened_positive"
    sizes = [paper.value("table1.screened_positive.n", g) for g in _GROUPS]
    n, k = sum(sizes), len(_GROUPS)
    f_box = paper.box("aim2.anova.F", "utilization")
    f_value = paper.value("aim2.anova.F", "utilization")
    findings = [
        _finding(
            paper, "p from F", "aim2.anova.p", "utilization",
            _span(lambda f: float(stats.f.sf(f, k - 1, n - k)), f_box),
            f"p = P(F({k - 1}, {n - k:g}) > {f_value:g}) = "
            f"{stats.f.sf(f_value, k - 1, n - k):.4g}",
            is_p=True,
        )
    ]  # fmt: skip
    # F from the group means, the overall SD of change (from its CI) and the sizes
    se, _, _ = _paired_change(paper)
    means = [paper.box("aim2.change.mean", g) for g in _GROUPS]

    def between(m1: float, m2: float, m3: float) -> float:
        grand = np.dot(sizes, (m1, m2, m3)) / n
        return float(np.dot(sizes, (np.array((m1, m2, m3)) - grand) ** 2))

    def f_of(m1: float, m2: float, m3: float, s: float) -> float:
        ssb = between(m1, m2, m3)
        total = (n - 1) * (s * math.sqrt(paper.value("aim2.n", group))) ** 2
        return (ssb / (k - 1)) / ((total - ssb) / (n - k))

    center = [paper.value("aim2.change.mean", g) for g in _GROUPS]
    se_mid = sum(se) / 2
    findings.append(
        _finding(
            paper, "F from group means and the SD of change", "aim2.anova.F", "utilization",
            _span(f_of, *means, se),
            f"SS_between = {between(*center):.1f} from means {center} and n {sizes}; "
            f"SD of change = SE x sqrt(n) = {se_mid * math.sqrt(n):.2f}; "
            f"F = {f_of(*center, se_mid):.3f}",
        )
    )  # fmt: skip
    # Tukey-Kramer p for each pair, from the same MS_within
    index = dict(zip(_GROUPS, range(k), strict=True))
    for pair in ("both vs therapy", "both vs coaching", "therapy vs coaching"):
        a, b = pair.split(" vs ")

        def p_tukey(m1, m2, m3, s, a=a, b=b):
            values = (m1, m2, m3)
            ssb = between(*values)
            msw = ((n - 1) * (s * math.sqrt(n)) ** 2 - ssb) / (n - k)
            scale = math.sqrt(msw / 2 * (1 / sizes[index[a]] + 1 / sizes[index[b]]))
            q = abs(values[index[a]] - values[index[b]]) / scale
            return float(stats.studentized_range.sf(q, k, n - k))

        findings.append(
            _finding(
                paper, "Tukey p from group means", "aim2.tukey.p", pair,
                _span(p_tukey, *means, se),
                f"q = |{center[index[a]]:g} - {center[index[b]]:g}| / sqrt(MS_within / 2 x "
                f"(1/{sizes[index[a]]:g} + 1/{sizes[index[b]]:g})); "
                f"p = {p_tukey(*center, se_mid):.3g}",
                is_p=True,
            )
        )  # fmt: skip
    return findings


#: Table 2 terms, and the regressions of the moderation analysis with their
#: number of predictors (for the residual df = n - predictors - 1).
_TABLE2 = ("intercept", "age", "sex_male", "time_in_care", "baseline_who5", "alliance")
_MODERATION = {"utilization.coaching": 8, "utilization.both": 8, "baseline_who5": 6, "sessions": 7}


def _coefficient(paper: Paper, prefix: str, group: str, estimate: str, df: float) -> list[Finding]:
    crit = float(stats.t.ppf(0.975, df))
    b_box, se_box = paper.box(f"{prefix}.{estimate}", group), paper.box(f"{prefix}.se", group)
    low_box, high_box = (paper.box(f"{prefix}.ci_{s}", group) for s in ("low", "high"))
    b, se = paper.value(f"{prefix}.{estimate}", group), paper.value(f"{prefix}.se", group)
    lo, hi = paper.value(f"{prefix}.ci_low", group), paper.value(f"{prefix}.ci_high", group)
    t_box = _span(lambda x, s: x / s, b_box, se_box)
    return [
        _finding(
            paper, "p from b / SE", f"{prefix}.p", group,
            _p_from_abs(t_box, lambda t: _p_t(t, df)),
            f"t({df:g}) = {b:g} / {se:g} = {b / se:.3f}; p = {_p_t(b / se, df):.3g}",
            is_p=True,
        ),
        _finding(
            paper, "CI from b and SE", f"{prefix}.ci_low", group,
            _span(lambda x, s: x - crit * s, b_box, se_box),
            f"{b:g} - {crit:.4f} x {se:g} = {b - crit * se:.4g}",
        ),
        _finding(
            paper, "CI from b and SE", f"{prefix}.ci_high", group,
            _span(lambda x, s: x + crit * s, b_box, se_box),
            f"{b:g} + {crit:.4f} x {se:g} = {b + crit * se:.4g}",
        ),
        _finding(
            paper, "estimate from its CI", f"{prefix}.{estimate}", group,
            _span(lambda a, c: (a + c) / 2, low_box, high_box),
            f"({lo:g} + {hi:g}) / 2 = {(lo + hi) / 2:.4g}",
        ),
    ]  # fmt: skip


def _regression(paper: Paper) -> list[Finding]:
    n = paper.value("aim3.n", "screened_positive")
    findings = []
    for term in _TABLE2:
        findings += _coefficient(paper, f"aim3.{term}", "full model", "b", n - len(_TABLE2))
    for term, predictors in _MODERATION.items():
        findings += _coefficient(
            paper, f"aim3.moderation.{term}", "moderation", "beta", n - predictors - 1
        )
    return findings


def _model_fit(paper: Paper) -> list[Finding]:
    n = paper.value("aim3.n", "screened_positive")
    covariates = len(_TABLE2) - 2
    df_full = n - len(_TABLE2)
    r2_cov = paper.box("aim3.covariates.r2", "covariate model")
    r2_full, delta = (
        paper.box("aim3.full.r2", "full model"),
        paper.box("aim3.full.delta_r2", "full model"),
    )

    def p_model(r2: float) -> float:
        f = (r2 / covariates) / ((1 - r2) / (n - covariates - 1))
        return float(stats.f.sf(f, covariates, n - covariates - 1))

    def p_change(d: float, r2: float) -> float:
        return float(stats.f.sf(d / ((1 - r2) / df_full), 1, df_full))

    t_box = _span(lambda b, s: b / s, paper.box("aim3.alliance.b", "full model"),
                  paper.box("aim3.alliance.se", "full model"))  # fmt: skip
    t = paper.value("aim3.alliance.b", "full model") / paper.value("aim3.alliance.se", "full model")
    rc, rf = (
        paper.value("aim3.covariates.r2", "covariate model"),
        paper.value("aim3.full.r2", "full model"),
    )
    d = paper.value("aim3.full.delta_r2", "full model")
    return [
        _finding(
            paper, "p from R2", "aim3.covariates.p", "covariate model", _span(p_model, r2_cov),
            f"F({covariates}, {n - covariates - 1:g}) = ({rc:g} / {covariates}) / "
            f"((1 - {rc:g}) / {n - covariates - 1:g}); p = {p_model(rc):.3g}",
            is_p=True,
        ),
        _finding(
            paper, "delta R2 from the R2 of both steps", "aim3.full.delta_r2", "full model",
            _span(lambda a, b: b - a, r2_cov, r2_full), f"{rf:g} - {rc:g} = {rf - rc:.3g}",
        ),
        _finding(
            paper, "delta R2 from the added coefficient's t", "aim3.full.delta_r2", "full model",
            _span(lambda x, r2: x**2 * (1 - r2) / df_full, t_box, r2_full),
            f"one added predictor: delta R2 = t^2 (1 - R2) / df = {t:.3f}^2 x (1 - {rf:g}) / "
            f"{df_full:g} = {t**2 * (1 - rf) / df_full:.4f}",
        ),
        _finding(
            paper, "p of delta R2 from F-change", "aim3.full.delta_r2_p", "full model",
            _span(p_change, delta, r2_full),
            f"F(1, {df_full:g}) = {d:g} / ((1 - {rf:g}) / {df_full:g}) = "
            f"{d / ((1 - rf) / df_full):.2f}; p = {p_change(d, rf):.3g}",
            is_p=True,
        ),
        _finding(
            paper, "p of delta R2 from the added coefficient's t", "aim3.full.delta_r2_p",
            "full model", _p_from_abs(t_box, lambda x: _p_t(x, df_full)),
            f"one added predictor: F-change = t^2 = {t**2:.2f}, so its p is the coefficient's: "
            f"{_p_t(t, df_full):.3g}",
            is_p=True,
        ),
    ]  # fmt: skip


#: Count percentages: (key of the percent, key of its n, denominator keys by group).
_PERCENT_KEYS = (
    "table1.sex.female", "table1.sex.male", "table1.sex.missing",
    "table1.country.us", "table1.country.non_us", "table1.screened_positive",
)  # fmt: skip


def _group_size(paper: Paper, group: str) -> float:
    if group in ("total", "all"):
        return paper.value("cohort.analyzed", "all")
    return paper.value(f"cohort.utilization.{group}.n", "all")


def _percentages(paper: Paper) -> list[Finding]:
    findings = []
    for key in _PERCENT_KEYS:
        for group in (*_GROUPS, "total"):
            n = paper.value(f"{key}.n", group)
            size = _group_size(paper, group)
            denominators = [("analysed in the group", size)]
            if ".country." in key:
                known = sum(paper.value(f"table1.country.{c}.n", group) for c in ("us", "non_us"))
                if known != size:
                    denominators.append(("with a known country", known))
            for label, denominator in denominators:
                finding = _finding(
                    paper, "percentage from n / N", f"{key}.pct", group,
                    (100 * n / denominator,) * 2,
                    f"100 x {n:g} / {denominator:g} ({label}) = {100 * n / denominator:.3f}",
                )  # fmt: skip
                if finding.consistent or label == denominators[-1][0]:
                    findings.append(finding)
                    break
    for prefix, group in (("cohort.sex.female", "all"), ("cohort.sex.male", "all"),
                          ("cohort.sex.missing", "all")):  # fmt: skip
        n, size = paper.value(f"{prefix}.n", group), paper.value("cohort.analyzed", "all")
        findings.append(
            _finding(paper, "percentage from n / N", f"{prefix}.pct", group,
                     (100 * n / size,) * 2, f"100 x {n:g} / {size:g} = {100 * n / size:.3f}")
        )  # fmt: skip
    n = paper.value("aim2.n", "screened_positive")
    for outcome in ("recovery", "improvement"):
        k = paper.value(f"aim2.{outcome}.n", "screened_positive")
        findings.append(
            _finding(paper, "percentage from n / N", f"aim2.{outcome}.pct", "screened_positive",
                     (100 * k / n,) * 2, f"100 x {k:g} / {n:g} = {100 * k / n:.3f}")
        )  # fmt: skip
    return findings


def _count_totals(paper: Paper) -> list[Finding]:
    findings = []
    parts = [paper.value(f"cohort.utilization.{g}.n", "all") for g in _GROUPS]
    findings.append(
        _finding(paper, "total from its groups", "cohort.analyzed", "all", (sum(parts),) * 2,
                 " + ".join(f"{p:g}" for p in parts) + f" = {sum(parts):g}")
    )  # fmt: skip
    for key in (*_PERCENT_KEYS,):
        counts = [paper.value(f"{key}.n", g) for g in _GROUPS]
        findings.append(
            _finding(paper, "total from its groups", f"{key}.n", "total", (sum(counts),) * 2,
                     " + ".join(f"{c:g}" for c in counts) + f" = {sum(counts):g}")
        )  # fmt: skip
    for variable, levels in (("sex", ("female", "male", "missing")), ("country", ("us", "non_us"))):
        printed_missing = all(paper.has(f"table1.{variable}.missing.n", g) for g in _GROUPS)
        if "missing" not in levels and printed_missing:
            levels = (*levels, "missing")  # a row for the missing, when the paper prints one
        for group in (*_GROUPS, "total"):
            counts = [paper.value(f"table1.{variable}.{level}.n", group) for level in levels]
            findings.append(
                _finding(
                    paper, "categories add up to the group", f"table1.{variable}.{levels[0]}.n",
                    group, (_group_size(paper, group) - sum(counts[1:]),) * 2,
                    f"{_group_size(paper, group):g} analysed - "
                    + " - ".join(f"{c:g}" for c in counts[1:])
                    + f" = {_group_size(paper, group) - sum(counts[1:]):g}"
                    + ("" if sum(counts) == _group_size(paper, group)
                       else f"; the {_group_size(paper, group) - sum(counts):g} left over are "
                            "not accounted for in the table"),
                )
            )  # fmt: skip
    return findings


_DESCRIPTIVES = ("age", "alliance", "followup_days", "sessions", "time_in_care_days")


def _pooled_sd(sizes: list[float]) -> Callable[..., float]:
    def pooled(m1, s1, m2, s2, m3, s3):
        means, sds, n = np.array((m1, m2, m3)), np.array((s1, s2, s3)), np.array(sizes)
        grand = np.dot(n, means) / n.sum()
        ss = np.dot(n - 1, sds**2) + np.dot(n, (means - grand) ** 2)
        return float(math.sqrt(ss / (n.sum() - 1)))

    return pooled


def _total_mean(paper: Paper, sizes: list[float], key: str, total_group: str) -> Finding:
    """The printed total mean of ``key`` against the size-weighted mean of its group means."""
    center = [paper.value(key, g) for g in _GROUPS]
    weighted = _span(
        lambda *m: float(np.dot(sizes, m) / sum(sizes)), *(paper.box(key, g) for g in _GROUPS)
    )
    return _finding(
        paper, "total mean from group means", key, total_group, weighted,
        " + ".join(f"{n:g} x {m:g}" for n, m in zip(sizes, center, strict=True))
        + f" over {sum(sizes):g} = {np.dot(sizes, center) / sum(sizes):.4g}",
    )  # fmt: skip


def _weighted_totals(paper: Paper) -> list[Finding]:
    findings = []
    sizes = [_group_size(paper, g) for g in _GROUPS]
    for variable in _DESCRIPTIVES:
        key = f"table1.{variable}"
        findings.append(_total_mean(paper, sizes, f"{key}.mean", "total"))
        boxes = [box for g in _GROUPS for box in (paper.box(f"{key}.mean", g),
                                                  paper.box(f"{key}.sd", g))]  # fmt: skip
        values = [v for g in _GROUPS for v in (paper.value(f"{key}.mean", g),
                                               paper.value(f"{key}.sd", g))]  # fmt: skip
        pooled = _pooled_sd(sizes)
        findings.append(
            _finding(
                paper, "total SD from group means and SDs", f"{key}.sd", "total",
                _span(pooled, *boxes),
                "sqrt((sum (n_g - 1) s_g^2 + sum n_g (m_g - m)^2) / (N - 1)) = "
                f"{pooled(*values):.4g}",
            )
        )  # fmt: skip
        for statistic, pick in (("min", min), ("max", max)):
            if not all(paper.has(f"{key}.{statistic}", g) for g in (*_GROUPS, "total")):
                continue  # not printed per group
            extremes = [paper.value(f"{key}.{statistic}", g) for g in _GROUPS]
            findings.append(
                _finding(
                    paper, f"total {statistic} from group {statistic}s", f"{key}.{statistic}",
                    "total", (pick(extremes),) * 2,
                    f"{statistic}({', '.join(f'{e:g}' for e in extremes)}) = {pick(extremes):g}",
                )
            )  # fmt: skip
    sizes = [paper.value("table1.screened_positive.n", g) for g in _GROUPS]
    findings.append(_total_mean(paper, sizes, "aim2.change.mean", "screened_positive"))
    return findings


#: The same number printed in two places: (key, group) pairs that must agree.
_REPEATED = (
    (("cohort.age.mean", "all"), ("table1.age.mean", "total")),
    (("cohort.age.sd", "all"), ("table1.age.sd", "total")),
    (("aim1.alliance.mean", "all"), ("table1.alliance.mean", "total")),
    (("aim1.alliance.sd", "all"), ("table1.alliance.sd", "total")),
    (("aim1.alliance.median", "all"), ("table1.alliance.median", "total")),
    (("aim2.n", "screened_positive"), ("table1.screened_positive.n", "total")),
    *(
        (("aim1.utilization.median", g), ("table1.alliance.median", g)) for g in _GROUPS
    ),
    *(
        ((f"cohort.sex.{s}.{stat}", "all"), (f"table1.sex.{s}.{stat}", "total"))
        for s in ("female", "male", "missing") for stat in ("n", "pct")
    ),
)  # fmt: skip


def _repeated(paper: Paper) -> list[Finding]:
    findings = []
    for (key, group), (other, other_group) in _REPEATED:
        findings.append(
            _finding(
                paper, "same number printed twice", f"{key}", group,
                paper.box(other, other_group),
                f"{other} [{other_group}] is printed as {paper.text(other, other_group)}",
            )
        )  # fmt: skip
    return findings


def infer_d_variant(paper: Paper) -> pd.DataFrame:
    """Which Cohen's d of the paired change the printed numbers allow.

    From the mean change and its CI: :math:`d_z = t / \\sqrt n` is fixed, as
    are the two independent-groups readings of t (:math:`t\\sqrt{2/n}` and
    :math:`2t/\\sqrt{df}`). :math:`d_{av}` and :math:`d_{rm}` need the pre and
    post SDs, which are not printed; the table gives what they would have to be.

    Returns
    -------
    pandas.DataFrame
        ``variant``, ``formula``, ``recomputed``, ``consistent`` (True, False,
        or None when the printed numbers cannot decide).
    """
    group = "screened_positive"
    _, t, n = _paired_change(paper)
    d_box = paper.box("aim2.change.cohen_d", group)
    d_text = paper.text("aim2.change.cohen_d", group)
    mean_box = paper.box("aim2.change.mean", group)
    rows = []
    for variant, formula, function in (
        ("d_z", "t / sqrt(n)", lambda x: x / math.sqrt(n)),
        ("d from t as if independent", "t sqrt(2 / n)", lambda x: x * math.sqrt(2 / n)),
        ("d from t, 2t / sqrt(df)", "2 t / sqrt(n - 1)", lambda x: 2 * x / math.sqrt(n - 1)),
    ):
        box = _span(function, t)
        rows.append((variant, formula, _format_range(*box), _overlaps(d_text, d_box, box)))
    average_sd = _span(lambda m, d: m / d, mean_box, d_box)
    rows.append(
        (
            "d_av",
            "mean change / sqrt((SD_pre^2 + SD_post^2) / 2)",
            f"needs the average SD to be {_format_range(*average_sd)} (not printed)",
            None,
        )
    )
    correlation = _span(lambda dz, d: 1 - (d / dz) ** 2 / 2, _span(lambda x: x / math.sqrt(n), t),
                        d_box)  # fmt: skip
    rows.append(
        (
            "d_rm",
            "d_z sqrt(2 (1 - r))",
            f"needs the pre-post correlation r to be {_format_range(*correlation)} (not printed)",
            None,
        )
    )
    return pd.DataFrame(rows, columns=["variant", "formula", "recomputed", "consistent"])


def _cohen_d(paper: Paper) -> list[Finding]:
    table = infer_d_variant(paper)
    decided = table[table["consistent"].notna()]
    excluded = decided.loc[decided["consistent"] == False, "variant"].tolist()  # noqa: E712
    fits = decided.loc[decided["consistent"] == True, "variant"].tolist()  # noqa: E712
    open_ = table.loc[table["consistent"].isna(), "variant"].tolist()
    return [
        Finding(
            check="Cohen's d variant",
            claim="aim2.change.cohen_d [screened_positive]",
            printed=paper.text("aim2.change.cohen_d", "screened_positive"),
            low=math.nan,
            high=math.nan,
            consistent=bool(fits or open_),
            gross=False,
            arithmetic=f"ruled out: {', '.join(excluded) or 'none'}; fits: "
            f"{', '.join(fits) or 'none'}; cannot be decided from printed numbers: "
            f"{', '.join(open_)}",
        )
    ]


#: Every check, in the order of the paper.
CHECKS: tuple[Callable[[Paper], list[Finding]], ...] = (
    _count_totals, _percentages, _weighted_totals, _repeated, _kruskal, _dunn, _wilcoxon,
    _spearman, _aim2, _cohen_d, _anova, _regression, _model_fit,
)  # fmt: skip


def audit(published: pd.DataFrame | Paper) -> pd.DataFrame:
    """Run every check on a paper's printed values.

    Parameters
    ----------
    published : pandas.DataFrame or Paper
        ``key``, ``group``, ``reported`` as printed (see
        :func:`helpers.report.published.load_published`).

    Returns
    -------
    pandas.DataFrame
        One row per check: ``check``, ``claim``, ``printed``, ``recomputed``
        (the range the other printed numbers allow), ``consistent``,
        ``gross`` (a p-value on the other side of :data:`ALPHA`),
        ``arithmetic``.

    Examples
    --------
    >>> from helpers.report.published import load_published
    >>> findings = audit(load_published())
    >>> findings.loc[~findings["consistent"], "claim"].head(1).tolist()
    ['table1.country.us.n [therapy]']
    """
    paper = published if isinstance(published, Paper) else Paper(published)
    findings: list[Finding] = []
    for check in CHECKS:
        findings.extend(check(paper))
    return _frame(findings)


def _frame(findings: Iterable[Finding]) -> pd.DataFrame:
    rows = []
    for finding in findings:
        row = asdict(finding)
        row["recomputed"] = "" if math.isnan(finding.low) else finding.recomputed
        rows.append(row)
    columns = ["check", "claim", "printed", "recomputed", "consistent", "gross", "arithmetic"]
    return pd.DataFrame(rows, columns=[*columns, "low", "high"])[columns]


def summarize(findings: pd.DataFrame) -> pd.DataFrame:
    """Checks run and inconsistencies found, per kind of check."""
    return (
        findings.assign(inconsistent=~findings["consistent"])
        .groupby("check", sort=False)
        .agg(checked=("claim", "size"), inconsistent=("inconsistent", "sum"),
             gross=("gross", "sum"))
        .reset_index()
    )  # fmt: skip
