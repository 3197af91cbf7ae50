"""Checks of aim 1's rank tests.

Kruskal–Wallis p and eta² from H, H from Dunn's Z, Dunn's adjusted p from Z (and which
adjustment the paper used), Wilcoxon p and r from W, Spearman p from rho.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator

import pandas as pd
from scipy import stats

from helpers.claims import SUBGROUP_SIZES, pair_label
from helpers.design import DUNN_PAIRS, RANK_SUM_COMPARISONS, UTILIZATION_TYPES
from helpers.report.audit._shared import ALPHA, count
from helpers.report.audit._wording import p_number
from helpers.report.intervals import (
    Box,
    Finding,
    Paper,
    finding,
    format_range,
    overlaps,
    p_from_abs,
    p_t,
    p_z,
    span,
)


def kruskal(paper: Paper) -> Iterator[Finding]:
    key = "aim1.utilization.kruskal"
    h = paper.box(f"{key}.H", "all")
    n = paper.value("cohort.analyzed", "all")
    k = len(UTILIZATION_TYPES)
    hv = paper.value(f"{key}.H", "all")
    yield finding(
        paper,
        check="p from chi-square",
        key=f"{key}.p",
        group="all",
        recomputed=span(lambda x: float(stats.chi2.sf(x, k - 1)), h),
        arithmetic=f"p = P(chi2({k - 1}) > {hv:g}) = {stats.chi2.sf(hv, k - 1):.4g}",
        alpha=ALPHA,
        premise=f"H = {paper.text(f'{key}.H', 'all')} (χ², {k - 1} df)",
        value=float(stats.chi2.sf(hv, k - 1)),
    )
    yield finding(
        paper,
        check="effect size from H",
        key=f"{key}.eta2",
        group="all",
        recomputed=span(lambda x: (x - k + 1) / (n - k), h),
        arithmetic=f"eta2 = (H - k + 1) / (n - k) = ({hv:g} - {k - 1}) / ({n:g} - {k}) "
        f"= {(hv - k + 1) / (n - k):.4g}",
        premise=f"(H − k + 1) / (n − k) = ({paper.text(f'{key}.H', 'all')} − {k - 1}) / "
        f"({count(n)} − {k})",
        value=(hv - k + 1) / (n - k),
    )


#: The Dunn pairs the paper prints (the third is not printed; it was not significant).
_DUNN_PRINTED = tuple(pair_label(*pair) for pair in DUNN_PAIRS[:2])
_M = len(DUNN_PAIRS)
#: p-value adjustments over the m = 3 Dunn pairs, for the two smallest raw p values
#: (the pair not printed is taken to have the largest raw p).
_ADJUSTMENTS: dict[str, Callable[[float, float], tuple[float, float]]] = {
    "none": lambda p1, p2: (p1, p2),
    "bonferroni": lambda p1, p2: (min(_M * p1, 1), min(_M * p2, 1)),
    "holm": lambda p1, p2: (min(_M * p1, 1), min(max(_M * p1, (_M - 1) * p2), 1)),
    "BH": lambda p1, p2: (min(_M * p1, _M / 2 * p2), min(_M / 2 * p2, 1)),
}


def _dunn_raw(paper: Paper) -> dict[str, Box]:
    z = "aim1.utilization.dunn.z"
    return {pair: p_from_abs(paper.box(z, pair), p_z) for pair in _DUNN_PRINTED}


def infer_p_adjustment(paper: Paper) -> pd.DataFrame:
    """Which p-value adjustment of the Dunn test the printed Z and adjusted p imply.

    Each of R's ``p.adjust`` methods that the printed values can decide is
    applied to the raw two-sided p of each printed Z (:math:`2\\Phi(-|Z|)`,
    over the Z's rounding interval) and compared with the printed adjusted p.
    The unprinted third pair is taken to have the largest raw p (it was not
    significant), which fixes the ranks Holm and BH need; Hochberg then agrees
    with Holm and is not listed.

    Parameters
    ----------
    paper : Paper

    Returns
    -------
    pandas.DataFrame
        One row per method: ``method``, ``consistent`` (both pairs), and the
        recomputed adjusted p range per pair.

    Raises
    ------
    ValueError
        If a Dunn Z or adjusted p is not printed.
    """
    raw = _dunn_raw(paper)
    (first, p1), (second, p2) = sorted(raw.items(), key=lambda item: item[1][0])
    key = "aim1.utilization.dunn.p_adj"
    rows = []
    for method, adjust in _ADJUSTMENTS.items():
        adjusted = [span(lambda a, b, i=i, adjust=adjust: adjust(a, b)[i], p1, p2) for i in (0, 1)]
        verdicts = [
            overlaps(paper.text(key, pair), paper.box(key, pair), box)
            for pair, box in zip((first, second), adjusted, strict=True)
        ]
        rows.append(
            {
                "method": method,
                "consistent": all(verdicts),
                first: format_range(*adjusted[0]),
                second: format_range(*adjusted[1]),
            }
        )
    return pd.DataFrame(rows)


def dunn(paper: Paper) -> Iterator[Finding]:
    table = infer_p_adjustment(paper)
    methods = table.loc[table["consistent"], "method"].tolist()
    raw = _dunn_raw(paper)
    text = "; ".join(f"{pair}: raw p = {format_range(*box)}" for pair, box in raw.items())
    words = " and ".join(
        f"Z = {paper.text('aim1.utilization.dunn.z', pair)} gives raw p = "
        + " to ".join(dict.fromkeys(p_number(end)[1] for end in box))
        for pair, box in raw.items()
    )
    pair = _DUNN_PRINTED[1]  # where the adjustments differ
    yield Finding(
        check="adjusted p from Dunn Z",
        claim=f"aim1.utilization.dunn.p_adj [{pair}]",
        printed=paper.text("aim1.utilization.dunn.p_adj", pair),
        low=math.nan,
        high=math.nan,
        consistent=bool(methods),
        gross=False,
        arithmetic=f"{text}; adjustments that reproduce both printed p: "
        + (", ".join(methods) if methods else "none of none, Bonferroni, Holm, BH"),
        premise=f"{words}, and no adjustment of these by none, Bonferroni, Holm or BH gives "
        "both printed adjusted p",
    )


def _h_from_dunn(z1: float, z2: float, sizes: tuple[float, float, float]) -> float:
    """Kruskal–Wallis H of three groups from Dunn's Z of the first against each other.

    With the tie-corrected rank variance :math:`S` that both tests use and
    :math:`d_g = (\\bar R_g - \\bar R) / \\sqrt{S}`, Dunn's
    :math:`Z_{ag} = (d_a - d_g) / \\sqrt{1/n_a + 1/n_g}` and
    :math:`H = \\sum_g n_g d_g^2` with :math:`\\sum_g n_g d_g = 0`; two Z's that share
    group :math:`a` fix every :math:`d_g`, so they fix H.

    Examples
    --------
    >>> round(_h_from_dunn(2.70, 2.41, (2003, 555, 529)), 2)
    10.82
    """
    na, n1, n2 = sizes
    gap1, gap2 = z1 * math.sqrt(1 / na + 1 / n1), z2 * math.sqrt(1 / na + 1 / n2)
    da = (n1 * gap1 + n2 * gap2) / (na + n1 + n2)
    return na * da**2 + n1 * (da - gap1) ** 2 + n2 * (da - gap2) ** 2


def kruskal_from_dunn(paper: Paper) -> Iterator[Finding]:
    """H recomputed from the two printed Dunn Z (they share a group) and the group sizes."""
    (a, b1), (a2, b2) = DUNN_PAIRS[:2]
    if a != a2:  # the two printed pairs must share their first group
        return
    z = "aim1.utilization.dunn.z"
    pairs = (pair_label(a, b1), pair_label(a, b2))
    sizes = tuple(paper.value(f"cohort.utilization.{g}.n", "all") for g in (a, b1, b2))
    z1, z2 = (paper.value(z, pair) for pair in pairs)
    h = _h_from_dunn(z1, z2, sizes)
    yield finding(
        paper,
        check="H from Dunn Z",
        key="aim1.utilization.kruskal.H",
        group="all",
        recomputed=span(
            lambda x, y: _h_from_dunn(x, y, sizes), paper.box(z, pairs[0]), paper.box(z, pairs[1])
        ),
        arithmetic=f"d_{a} - d_{b1} = {z1:g} x sqrt(1/{sizes[0]:g} + 1/{sizes[1]:g}), "
        f"d_{a} - d_{b2} = {z2:g} x sqrt(1/{sizes[0]:g} + 1/{sizes[2]:g}), "
        f"sum n_g d_g = 0: H = sum n_g d_g^2 = {h:.4g}",
        premise=f"Dunn's Z = {paper.text(z, pairs[0])} and {paper.text(z, pairs[1])} with "
        f"n = {', '.join(count(n) for n in sizes)}",
        value=h,
    )


def wilcoxon(paper: Paper) -> Iterator[Finding]:
    total = paper.value("cohort.analyzed", "all")
    for comparison in RANK_SUM_COMPARISONS:
        prefix, group = f"{comparison.stem}.mwu", comparison.label
        n1 = paper.value(*SUBGROUP_SIZES[comparison.first])
        second = SUBGROUP_SIZES.get(comparison.second)  # none: the rest of the analysed
        n2 = total - n1 if second is None else paper.value(*second)
        mu, sigma = n1 * n2 / 2, math.sqrt(n1 * n2 * (n1 + n2 + 1) / 12)
        w_box, w = paper.box(f"{prefix}.W", group), paper.value(f"{prefix}.W", group)

        def p_upper(w: float, mu: float = mu, sigma: float = sigma) -> float:
            # ties only shrink the variance, so no-ties p (with continuity) is an upper bound
            return p_z(max(abs(w - mu) - 0.5, 0) / sigma)

        yield finding(
            paper,
            check="p from Wilcoxon W (no-ties bound)",
            key=f"{prefix}.p",
            group=group,
            recomputed=(0.0, span(p_upper, w_box)[1]),
            arithmetic=f"n1 = {n1:g}, n2 = {n2:g}: Z without tie correction = "
            f"(|{w:g} - {mu:g}| - 0.5) / {sigma:.1f} = {(abs(w - mu) - 0.5) / sigma:.3f}, "
            f"p <= {p_upper(w):.4g}; the tie correction can only lower p",
            alpha=ALPHA,
            premise=f"W = {count(w)} with n = {count(n1)} and {count(n2)}, without the tie "
            "correction (which can only lower p),",
            value=p_upper(w),
        )
        if not paper.has(f"{prefix}.r", group):
            continue
        r_box, r = paper.box(f"{prefix}.r", group), paper.value(f"{prefix}.r", group)
        big_n = n1 + n2
        p_from_r = span(lambda r, big_n=big_n: p_z(r * math.sqrt(big_n)), r_box)
        # R's p has the continuity correction, r does not: widen by it
        p_from_r = (p_from_r[0], p_z(max(r_box[0] * math.sqrt(big_n) - 0.5 / sigma, 0)))
        yield finding(
            paper,
            check="p from effect size r",
            key=f"{prefix}.p",
            group=group,
            recomputed=p_from_r,
            arithmetic=f"|Z| = r sqrt(N) = {r:g} x sqrt({big_n:g}) = "
            f"{r * math.sqrt(big_n):.3f}, p = {p_z(r * math.sqrt(big_n)):.4g}",
            alpha=ALPHA,
            premise=f"|Z| = r √N = {paper.text(f'{prefix}.r', group)} × √{count(big_n)} = "
            f"{r * math.sqrt(big_n):.2f}",
            value=p_z(r * math.sqrt(big_n)),
        )

        def r_of(w: float, mu: float = mu, sigma: float = sigma, big_n: float = big_n) -> float:
            return abs(w - mu) / sigma / math.sqrt(big_n)

        r_low = span(r_of, w_box)[0]
        yield finding(
            paper,
            check="effect size r from W (no-ties bound)",
            key=f"{prefix}.r",
            group=group,
            recomputed=(r_low, 1.0),
            arithmetic=f"r >= |{w:g} - {mu:g}| / {sigma:.1f} / sqrt({big_n:g}) = "
            f"{r_low:.4f}; the tie correction can only raise r",
            premise=f"W = {count(w)} with n = {count(n1)} and {count(n2)}, without the tie "
            "correction (which can only raise r),",
            value=r_low,
        )


def spearman(paper: Paper) -> Iterator[Finding]:
    n = paper.value("cohort.analyzed", "all")

    def p_of(rho: float) -> float:
        return p_t(rho * math.sqrt((n - 2) / (1 - rho**2)), n - 2)

    rho = paper.value("aim1.age.spearman.rho", "all")
    yield finding(
        paper,
        check="p from Spearman rho",
        key="aim1.age.spearman.p",
        group="all",
        recomputed=p_from_abs(paper.box("aim1.age.spearman.rho", "all"), p_of),
        arithmetic=f"t = rho sqrt((n - 2) / (1 - rho^2)) = {rho:g} x "
        f"sqrt({n - 2:g} / {1 - rho**2:g}), df = {n - 2:g}: p = {p_of(rho):.4g}",
        alpha=ALPHA,
        premise=f"ρ = {paper.text('aim1.age.spearman.rho', 'all')} with n = {count(n)}",
        value=p_of(rho),
    )
