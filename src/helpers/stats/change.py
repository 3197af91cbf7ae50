"""Well-being change of aim 2: paired t-test, Cohen's d, one-way ANOVA, Tukey HSD, rates.

Each function follows the R convention named in its docstring and returns a
tidy result (a :class:`pandas.Series`, or a :class:`pandas.DataFrame` with one
row per comparison). Where R gives NA or stops because of the data (constant
differences, a single group, an empty group), the fields are NaN and the
result's ``note`` says why (:mod:`helpers.stats.notes`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from helpers._columns import as_numbers, grouped, paired
from helpers.stats.notes import NOTE, noted

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
        ``cohen_d_z``, ``pct_improvement``, ``note``.

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

    Not estimable, as in R: with fewer than 2 pairs ``t.test`` stops ("not
    enough 'x' observations"), and with constant differences it stops ("data
    are essentially constant"; every difference zero gives t = NaN): the test's
    ``ci_low``, ``ci_high``, ``t``, ``df``, ``p`` and ``d_z`` are then NaN,
    while the means stand. ``cohen_d_av`` is NaN when neither score varies,
    ``pct_improvement`` when the mean baseline is zero.

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
    before, after = paired(baseline, followup, ("baseline", "followup"), 0, "paired_change")
    if not 0 < conf_level < 1:
        raise ValueError("paired_change: conf_level must lie between 0 and 1")
    change = after - before
    n = len(change)
    result = dict.fromkeys(_CHANGE_FIELDS, np.nan) | {"n": n}
    if n == 0:
        return noted(result, ["no pairs"])
    result |= {
        "mean_baseline": before.mean(),
        "mean_followup": after.mean(),
        "mean_change": change.mean(),
    }
    mean = result["mean_change"]
    reasons = []
    if n < 2:
        reasons.append("not enough observations (1 pair; t.test needs 2)")
    else:
        sd = change.std(ddof=1)
        se = sd / np.sqrt(n)
        df = n - 1
        sd_b, sd_f = before.std(ddof=1), after.std(ddof=1)
        result |= {"sd_baseline": sd_b, "sd_followup": sd_f, "sd_change": sd}
        if se == 0 or se < 10 * np.finfo(float).eps * abs(mean):  # t.test's own check
            reasons.append("data are essentially constant (every change is the same)")
        else:
            t = mean / se
            half = stats.t.ppf((1 + conf_level) / 2, df) * se
            result |= {
                "ci_low": mean - half,
                "ci_high": mean + half,
                "t": t,
                "df": float(df),
                "p": float(2 * stats.t.sf(abs(t), df)),
                "cohen_d_z": mean / sd,
            }
        spread = np.sqrt((sd_b**2 + sd_f**2) / 2)
        if spread == 0:
            reasons.append("neither the baseline nor the follow-up scores vary")
        else:
            result["cohen_d_av"] = mean / spread
    if result["mean_baseline"] == 0:
        reasons.append("the mean baseline is zero")
    else:
        result["pct_improvement"] = 100 * mean / result["mean_baseline"]
    return noted(result, reasons)


_CHANGE_FIELDS = (
    "n",
    "mean_baseline",
    "sd_baseline",
    "mean_followup",
    "sd_followup",
    "mean_change",
    "sd_change",
    "ci_low",
    "ci_high",
    "t",
    "df",
    "p",
    "cohen_d_av",
    "cohen_d_z",
    "pct_improvement",
)


def _grouped(values, groups) -> tuple[np.ndarray, np.ndarray, list]:
    numbers, labels = grouped(values, groups)
    return numbers, labels, list(pd.unique(labels))


def _one_group(names: list) -> str:
    """Why a comparison of groups cannot run: fewer than two groups have values."""
    if not names:
        return "no values"
    return f"all observations are in the same group ({names[0]})"


def oneway_anova(values: Sequence[float], groups: Sequence[str]) -> pd.Series:
    """One-way between-subjects ANOVA, as ``summary(aov(values ~ groups))``.

    Returns
    -------
    pandas.Series
        ``F``, ``df1`` (k − 1), ``df2`` (n − k), ``p``, ``eta2`` (SS between /
        SS total), the group means as ``mean_<group>``, and ``note``.

    Notes
    -----
    .. math:: F = \\frac{\\sum_g n_g(\\bar y_g - \\bar y)^2 / (k - 1)}
                      {\\sum_g \\sum_i (y_{gi} - \\bar y_g)^2 / (n - k)}

    Not estimable, as in R: with fewer than two groups ``aov`` stops
    ("contrasts can be applied only to factors with 2 or more levels") and
    every test field is NaN; with one value per group there are no residual
    degrees of freedom (R prints no F, no p); when every value is the same, F
    and eta squared are 0/0; when nothing varies within groups F is infinite
    (written as missing; R's p is then 0).

    Examples
    --------
    >>> # R: summary(aov(c(1, 2, 3, 5, 6, 7) ~ factor(c("a", "a", "a", "b", "b", "b"))))
    >>> float(oneway_anova([1, 2, 3, 5, 6, 7], list("aaabbb"))["F"])
    24.0
    """
    numbers, labels, names = _grouped(values, groups)
    samples = [numbers[labels == name] for name in names]
    means = {f"mean_{name}": float(s.mean()) for name, s in zip(names, samples, strict=True)}
    n, k = len(numbers), len(names)
    if k < 2:
        fields = dict.fromkeys(("F", "df1", "df2", "p", "eta2"), np.nan)
        return noted({**fields, **means}, [_one_group(names)])
    grand = numbers.mean()
    between = sum(len(s) * (s.mean() - grand) ** 2 for s in samples)
    total = ((numbers - grand) ** 2).sum()
    result = {"F": np.nan, "df1": k - 1, "df2": n - k, "p": np.nan, "eta2": np.nan}
    reasons = []
    if total == 0:
        reasons.append("every value is the same")
    elif n == k:
        reasons.append("no residual degrees of freedom (one value per group)")
        result["eta2"] = between / total
    elif all(np.ptp(s) == 0 for s in samples):
        reasons.append("nothing varies within the groups, so F is infinite")
        result |= {"p": 0.0, "eta2": between / total}
    else:
        f, p = stats.f_oneway(*samples)
        result |= {"F": float(f), "p": float(p), "eta2": float(between / total)}
    return noted({**result, **means}, reasons)


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
        ``ci_high``, ``p_adj``, ``note``.

    Notes
    -----
    With the pooled within-group mean square :math:`MS_W` on :math:`n - k` df,

    .. math:: q = \\frac{|\\bar y_1 - \\bar y_2|}{\\sqrt{\\tfrac{MS_W}{2}(1/n_1 + 1/n_2)}}

    and p from the studentized range distribution with :math:`k` groups and
    :math:`n - k` df (``scipy.stats.studentized_range``, R's ``ptukey``). A
    group of one person is allowed, as in R.

    Not estimable: a pair with a group that has no values (``TukeyHSD`` only
    compares the groups present) is NaN; so is every pair when fewer than two
    groups have values (``aov`` stops) or there are no residual degrees of
    freedom; when nothing varies within the groups the interval has no width
    and a zero difference has no p.
    """
    numbers, labels, names = _grouped(values, groups)
    samples = {name: numbers[labels == name] for name in names}
    k, df = len(names), len(numbers) - len(names)
    whole = ""
    if k < 2:
        whole = _one_group(names)
    elif df < 1:
        whole = "no residual degrees of freedom (one value per group)"
    rows = []
    if not whole:
        within = sum(((s - s.mean()) ** 2).sum() for s in samples.values()) / df
        critical = stats.studentized_range.ppf(0.95, k, df)
    for first, second in pairs:
        empty = [name for name in (first, second) if name not in samples]
        if whole or empty:
            note = whole or f"no values in group {' or '.join(repr(name) for name in empty)}"
            rows.append((first, second, np.nan, np.nan, np.nan, np.nan, note))
            continue
        a, b = samples[first], samples[second]
        difference = a.mean() - b.mean()
        scale = np.sqrt(within / 2 * (1 / len(a) + 1 / len(b)))
        if scale == 0 and difference == 0:
            note = "nothing varies within the groups and the difference is zero"
            rows.append((first, second, 0.0, 0.0, 0.0, np.nan, note))
            continue
        q = abs(difference) / scale if scale else np.inf
        rows.append(
            (
                first,
                second,
                float(difference),
                float(difference - critical * scale),
                float(difference + critical * scale),
                float(stats.studentized_range.sf(q, k, df)),
                "",
            )
        )
    return pd.DataFrame(
        rows, columns=["first", "second", "difference", "ci_low", "ci_high", "p_adj", NOTE]
    )


def rate(flags: Sequence[bool]) -> pd.Series:
    """Count and percentage of True among the flags (complete, boolean).

    Returns
    -------
    pandas.Series
        ``n`` (True), ``total``, ``pct`` = 100 n / total (NaN without flags),
        ``note``.

    Examples
    --------
    >>> rate([True, False, True, True])["pct"]
    75.0
    """
    series = pd.Series(flags)
    total = len(series)
    if total == 0:
        return noted({"n": 0, "total": 0, "pct": np.nan}, ["nobody to count"])
    if series.isna().any():
        raise ValueError("rate: flags must not be missing")
    if not pd.api.types.is_bool_dtype(series):
        raise ValueError("rate: flags must be booleans")
    count = int(series.sum())
    return noted({"n": count, "total": total, "pct": 100 * count / total})


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
        Indexed by the groups of ``order``: ``n``, ``mean_change``,
        ``ci_low``, ``ci_high``, ``note``. A group of one person has its
        change but no interval; a group without people has ``n`` 0 and
        neither (NaN, with the reason in ``note``).
    """
    before, after = as_numbers(baseline, "baseline"), as_numbers(followup, "followup")
    labels = pd.Series(groups).to_numpy(dtype=object)
    if not len(before) == len(after) == len(labels):
        raise ValueError("change_by_group: baseline, followup and groups differ in length")
    rows = []
    for group in order:
        inside = labels == group
        result = paired_change(before[inside], after[inside], conf_level)
        note = "nobody in this group" if not inside.any() else result[NOTE]
        rows.append({**result[["n", "mean_change", "ci_low", "ci_high"]].to_dict(), NOTE: note})
    table = pd.DataFrame(rows, index=pd.Index(list(order)))
    return table.astype(dict.fromkeys(("n", "mean_change", "ci_low", "ci_high"), float))
