"""Rank-based tests of aim 1, computed the way R computes them.

Alliance scores pile up at the ceiling, so the paper compares them with rank
tests. Each function follows one R convention (named in its docstring) and
returns a tidy result: a :class:`pandas.Series` for one test, a
:class:`pandas.DataFrame` with one row per comparison for post hoc tests.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.multitest import multipletests

from helpers._columns import as_numbers, grouped, paired

__all__ = [
    "dunn_test",
    "effect_size_words",
    "kruskal_wallis",
    "spearman_test",
    "wilcoxon_rank_sum",
]


def _tie_term(ranks_source: np.ndarray) -> float:
    """Σ (t³ − t) over groups of tied values."""
    _, counts = np.unique(ranks_source, return_counts=True)
    return float(np.sum(counts**3 - counts))


def spearman_test(x: Sequence[float], y: Sequence[float]) -> pd.Series:
    """Spearman's rank correlation with the t approximation, as ``cor.test(method = "spearman")``.

    Parameters
    ----------
    x, y : sequences of numbers
        Paired observations without missing values (at least 3 pairs).

    Returns
    -------
    pandas.Series
        ``rho``, ``t``, ``df``, ``p`` (two-sided), ``n``.

    Notes
    -----
    :math:`\\rho` is Pearson's correlation of the mid-ranks. With ties R cannot
    compute the exact p and uses

    .. math:: t = \\rho \\sqrt{\\frac{n - 2}{1 - \\rho^2}}, \\quad p = 2 P(T_{n-2} > |t|)

    References
    ----------
    R Core Team. ``stats::cor.test``.

    Examples
    --------
    >>> # R: cor.test(c(1, 2, 3, 4, 5), c(2, 1, 4, 3, 5), method = "spearman")
    >>> round(float(spearman_test([1, 2, 3, 4, 5], [2, 1, 4, 3, 5])["rho"]), 6)
    0.8
    """
    a, b = paired(x, y, ("x", "y"), 3, "spearman_test")
    rho = float(np.corrcoef(stats.rankdata(a), stats.rankdata(b))[0, 1])
    df = len(a) - 2
    t = rho * np.sqrt(df / (1 - rho**2)) if abs(rho) < 1 else np.copysign(np.inf, rho)
    p = float(2 * stats.t.sf(abs(t), df))
    return pd.Series({"rho": rho, "t": float(t), "df": float(df), "p": p, "n": float(len(a))})


def wilcoxon_rank_sum(first: Sequence[float], second: Sequence[float]) -> pd.Series:
    """Wilcoxon rank-sum (Mann–Whitney) test as R's ``wilcox.test``, with rstatix's effect size.

    Parameters
    ----------
    first, second : sequences of numbers
        The two samples; ``W`` is the statistic of ``first`` (the group named
        first in the comparison, e.g. female in "female vs male").

    Returns
    -------
    pandas.Series
        ``W``, ``z`` (with continuity correction, as R's p uses), ``p``
        (two-sided), ``z_uncorrected``, ``r`` (effect size), ``n_first``,
        ``n_second``, ``median_first``, ``median_second``.

    Notes
    -----
    With :math:`R_1` the rank sum of the first sample (mid-ranks over both),

    .. math::
        W = R_1 - \\frac{n_1(n_1 + 1)}{2}, \\quad
        \\sigma^2 = \\frac{n_1 n_2}{12}\\left(n + 1 - \\frac{\\sum (t^3 - t)}{n(n - 1)}\\right)

    R's p (``exact = FALSE``, ``correct = TRUE``) uses
    :math:`z = (W - n_1 n_2 / 2 - \\tfrac12 \\operatorname{sign}(W - n_1 n_2/2)) / \\sigma`.
    The effect size of ``rstatix::wilcox_effsize`` is
    :math:`r = |z_0| / \\sqrt{n}` with :math:`z_0` the same z without the
    continuity correction.

    References
    ----------
    R Core Team. ``stats::wilcox.test``. Kassambara, A. ``rstatix::wilcox_effsize``.

    Examples
    --------
    >>> # R: wilcox.test(c(5, 4, 5, 3), c(2, 4, 1), exact = FALSE)$statistic
    >>> float(wilcoxon_rank_sum([5, 4, 5, 3], [2, 4, 1])["W"])
    10.5
    """
    a, b = as_numbers(first, "first"), as_numbers(second, "second")
    if len(a) == 0 or len(b) == 0:
        raise ValueError("wilcoxon_rank_sum: both samples need at least one value")
    both = np.concatenate([a, b])
    n1, n2, n = len(a), len(b), len(a) + len(b)
    ranks = stats.rankdata(both)
    w = float(ranks[:n1].sum() - n1 * (n1 + 1) / 2)
    centre = n1 * n2 / 2
    sigma = np.sqrt(n1 * n2 / 12 * ((n + 1) - _tie_term(both) / (n * (n - 1))))
    z0 = (w - centre) / sigma
    z = (w - centre - 0.5 * np.sign(w - centre)) / sigma
    p = float(2 * min(stats.norm.cdf(z), stats.norm.sf(z)))
    return pd.Series(
        {
            "W": w,
            "z": float(z),
            "p": p,
            "z_uncorrected": float(z0),
            "r": float(abs(z0) / np.sqrt(n)),
            "n_first": float(n1),
            "n_second": float(n2),
            "median_first": float(np.median(a)),
            "median_second": float(np.median(b)),
        }
    )


def kruskal_wallis(values: Sequence[float], groups: Sequence[str]) -> pd.Series:
    """Kruskal–Wallis H (tie-corrected) with rstatix's eta squared.

    Parameters
    ----------
    values : sequence of numbers
    groups : sequence of labels, same length

    Returns
    -------
    pandas.Series
        ``H``, ``df``, ``p``, ``eta2``, ``n``, ``k``.

    Notes
    -----
    .. math::
        H = \\frac{\\frac{12}{n(n+1)} \\sum_g \\frac{R_g^2}{n_g} - 3(n + 1)}
                 {1 - \\frac{\\sum (t^3 - t)}{n^3 - n}}, \\quad
        \\eta^2_H = \\frac{H - k + 1}{n - k}

    as ``kruskal.test`` and ``rstatix::kruskal_effsize``.

    Examples
    --------
    >>> # R: kruskal.test(c(1, 2, 3, 4, 5, 6), factor(c("a", "a", "b", "b", "c", "c")))
    >>> round(float(kruskal_wallis([1, 2, 3, 4, 5, 6], list("aabbcc"))["H"]), 6)
    4.571429
    """
    numbers, labels = grouped(values, groups)
    names = pd.unique(labels)
    if len(names) < 2:
        raise ValueError("kruskal_wallis: needs at least two groups")
    h, p = stats.kruskal(*(numbers[labels == name] for name in names))
    n, k = len(numbers), len(names)
    return pd.Series(
        {
            "H": float(h),
            "df": float(k - 1),
            "p": float(p),
            "eta2": float((h - k + 1) / (n - k)),
            "n": float(n),
            "k": float(k),
        }
    )


def dunn_test(
    values: Sequence[float],
    groups: Sequence[str],
    pairs: Sequence[tuple[str, str]],
    p_adjust: str = "holm",
) -> pd.DataFrame:
    """Dunn's post hoc test on mean ranks, as ``rstatix::dunn_test`` (Holm by default).

    Parameters
    ----------
    values, groups : sequences
        As for :func:`kruskal_wallis`; ranks are taken over all groups.
    pairs : sequence of (first, second)
        The comparisons, each reported as first minus second.
    p_adjust : str, default "holm"
        Any method of :func:`statsmodels.stats.multitest.multipletests`
        ("holm", "bonferroni", "fdr_bh", …) or "none"; applied across
        ``pairs``.

    Returns
    -------
    pandas.DataFrame
        One row per pair: ``first``, ``second``, ``z``, ``p``, ``p_adj``,
        ``mean_rank_first``, ``mean_rank_second``.

    Notes
    -----
    .. math::
        z = \\frac{\\bar R_1 - \\bar R_2}
                 {\\sqrt{\\left(\\frac{n(n+1)}{12} - \\frac{\\sum (t^3 - t)}{12(n - 1)}\\right)
                  \\left(\\frac{1}{n_1} + \\frac{1}{n_2}\\right)}}

    ``rstatix`` reports the statistic as second minus first; here z is
    first minus second, positive when the first group ranks higher.

    References
    ----------
    Dunn, O. J. (1964). Multiple comparisons using rank sums. *Technometrics*,
    6(3), 241–252.
    """
    numbers, labels = grouped(values, groups)
    ranks = stats.rankdata(numbers)
    n = len(numbers)
    spread = n * (n + 1) / 12 - _tie_term(numbers) / (12 * (n - 1))
    rows = []
    for first, second in pairs:
        in_first, in_second = labels == first, labels == second
        if not in_first.any() or not in_second.any():
            raise ValueError(f"dunn_test: no values for group {first!r} or {second!r}")
        mean_first, mean_second = ranks[in_first].mean(), ranks[in_second].mean()
        z = (mean_first - mean_second) / np.sqrt(
            spread * (1 / in_first.sum() + 1 / in_second.sum())
        )
        rows.append((first, second, z, 2 * stats.norm.sf(abs(z)), mean_first, mean_second))
    table = pd.DataFrame(
        rows, columns=["first", "second", "z", "p", "mean_rank_first", "mean_rank_second"]
    )
    if p_adjust == "none":
        table["p_adj"] = table["p"]
    else:
        table["p_adj"] = multipletests(table["p"], method=p_adjust)[1]
    return table[["first", "second", "z", "p", "p_adj", "mean_rank_first", "mean_rank_second"]]


def effect_size_words(value: float, kind: str) -> str:
    """Describe an effect size in words, by Cohen's (1988) conventional thresholds.

    Parameters
    ----------
    value : float
        The effect size.
    kind : {"r", "eta2"}
        ``r`` (thresholds .1, .3, .5) or eta squared (.01, .06, .14).

    Returns
    -------
    str
        "negligible", "small", "moderate" or "large".

    Examples
    --------
    >>> effect_size_words(0.06, "r"), effect_size_words(0.003, "eta2")
    ('negligible', 'negligible')
    """
    thresholds = {"r": (0.1, 0.3, 0.5), "eta2": (0.01, 0.06, 0.14)}
    if kind not in thresholds:
        raise ValueError(f"effect_size_words: kind must be 'r' or 'eta2', got {kind!r}")
    small, moderate, large = thresholds[kind]
    size = abs(value)
    if size < small:
        return "negligible"
    if size < moderate:
        return "small"
    return "moderate" if size < large else "large"
