"""Rank-based tests of aim 1, computed the way R computes them.

Alliance scores pile up at the ceiling, so the paper compares them with rank
tests. Each function follows one R convention (named in its docstring) and
returns a tidy result: a :class:`pandas.Series` for one test, a
:class:`pandas.DataFrame` with one row per comparison for post hoc tests.
Where R gives NA or stops because of the data (a constant variable, an empty
group), the fields are NaN and the result's ``note`` says why
(:mod:`helpers.stats.notes`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.multitest import multipletests

from helpers._columns import as_numbers, grouped, paired
from helpers.stats.notes import NOTE, name_of, noted

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
        Paired observations without missing values. A :class:`pandas.Series`'
        name is used in the note.

    Returns
    -------
    pandas.Series
        ``rho``, ``t``, ``df``, ``p`` (two-sided), ``n``, ``note``.

    Notes
    -----
    :math:`\\rho` is Pearson's correlation of the mid-ranks. With ties R cannot
    compute the exact p and uses

    .. math:: t = \\rho \\sqrt{\\frac{n - 2}{1 - \\rho^2}}, \\quad p = 2 P(T_{n-2} > |t|)

    Not estimable, as in R: with fewer than 2 pairs (``cor.test`` stops: "not
    enough finite observations") every field but ``n`` is NaN; with a constant
    variable (R warns "the standard deviation is zero" and returns NA)
    ``rho``, ``t`` and ``p`` are NaN; with 2 pairs the t approximation has no
    degrees of freedom, so ``t`` and ``p`` are NaN.

    References
    ----------
    R Core Team. ``stats::cor.test``.

    Examples
    --------
    >>> # R: cor.test(c(1, 2, 3, 4, 5), c(2, 1, 4, 3, 5), method = "spearman")
    >>> round(float(spearman_test([1, 2, 3, 4, 5], [2, 1, 4, 3, 5])["rho"]), 6)
    0.8
    """
    a, b = paired(x, y, ("x", "y"), 0, "spearman_test")
    n = len(a)
    if n < 2:
        reason = f"not enough finite observations ({n} pairs)"
        return noted({"rho": np.nan, "t": np.nan, "df": np.nan, "p": np.nan, "n": n}, [reason])
    df = n - 2
    constant = [name_of(v, d) for v, d, c in ((x, "x", a), (y, "y", b)) if np.ptp(c) == 0]
    if constant:
        reason = f"the standard deviation of {' and '.join(constant)} is zero"
        return noted({"rho": np.nan, "t": np.nan, "df": df, "p": np.nan, "n": n}, [reason])
    rho = float(np.corrcoef(stats.rankdata(a), stats.rankdata(b))[0, 1])
    if df == 0:
        reason = "two pairs leave the t approximation no degrees of freedom"
        return noted({"rho": rho, "t": np.nan, "df": df, "p": np.nan, "n": n}, [reason])
    t = rho * np.sqrt(df / (1 - rho**2)) if abs(rho) < 1 else np.copysign(np.inf, rho)
    p = float(2 * stats.t.sf(abs(t), df))
    return noted({"rho": rho, "t": float(t), "df": float(df), "p": p, "n": float(n)})


