"""Well-being change of aim 2: paired t-test, Cohen's d, one-way ANOVA, Tukey HSD, rates.

Each function follows the R convention named in its docstring and returns a
tidy result (a :class:`pandas.Series`, or a :class:`pandas.DataFrame` with one
row per comparison).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from helpers._columns import as_numbers, grouped, paired

__all__ = ["change_by_group", "oneway_anova", "paired_change", "rate", "tukey_hsd"]


def paired_change(
    baseline: Sequence[float], followup: Sequence[float], conf_level: float = 0.95
) -> pd.Series:
    """Mean change with a paired t-test, as ``t.test(followup, baseline, paired = TRUE)``.

    Parameters
    ----------
    baseline, followup : sequences of numbers
        Scores of the same people in the same order (at least 2).
    conf_level : float, default 0.95

    Returns
    -------
    pandas.Series
        ``n``, ``mean_baseline``, ``sd_baseline``, ``mean_followup``,
        ``sd_followup``, ``mean_change``, ``sd_change``, ``ci_low``,
        ``ci_high``, ``t``, ``df``, ``p`` (two-sided), ``cohen_d_av``,
        ``cohen_d_z``, ``pct_improvement``.

    Notes
    -----
    With :math:`d_i = f_i - b_i`,

    .. math::
        t = \\frac{\\bar d}{s_d / \\sqrt n}, \\quad
        d_{av} = \\frac{\\bar d}{\\sqrt{(s_b^2 + s_f^2) / 2}}, \\quad
        d_z = \\frac{\\bar d}{s_d}, \\quad
        \\%\\,\\text{improvement} = 100\\,\\bar d / \\bar b

    SDs use :math:`n - 1`. The analysis plan takes :math:`d_{av}` as the primary
    Cohen's d (``effectsize::cohens_d(paired = FALSE)`` on equal groups gives
    the same) and :math:`d_z` (``rstatix::cohens_d(paired = TRUE)``) as the
    alternative.

    References
    ----------
    Lakens, D. (2013). Calculating and reporting effect sizes to facilitate
    cumulative science. *Frontiers in Psychology*, 4, 863.

    Examples
    --------
    >>> # R: t.test(c(30, 40, 44), c(20, 28, 40), paired = TRUE)$estimate
    >>> float(paired_change([20, 28, 40], [30, 40, 44])["mean_change"])
    8.666666666666666
    """
    before, after = paired(baseline, followup, ("baseline", "followup"), 2, "paired_change")
    if not 0 < conf_level < 1:
        raise ValueError("paired_change: conf_level must lie between 0 and 1")
    change = after - before
    n = len(change)
    mean, sd = change.mean(), change.std(ddof=1)
    se = sd / np.sqrt(n)
    df = n - 1
    t = mean / se
    half = stats.t.ppf((1 + conf_level) / 2, df) * se
    sd_b, sd_f = before.std(ddof=1), after.std(ddof=1)
    return pd.Series(
        {
            "n": float(n),
            "mean_baseline": before.mean(),
            "sd_baseline": sd_b,
            "mean_followup": after.mean(),
            "sd_followup": sd_f,
            "mean_change": mean,
            "sd_change": sd,
            "ci_low": mean - half,
            "ci_high": mean + half,
            "t": t,
            "df": float(df),
            "p": float(2 * stats.t.sf(abs(t), df)),
            "cohen_d_av": mean / np.sqrt((sd_b**2 + sd_f**2) / 2),
            "cohen_d_z": mean / sd,
            "pct_improvement": 100 * mean / before.mean(),
        }
    )


def _grouped(values, groups) -> tuple[np.ndarray, np.ndarray, list]:
    numbers, labels = grouped(values, groups)
    names = list(pd.unique(labels))
    if len(names) < 2:
        raise ValueError("needs at least two groups")
    return numbers, labels, names


def oneway_anova(values: Sequence[float], groups: Sequence[str]) -> pd.Series:
    """One-way between-subjects ANOVA, as ``summary(aov(values ~ groups))``.

    Returns
    -------
    pandas.Series
        ``F``, ``df1`` (k − 1), ``df2`` (n − k), ``p``, ``eta2`` (SS between /
        SS total), and the group means as ``mean_<group>``.

    Notes
    -----
    .. math:: F = \\frac{\\sum_g n_g(\\bar y_g - \\bar y)^2 / (k - 1)}
                      {\\sum_g \\sum_i (y_{gi} - \\bar y_g)^2 / (n - k)}

    Examples
    --------
    >>> # R: summary(aov(c(1, 2, 3, 5, 6, 7) ~ factor(c("a", "a", "a", "b", "b", "b"))))
    >>> float(oneway_anova([1, 2, 3, 5, 6, 7], list("aaabbb"))["F"])
    24.0
    """
    numbers, labels, names = _grouped(values, groups)
    samples = [numbers[labels == name] for name in names]
    f, p = stats.f_oneway(*samples)
    grand = numbers.mean()
    between = sum(len(s) * (s.mean() - grand) ** 2 for s in samples)
    total = ((numbers - grand) ** 2).sum()
    result = {
        "F": float(f),
        "df1": float(len(names) - 1),
        "df2": float(len(numbers) - len(names)),
        "p": float(p),
        "eta2": float(between / total),
    }
    result.update({f"mean_{name}": float(s.mean()) for name, s in zip(names, samples, strict=True)})
    return pd.Series(result)


def tukey_hsd(
    values: Sequence[float], groups: Sequence[str], pairs: Sequence[tuple[str, str]]
) -> pd.DataFrame:
    """Tukey's honest significant differences (Tukey–Kramer), as ``TukeyHSD(aov(...))``.

    Parameters
    ----------
    values, groups : sequences
    pairs : sequence of (first, second)
        Each difference is reported as first minus second.

    Returns
    -------
    pandas.DataFrame
        One row per pair: ``first``, ``second``, ``difference``, ``ci_low``,
        ``ci_high``, ``p_adj``.

    Notes
    -----
    With the pooled within-group mean square :math:`MS_W` on :math:`n - k` df,

    .. math:: q = \\frac{|\\bar y_1 - \\bar y_2|}{\\sqrt{\\tfrac{MS_W}{2}(1/n_1 + 1/n_2)}}

    and p from the studentized range distribution with :math:`k` groups and
    :math:`n - k` df (``scipy.stats.studentized_range``, R's ``ptukey``). A
    group of one person is allowed, as in R.
    """
    numbers, labels, names = _grouped(values, groups)
    samples = {name: numbers[labels == name] for name in names}
    k, df = len(names), len(numbers) - len(names)
    if df < 1:
        raise ValueError("tukey_hsd: needs more people than groups")
    within = sum(((s - s.mean()) ** 2).sum() for s in samples.values()) / df
    critical = stats.studentized_range.ppf(0.95, k, df)
    rows = []
    for first, second in pairs:
        if first not in samples or second not in samples:
            raise ValueError(f"tukey_hsd: no values for group {first!r} or {second!r}")
        a, b = samples[first], samples[second]
        difference = a.mean() - b.mean()
        scale = np.sqrt(within / 2 * (1 / len(a) + 1 / len(b)))
        q = abs(difference) / scale
        rows.append(
            (
                first,
                second,
                float(difference),
                float(difference - critical * scale),
                float(difference + critical * scale),
                float(stats.studentized_range.sf(q, k, df)),
            )
        )
    return pd.DataFrame(
        rows, columns=["first", "second", "difference", "ci_low", "ci_high", "p_adj"]
    )


def rate(flags: Sequence[bool]) -> pd.Series:
    """Count and percentage of True among the flags (complete, boolean).

    Returns
    -------
    pandas.Series
        ``n`` (True), ``total``, ``pct`` = 100 n / total.

    Examples
    --------
    >>> rate([True, False, True, True])["pct"]
    np.float64(75.0)
    """
    series = pd.Series(flags)
    if series.isna().any():
        raise ValueError("rate: flags must not be missing")
    if not pd.api.types.is_bool_dtype(series):
        raise ValueError("rate: flags must be booleans")
    total = len(series)
    if total == 0:
        raise ValueError("rate: no flags")
    count = int(series.sum())
    return pd.Series({"n": float(count), "total": float(total), "pct": 100 * count / total})


def change_by_group(
    baseline: Sequence[float],
    followup: Sequence[float],
    groups: Sequence[str],
    order: Sequence[str],
    conf_level: float = 0.95,
) -> pd.DataFrame:
    """Mean change and its CI per group (:func:`paired_change` within each group).

    Returns
    -------
    pandas.DataFrame
        Indexed by the groups of ``order`` that have people: ``n``,
        ``mean_change``, ``ci_low``, ``ci_high``. A group of one person has
        its change but no interval (NaN).
    """
    before, after = as_numbers(baseline, "baseline"), as_numbers(followup, "followup")
    labels = pd.Series(groups).to_numpy(dtype=object)
    if not len(before) == len(after) == len(labels):
        raise ValueError("change_by_group: baseline, followup and groups differ in length")
    rows = {}
    for group in order:
        inside = labels == group
        if inside.sum() >= 2:
            result = paired_change(before[inside], after[inside], conf_level)
            rows[group] = result[["n", "mean_change", "ci_low", "ci_high"]]
        elif inside.sum() == 1:
            single = after[inside][0] - before[inside][0]
            rows[group] = pd.Series(
                {"n": 1.0, "mean_change": single, "ci_low": np.nan, "ci_high": np.nan}
            )
    return pd.DataFrame(rows).T
