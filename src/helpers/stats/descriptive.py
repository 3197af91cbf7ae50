"""Descriptive statistics and reliability, with a note where a value cannot be estimated.

R's ``sd`` of one value is NA, its ``median`` of none NA, ``psych::alpha`` of
constant items NaN: here the same fields are NaN and ``note`` says why
(:mod:`helpers.stats.notes`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from helpers.data.scoring import cronbach_alpha
from helpers.stats.notes import noted

__all__ = ["reliability", "summarize"]


def summarize(values: Sequence[float]) -> pd.Series:
    """Count, median, mean, SD (:math:`n - 1`), minimum and maximum of the non-missing values.

    Returns
    -------
    pandas.Series
        ``n``, ``median`` (R's: the two middle values averaged for an even
        count), ``mean``, ``sd``, ``min``, ``max``, ``note``. Without values
        every statistic is NaN; with one value, the SD.

    Examples
    --------
    >>> summarize([4, 5, 5, 2])[["median", "mean", "min", "max"]].tolist()
    [4.5, 4.0, 2.0, 5.0]
    >>> summarize([5])["note"]
    'only one value: no standard deviation'
    """
    series = pd.Series(values, dtype=float).dropna()
    n = len(series)
    reasons = {0: ["no values"], 1: ["only one value: no standard deviation"]}.get(n, [])
    return noted(
        {
            "n": n,
            "median": series.median(),
            "mean": series.mean(),
            "sd": series.std(ddof=1),
            "min": series.min() if n else np.nan,
            "max": series.max() if n else np.nan,
        },
        reasons,
    )


def reliability(items: pd.DataFrame) -> pd.Series:
    """Cronbach's alpha (:func:`helpers.data.scoring.cronbach_alpha`), NaN with a reason.

    Returns
    -------
    pandas.Series
        ``alpha``, ``n`` (rows with every item present), ``note``. Alpha is
        NaN with fewer than two complete rows (no covariance to estimate) or
        when the items' summed covariance is zero (every answer identical; R's
        ``psych::alpha`` gives NaN too).
    """
    complete = int(items.notna().all(axis=1).sum())
    if complete < 2:
        reason = f"fewer than two rows with every item present ({complete})"
        return noted({"alpha": np.nan, "n": complete}, [reason])
    alpha = cronbach_alpha(items)
    constant = "the items' summed covariance is zero (every answer identical)"
    return noted({"alpha": alpha, "n": complete}, [constant] if np.isnan(alpha) else [])