def wilcoxon_rank_sum(
    first: Sequence[float], second: Sequence[float], labels: tuple[str, str] = ("first", "second")
) -> pd.Series:
    """Wilcoxon rank-sum (Mann–Whitney) test as R's ``wilcox.test``, with rstatix's effect size.

    Parameters
    ----------
    first, second : sequences of numbers
        The two samples; ``W`` is the statistic of ``first`` (the group named
        first in the comparison, e.g. female in "female vs male").
    labels : (str, str), default ("first", "second")
        The groups' names, for the note.

    Returns
    -------
    pandas.Series
        ``W``, ``z`` (with continuity correction, as R's p uses), ``p``
        (two-sided), ``z_uncorrected``, ``r`` (effect size), ``n_first``,
        ``n_second``, ``median_first``, ``median_second``, ``note``.

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

    Not estimable, as in R: an empty sample (``wilcox.test`` stops: "not
    enough observations") leaves every test field NaN, and its median; when
    every value is tied, :math:`\\sigma = 0` and R's z and p are NaN (W stands).

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
    n1, n2, n = len(a), len(b), len(a) + len(b)
    medians = {
        "median_first": float(np.median(a)) if n1 else np.nan,
        "median_second": float(np.median(b)) if n2 else np.nan,
    }
    empty = [label for label, size in zip(labels, (n1, n2), strict=True) if size == 0]
    if empty:
        reason = f"the {' and '.join(empty)} group{'s are' if len(empty) == 2 else ' is'} empty"
        test = dict.fromkeys(("W", "z", "p", "z_uncorrected", "r"), np.nan)
        return noted({**test, "n_first": n1, "n_second": n2, **medians}, [reason])
    both = np.concatenate([a, b])
    ranks = stats.rankdata(both)
    w = float(ranks[:n1].sum() - n1 * (n1 + 1) / 2)
    centre = n1 * n2 / 2
    sigma = np.sqrt(n1 * n2 / 12 * ((n + 1) - _tie_term(both) / (n * (n - 1))))
    if sigma == 0:
        test = {"W": w, **dict.fromkeys(("z", "p", "z_uncorrected", "r"), np.nan)}
        reason = "every value is the same, so the rank-sum statistic has no variance"
        return noted({**test, "n_first": n1, "n_second": n2, **medians}, [reason])
    z0 = (w - centre) / sigma
    z = (w - centre - 0.5 * np.sign(w - centre)) / sigma
    p = float(2 * min(stats.norm.cdf(z), stats.norm.sf(z)))
    return noted(
        {
            "W": w,
            "z": float(z),
            "p": p,
            "z_uncorrected": float(z0),
            "r": float(abs(z0) / np.sqrt(n)),
            "n_first": float(n1),
            "n_second": float(n2),
            **medians,
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
        ``H``, ``df``, ``p``, ``eta2``, ``n``, ``k``, ``note``.

    Notes
    -----
    .. math::
        H = \\frac{\\frac{12}{n(n+1)} \\sum_g \\frac{R_g^2}{n_g} - 3(n + 1)}
                 {1 - \\frac{\\sum (t^3 - t)}{n^3 - n}}, \\quad
        \\eta^2_H = \\frac{H - k + 1}{n - k}

    as ``kruskal.test`` and ``rstatix::kruskal_effsize``.

    Not estimable, as in R: fewer than two groups with values (``kruskal.test``
    stops: "all observations are in the same group") or fewer than 2 values
    leave ``H``, ``df``, ``p`` and ``eta2`` NaN; when every value is tied, H is
    0/0 (R's NaN) and so are ``p`` and ``eta2``; with as many groups as
    values, ``eta2`` divides by zero.

    Examples
    --------
    >>> # R: kruskal.test(c(1, 2, 3, 4, 5, 6), factor(c("a", "a", "b", "b", "c", "c")))
    >>> round(float(kruskal_wallis([1, 2, 3, 4, 5, 6], list("aabbcc"))["H"]), 6)
    4.571429
    """
    numbers, labels = grouped(values, groups)
    names = pd.unique(labels)
    n, k = len(numbers), len(names)
    missing = dict.fromkeys(("H", "df", "p", "eta2"), np.nan)
    if n < 2:
        return noted({**missing, "n": n, "k": k}, [f"not enough observations ({n})"])
    if k < 2:
        reason = f"all observations are in the same group ({names[0]})"
        return noted({**missing, "n": n, "k": k}, [reason])
    if np.ptp(numbers) == 0:
        reason = "every value is the same, so the ranks do not vary"
        return noted({**missing, "df": k - 1, "n": n, "k": k}, [reason])
    h, p = stats.kruskal(*(numbers[labels == name] for name in names))
    reasons = [] if n > k else ["as many groups as values: eta squared divides by zero"]
    eta2 = float((h - k + 1) / (n - k)) if n > k else np.nan
    return noted(
        {"H": float(h), "df": float(k - 1), "p": float(p), "eta2": eta2, "n": n, "k": k}, reasons
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
        ``mean_rank_first``, ``mean_rank_second``, ``note``.

    Notes
    -----
    .. math::
        z = \\frac{\\bar R_1 - \\bar R_2}
                 {\\sqrt{\\left(\\frac{n(n+1)}{12} - \\frac{\\sum (t^3 - t)}{12(n - 1)}\\right)
                  \\left(\\frac{1}{n_1} + \\frac{1}{n_2}\\right)}}

    ``rstatix`` reports the statistic as second minus first; here z is
    first minus second, positive when the first group ranks higher.

    Not estimable: a pair with a group that has no values (``rstatix`` only
    compares the groups present) has NaN ``z``, ``p`` and ``p_adj``, and the
    adjustment runs over the pairs that were tested; when every value is tied
    the spread is zero and every z is NaN.

    References
    ----------
    Dunn, O. J. (1964). Multiple comparisons using rank sums. *Technometrics*,
    6(3), 241–252.
    """
    numbers, labels = grouped(values, groups)
    ranks = stats.rankdata(numbers)
    n = len(numbers)
    spread = n * (n + 1) / 12 - _tie_term(numbers) / (12 * (n - 1)) if n > 1 else 0.0
    rows = []
    for first, second in pairs:
        in_first, in_second = labels == first, labels == second
        mean_first = ranks[in_first].mean() if in_first.any() else np.nan
        mean_second = ranks[in_second].mean() if in_second.any() else np.nan
        empty = [
            name for name, inside in ((first, in_first), (second, in_second)) if not inside.any()
        ]
        if empty:
            note = f"no values in group {' or '.join(repr(name) for name in empty)}"
            rows.append((first, second, np.nan, np.nan, mean_first, mean_second, note))
        elif spread <= 0:
            note = "every value is the same, so the ranks do not vary"
            rows.append((first, second, np.nan, np.nan, mean_first, mean_second, note))
        else:
            z = (mean_first - mean_second) / np.sqrt(
                spread * (1 / in_first.sum() + 1 / in_second.sum())
            )
            rows.append((first, second, z, 2 * stats.norm.sf(abs(z)), mean_first, mean_second, ""))
    columns = ["first", "second", "z", "p", "mean_rank_first", "mean_rank_second", NOTE]
    table = pd.DataFrame(rows, columns=columns)
    tested = table["p"].notna()
    table["p_adj"] = np.nan
    if p_adjust == "none":
        table["p_adj"] = table["p"]
    elif tested.any():
        table.loc[tested, "p_adj"] = multipletests(table.loc[tested, "p"], method=p_adjust)[1]
    return table[
        ["first", "second", "z", "p", "p_adj", "mean_rank_first", "mean_rank_second", NOTE]
    ]


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
        "negligible", "small", "moderate" or "large"; "not estimable" for NaN.

    Examples
    --------
    >>> effect_size_words(0.06, "r"), effect_size_words(0.003, "eta2")
    ('negligible', 'negligible')
    """
    thresholds = {"r": (0.1, 0.3, 0.5), "eta2": (0.01, 0.06, 0.14)}
    if kind not in thresholds:
        raise ValueError(f"effect_size_words: kind must be 'r' or 'eta2', got {kind!r}")
    if np.isnan(value):
        return "not estimable"
    small, moderate, large = thresholds[kind]
    size = abs(value)
    if size < small:
        return "negligible"
    if size < moderate:
        return "small"
    return "moderate" if size < large else "large"
