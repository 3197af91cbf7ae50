"""Score the study's instruments: WHO-5, the adapted WAI items, and the clinical flags.

Every function takes plain pandas objects, checks its input, and returns a
value or a Series aligned with its input. The cut-offs are arguments whose
defaults are the paper's, so a notebook parameter can change them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pingouin as pg

from helpers.data.contract import WAI_ITEMS, WHO5_ITEMS  # the contract names the item columns
from helpers.design import IMPROVEMENT_POINTS, WHO5_CUTOFF

__all__ = [
    "alliance_scores",
    "clinical_improvement",
    "clinical_recovery",
    "cronbach_alpha",
    "screened_positive",
    "session_averaged_alliance",
    "who5_total",
]


def _require_columns(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise ValueError(f"{what}: expected a pandas DataFrame, got {type(frame).__name__}")
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ValueError(f"{what}: missing column(s) {', '.join(missing)}")


def _as_totals(values: pd.Series | Sequence[float], name: str) -> pd.Series:
    series = pd.Series(values, copy=False)
    if series.isna().any():
        raise ValueError(
            f"{name}: {int(series.isna().sum())} missing value(s); WHO-5 totals must be complete"
        )
    numbers = pd.to_numeric(series, errors="coerce")
    if numbers.isna().any():
        raise ValueError(f"{name}: values must be numbers (WHO-5 totals on 0–100)")
    outside = ~numbers.between(0, 100)
    if outside.any():
        raise ValueError(
            f"{name}: {int(outside.sum())} value(s) outside 0–100, e.g. "
            f"{numbers[outside].iloc[0]}; pass WHO-5 totals (see who5_total), not raw items"
        )
    return numbers


def _paired_totals(baseline, followup, name: str) -> tuple[pd.Series, pd.Series]:
    before = _as_totals(baseline, f"{name} baseline")
    after = _as_totals(followup, f"{name} followup")
    if len(before) != len(after):
        raise ValueError(f"{name}: baseline and followup differ in length")
    return before, after


def who5_total(items: pd.DataFrame) -> pd.Series:
    """WHO-5 Well-Being Index total score on the 0–100 scale.

    Parameters
    ----------
    items : pandas.DataFrame
        Columns ``who5_1`` … ``who5_5``, each an integer 0 (at no time) to 5
        (all of the time); all five must be present in every row.

    Returns
    -------
    pandas.Series
        Integer totals, 0 (worst) to 100 (best), aligned with ``items``.

    Notes
    -----
    .. math:: \\text{WHO-5} = 4 \\sum_{i=1}^{5} x_i, \\quad x_i \\in \\{0, \\dots, 5\\}

    The raw score (0–25) is multiplied by 4 to give a percentage scale. No
    prorating: a missing item makes the total undefined, and the raw data
    contract requires all five.

    References
    ----------
    Topp, C. W., Østergaard, S. D., Søndergaard, S., & Bech, P. (2015). The WHO-5
    Well-Being Index: A systematic review of the literature. *Psychotherapy and
    Psychosomatics*, 84(3), 167–176. https://doi.org/10.1159/000376585

    Examples
    --------
    >>> import pandas as pd
    >>> items = pd.DataFrame({f"who5_{i}": [3, 0] for i in range(1, 6)})
    >>> who5_total(items).tolist()
    [60, 0]
    """
    _require_columns(items, WHO5_ITEMS, "who5_total")
    values = items[list(WHO5_ITEMS)]
    if values.isna().any(axis=None):
        raise ValueError("who5_total: every item must be answered; found missing values")
    numbers = values.apply(pd.to_numeric, errors="coerce")
    invalid = numbers.isna() | (numbers != np.floor(numbers)) | ~numbers.isin(range(6))
    if invalid.any(axis=None):
        raise ValueError(
            f"who5_total: {int(invalid.any(axis=1).sum())} row(s) hold item values outside "
            "the integers 0–5"
        )
    return (numbers.sum(axis=1) * 4).astype("int64").rename("who5_total")


def session_averaged_alliance(ratings: pd.DataFrame, by: str = "participant_id") -> pd.Series:
    """Per-person alliance as the mean of session means (a robustness alternative).

    Parameters
    ----------
    ratings : pandas.DataFrame
        As for :func:`alliance_scores`.
    by : str, default "participant_id"

    Returns
    -------
    pandas.Series
        Indexed by ``by`` (sorted), named ``alliance_score``.

    Notes
    -----
    Each rated session :math:`s` of person :math:`j` scores the mean of its
    answered items, :math:`a_{js}`; the person scores
    :math:`\\bar a_j = \\frac{1}{S_j}\\sum_s a_{js}`. Every session then weighs
    the same, whereas the pooled score (:func:`alliance_scores`, the paper's)
    gives a session with one item half the weight of a session with two. The
    two agree whenever every session has both items.

    Examples
    --------
    >>> import pandas as pd
    >>> r = pd.DataFrame({"participant_id": ["a", "a"], "wai_bond": [5, None],
    ...                   "wai_goals": [4, 3]})
    >>> float(session_averaged_alliance(r).loc["a"])  # (4.5 + 3) / 2; pooled gives 4.0
    3.75
    """
    alliance_scores(ratings, by)  # the same input checks
    items = ratings[list(WAI_ITEMS)].apply(pd.to_numeric, errors="coerce").astype("float64")
    session_means = items.mean(axis=1, skipna=True)
    rated = items.notna().any(axis=1)
    frame = pd.DataFrame({by: ratings.loc[rated, by].to_numpy(), "a": session_means[rated]})
    return frame.groupby(by, sort=True)["a"].mean().rename("alliance_score")


def alliance_scores(ratings: pd.DataFrame, by: str = "participant_id") -> pd.DataFrame:
    """Per-person adapted WAI alliance score: the pooled mean of every item response.

    Parameters
    ----------
    ratings : pandas.DataFrame
        One row per rated session, with the grouping column ``by`` and the
        items ``wai_bond`` and ``wai_goals`` (integers 1–5, missing allowed).
        Rows with both items missing are not ratings and are ignored.
    by : str, default "participant_id"
        Column that identifies the person.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``by`` (sorted), with columns ``n_rated_sessions``,
        ``bond_mean``, ``goals_mean`` (NaN for a person who never answered
        that item) and ``alliance_score``.

    Notes
    -----
    For person :math:`j` with bond responses :math:`b_{j1}, \\dots, b_{jm}` and
    goals responses :math:`g_{j1}, \\dots, g_{jn}` over all rated sessions,

    .. math:: A_j = \\frac{\\sum_s b_{js} + \\sum_s g_{js}}{m + n}

    the mean of every non-missing response pooled, range 1–5. When a session
    lacks one item, this differs from the mean of the two item means.

    References
    ----------
    Horvath, A. O., & Greenberg, L. S. (1989). Development and validation of the
    Working Alliance Inventory. *Journal of Counseling Psychology*, 36(2),
    223–233. https://doi.org/10.1037/0022-0167.36.2.223

    Examples
    --------
    >>> import pandas as pd
    >>> r = pd.DataFrame({"participant_id": ["a", "a"], "wai_bond": [5, None],
    ...                   "wai_goals": [4, 3]})
    >>> float(alliance_scores(r).loc["a", "alliance_score"])
    4.0
    """
    _require_columns(ratings, [by, *WAI_ITEMS], "alliance_scores")
    items = ratings[list(WAI_ITEMS)].apply(pd.to_numeric, errors="coerce").astype("float64")
    given = ratings[list(WAI_ITEMS)].notna()
    if (given & items.isna()).any(axis=None):
        raise ValueError("alliance_scores: item responses must be numbers 1–5")
    outside = items.notna() & ~items.isin([1, 2, 3, 4, 5])
    if outside.any(axis=None):
        raise ValueError(
            f"alliance_scores: {int(outside.any(axis=1).sum())} row(s) hold item values "
            "outside the integers 1–5"
        )
    if ratings[by].isna().any():
        raise ValueError(f"alliance_scores: column {by} has missing values")
    rated = items.notna().any(axis=1)
    items = items[rated].assign(**{by: ratings.loc[rated, by].array})
    grouped = items.groupby(by, sort=True)
    sums = grouped[list(WAI_ITEMS)].sum()
    counts = grouped[list(WAI_ITEMS)].count()
    return pd.DataFrame(
        {
            "n_rated_sessions": grouped.size().astype("int64"),
            "bond_mean": sums["wai_bond"] / counts["wai_bond"].replace(0, np.nan),
            "goals_mean": sums["wai_goals"] / counts["wai_goals"].replace(0, np.nan),
            "alliance_score": sums.sum(axis=1) / counts.sum(axis=1),
        }
    )


def cronbach_alpha(items: pd.DataFrame) -> float:
    """Cronbach's alpha with pairwise-complete covariances, as ``psych::alpha``.

    Parameters
    ----------
    items : pandas.DataFrame
        One column per item, one row per unit: for the paper's estimate, each
        person's mean bond and mean goals response (``bond_mean``,
        ``goals_mean`` from :func:`alliance_scores`); for the session-level
        alternative, each rated session's ``wai_bond`` and ``wai_goals``.
        Missing values are allowed.

    Returns
    -------
    float
        The raw alpha (``psych::alpha(x)$total$raw_alpha``); NaN when the
        items' summed covariance is 0 (every answer identical), as in R.

    Notes
    -----
    With :math:`k` items and :math:`C` the item covariance matrix, each entry
    computed from the rows where both items are present (R's
    ``cov(x, use = "pairwise")``, :math:`n - 1` denominator),

    .. math::
        \\alpha = \\frac{k}{k - 1}
        \\left(1 - \\frac{\\operatorname{tr} C}{\\sum_{ij} C_{ij}}\\right)

    A row with one item missing still counts towards the other item's
    variance. Pingouin's ``cronbach_alpha(nan_policy="pairwise")`` computes
    exactly this.

    References
    ----------
    Cronbach, L. J. (1951). Coefficient alpha and the internal structure of
    tests. *Psychometrika*, 16(3), 297–334. https://doi.org/10.1007/BF02310555

    Revelle, W. (2024). *psych: Procedures for Psychological, Psychometric, and
    Personality Research* (function ``alpha``).

    Examples
    --------
    >>> import pandas as pd
    >>> # R: psych::alpha(data.frame(b = c(5, 4, 3, 5), g = c(5, 3, 3, 4)))$total$raw_alpha
    >>> round(cronbach_alpha(pd.DataFrame({"b": [5, 4, 3, 5], "g": [5, 3, 3, 4]})), 6)
    0.9
    """
    if not isinstance(items, pd.DataFrame):
        raise ValueError(f"cronbach_alpha: expected a DataFrame, got {type(items).__name__}")
    if items.shape[1] < 2:
        raise ValueError("cronbach_alpha: needs at least two item columns")
    numbers = items.apply(pd.to_numeric, errors="coerce").astype("float64")
    if (items.notna() & numbers.isna()).any(axis=None):
        raise ValueError("cronbach_alpha: item values must be numeric")
    complete_pairs = numbers.notna().all(axis=1).sum()
    if complete_pairs < 2:
        raise ValueError(
            "cronbach_alpha: needs at least two rows with every item present to estimate "
            "the covariances"
        )
    with np.errstate(invalid="ignore", divide="ignore"):  # constant items: NaN, as in R
        alpha, _ = pg.cronbach_alpha(data=numbers, nan_policy="pairwise")
    return float(alpha)


def screened_positive(who5: pd.Series | Sequence[float], cutoff: float = WHO5_CUTOFF) -> pd.Series:
    """Screened positive for depressive symptoms: WHO-5 total at or below the cut-off.

    Parameters
    ----------
    who5 : pandas.Series or sequence of numbers
        WHO-5 totals on 0–100, complete.
    cutoff : float, default 28
        The paper's cut-off.

    Returns
    -------
    pandas.Series of bool
        True where ``who5 <= cutoff``.

    Notes
    -----
    .. math:: \\text{positive} = [\\text{WHO-5} \\le c], \\quad c = 28

    A total of 28 or less (raw score 7 or less of 25) indicates likely
    depression and is the conventional screening threshold.

    References
    ----------
    Topp, C. W., Østergaard, S. D., Søndergaard, S., & Bech, P. (2015). The WHO-5
    Well-Being Index: A systematic review of the literature. *Psychotherapy and
    Psychosomatics*, 84(3), 167–176.

    Examples
    --------
    >>> screened_positive([24, 28, 32]).tolist()
    [True, True, False]
    """
    totals = _as_totals(who5, "screened_positive")
    return (totals <= cutoff).rename("screened_positive")


def clinical_recovery(
    baseline: pd.Series | Sequence[float],
    followup: pd.Series | Sequence[float],
    cutoff: float = WHO5_CUTOFF,
) -> pd.Series:
    """Clinical recovery: screened positive at baseline and above the cut-off at follow-up.

    Parameters
    ----------
    baseline, followup : pandas.Series or sequence of numbers
        WHO-5 totals (0–100) of the same people, in the same order.
    cutoff : float, default 28

    Returns
    -------
    pandas.Series of bool
        True where ``baseline <= cutoff`` and ``followup > cutoff``; False for
        everyone else, including people who did not screen positive.

    Notes
    -----
    .. math:: \\text{recovered} = [b \\le c] \\wedge [f > c]

    A score moving from at-or-below to above the clinical cut-off.

    References
    ----------
    Topp, C. W., Østergaard, S. D., Søndergaard, S., & Bech, P. (2015). The WHO-5
    Well-Being Index: A systematic review of the literature. *Psychotherapy and
    Psychosomatics*, 84(3), 167–176.

    Examples
    --------
    >>> clinical_recovery([20, 28, 40], [32, 28, 60]).tolist()
    [True, False, False]
    """
    before, after = _paired_totals(baseline, followup, "clinical_recovery")
    positive = screened_positive(before, cutoff).to_numpy()
    above = (after > cutoff).to_numpy()
    return pd.Series(positive & above, index=before.index, name="recovered")


def clinical_improvement(
    baseline: pd.Series | Sequence[float],
    followup: pd.Series | Sequence[float],
    points: float = IMPROVEMENT_POINTS,
) -> pd.Series:
    """Clinical improvement: WHO-5 rose by at least ``points`` (default 10).

    Parameters
    ----------
    baseline, followup : pandas.Series or sequence of numbers
        WHO-5 totals (0–100) of the same people, in the same order.
    points : float, default 10
        Smallest change on the 0–100 scale that counts.

    Returns
    -------
    pandas.Series of bool
        True where ``followup - baseline >= points``.

    Notes
    -----
    .. math:: \\text{improved} = [f - b \\ge 10]

    Ten percentage points is the change Bech et al. regard as clinically
    relevant on the WHO-5. Totals move in steps of 4, so in practice this
    means a rise of 12 or more.

    References
    ----------
    Bech et al. (2007), as cited by Sagui-Henson et al. (2022) and by Topp et al.
    (2015) for the 10-point criterion (the paper's reference list is not in the
    project's copy, so the full entry is not repeated here).

    Topp, C. W., Østergaard, S. D., Søndergaard, S., & Bech, P. (2015). The WHO-5
    Well-Being Index: A systematic review of the literature. *Psychotherapy and
    Psychosomatics*, 84(3), 167–176.

    Examples
    --------
    >>> clinical_improvement([20, 20, 40], [28, 32, 28]).tolist()
    [False, True, False]
    """
    before, after = _paired_totals(baseline, followup, "clinical_improvement")
    change = after.to_numpy() - before.to_numpy()
    return pd.Series(change >= points, index=before.index, name="improved")
