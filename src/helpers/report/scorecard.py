"""The scorecard: every printed number beside its replicated value, with a verdict.

A claim *matches as printed* when the replicated value rounds to what the
paper prints (:func:`helpers.report.verdicts.verdict`). Otherwise it is *within
sampling tolerance* when the distance to the printed interval is at most
``z`` standard errors of the replicated statistic, where the standard error
comes from the replicated results themselves (rules in :func:`standard_error`);
statistics without a usable standard error (p-values, minima, maxima, design
counts, SEs) either match or differ. For p-values the scorecard also says
whether the replication reaches the same decision at alpha = .05. A claim the
run wrote as missing (an empty value: the statistic is not estimable on
these data, e.g. an aliased regression term) is *not estimable on these
data*; one it withheld because it describes fewer than ``min_cell_size``
people (:mod:`helpers.report.disclosure`) is *withheld*; one the run never
wrote is *not computed*.

Only the report uses this module: it is the one place where the analysis
meets the published values.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from helpers import claims
from helpers.design import TABLE2_COVARIATES
from helpers.pipeline import results
from helpers.report.verdicts import (
    DIFFERS,
    MATCH,
    WITHIN,
    parse_printed,
    printed_number,
    verdict,
)

__all__ = [
    "NOT_COMPUTED",
    "NOT_ESTIMABLE",
    "VERDICTS",
    "WITHHELD",
    "counts",
    "notebook_of",
    "scorecard",
    "standard_error",
    "write",
]

#: A published number the run did not compute (no row in ``estimates.csv``).
NOT_COMPUTED = "not computed"
#: A published number the run wrote as missing: the data cannot support it (an empty value).
NOT_ESTIMABLE = "not estimable on these data"
#: A published number the run withheld: it describes fewer than ``min_cell_size`` people.
WITHHELD = "withheld (small cell)"
#: Verdicts in the order the report lists them.
VERDICTS = (MATCH, WITHIN, DIFFERS, NOT_ESTIMABLE, WITHHELD, NOT_COMPUTED)

_ALPHA = 0.05
_MEDIAN_SE = math.sqrt(math.pi / 2)  # SE(median) = 1.2533 SD / sqrt(n) under normality

Lookup = dict[tuple[str, str], float]


def _size(values: Lookup, key: str, group: str) -> float | None:
    """The number of people behind a statistic of ``key`` in ``group`` (:mod:`helpers.claims`)."""
    return claims.population_size(key, group, lambda k, g: values.get((k, g)))


def _sibling(values: Lookup, key: str, group: str, last: str) -> float | None:
    return values.get((key.rsplit(".", 1)[0] + "." + last, group))


def _change_sd(values: Lookup) -> float | None:
    """SD of the aim 2 change, from the mean, t and n (SD = mean sqrt(n) / t)."""
    mean = values.get(("aim2.change.mean", "screened_positive"))
    t = values.get(("aim2.change.t", "screened_positive"))
    n = values.get(("aim2.n", "screened_positive"))
    if None in (mean, t, n) or t == 0:
        return None
    return abs(mean) * math.sqrt(n) / abs(t)


def standard_error(key: str, group: str, statistic: str, values: Lookup) -> float | None:
    """The standard error of a replicated statistic, from the replicated results.

    Parameters
    ----------
    key, group : str
        The claim, as in the results contract.
    statistic : str
        The published values' ``statistic`` column (``mean``, ``sd``, ``b``, ...).
    values : dict
        Every replicated value, ``{(key, group): value}``.

    Returns
    -------
    float or None
        None where no standard error applies (p-values, minima and maxima,
        design counts, SEs, changes in R²) or an input is missing.

    Notes
    -----
    Large-sample rules, with :math:`n` the people behind the statistic and
    :math:`s` its SD: mean :math:`s/\\sqrt n`; SD :math:`s/\\sqrt{2(n-1)}`;
    median :math:`\\sqrt{\\pi/2}\\,s/\\sqrt n`; percentage :math:`p` of
    :math:`N` :math:`100\\sqrt{p(1-p)/N}` and its count :math:`\\sqrt{Np(1-p)}`;
    regression b and its CI bounds the model's SE, a standardized beta
    :math:`SE\\,|\\beta / b|`; Z 1; Spearman :math:`(1-\\rho^2)/\\sqrt{n-3}`;
    r :math:`1/\\sqrt N`; Cronbach's alpha of two items
    :math:`2(1-\\alpha)/\\sqrt n` (van Zyl et al., 2000); Cohen's d
    :math:`\\sqrt{1/n + d^2/(2n)}`; H with df :math:`k` and noncentrality
    :math:`\\lambda = \\max(H - k, 0)`: :math:`\\sqrt{2(k + 2\\lambda)}`, and
    likewise for :math:`F \\cdot df_1`; eta² from H: SE(H)/(n - 3); W
    :math:`\\sqrt{n_1 n_2 (n_1 + n_2 + 1)/12}`; R² (Olkin & Finn, 1995)
    :math:`\\sqrt{4R^2(1-R^2)^2(n-k-1)^2/((n^2-1)(n+3))}`. The SD of a
    subgroup's alliance median is the overall alliance SD; that of a
    subgroup's change is the overall SD of change.

    References
    ----------
    van Zyl, J. M., Neudecker, H., & Nel, D. G. (2000). On the distribution of
    the maximum likelihood estimator of Cronbach's alpha. *Psychometrika*,
    65(3), 271-280.

    Olkin, I., & Finn, J. D. (1995). Correlations redux. *Psychological
    Bulletin*, 118(1), 155-164.
    """
    value = values.get((key, group))
    if value is None:
        return None
    n = _size(values, key, group)
    if statistic in ("mean", "sd", "median"):
        sd = _sibling(values, key, group, "sd")
        if key.startswith("aim1.") and sd is None:
            sd = values.get(("aim1.alliance.sd", "all"))
        if key.startswith("aim2.change"):
            sd = _change_sd(values)
        if sd is None or not n or n < 2:
            return None
        if statistic == "sd":
            return value / math.sqrt(2 * (n - 1))
        return (_MEDIAN_SE if statistic == "median" else 1.0) * sd / math.sqrt(n)
    if statistic in ("percent", "n"):
        if statistic == "percent":
            count, percent = _sibling(values, key, group, "n"), value
        else:
            count, percent = value, _sibling(values, key, group, "pct")
        if count is None or not percent:
            return None
        share, total = percent / 100, count * 100 / percent
        spread = math.sqrt(total * share * (1 - share))
        return 100 * spread / total if statistic == "percent" else spread
    if statistic in ("b", "ci_low", "ci_high", "beta"):
        if key.startswith("aim2."):
            sd = _change_sd(values)
            return None if sd is None or not n else sd / math.sqrt(n)
        se = _sibling(values, key, group, "se")
        if se is None:
            return None
        if statistic == "beta" and not key.startswith("aim3.moderation"):
            b = _sibling(values, key, group, "b")
            return None if not b else se * abs(value / b)
        return se
    return _test_statistic_se(key, group, statistic, value, n, values)


def _test_statistic_se(
    key: str, group: str, statistic: str, value: float, n: float | None, values: Lookup
) -> float | None:
    if statistic == "Z":
        return 1.0
    if n is None or n < 4:
        return None
    if statistic == "rho":
        return (1 - value**2) / math.sqrt(n - 3)
    if statistic == "r":
        return 1 / math.sqrt(n)
    if statistic == "alpha":
        return 2 * (1 - value) / math.sqrt(n)
    if statistic == "d":
        return math.sqrt(1 / n + value**2 / (2 * n))
    if statistic in ("chi-square", "eta-squared"):
        h = values.get(("aim1.utilization.kruskal.H", group))
        if h is None:
            return None
        se_h = math.sqrt(2 * (2 + 2 * max(h - 2, 0)))
        return se_h if statistic == "chi-square" else se_h / (n - 3)
    if statistic == "F":
        df1 = values.get(("aim2.anova.df1", group), 2.0)
        return math.sqrt(2 * (df1 + 2 * max(value * df1 - df1, 0))) / df1
    if statistic == "W":
        lookup = lambda k, g: values.get((k, g))  # noqa: E731
        n1, n2 = (claims.subgroup_size(part, lookup) for part in claims.pair_groups(group))
        if n1 is None or n2 is None:
            return None
        return math.sqrt(n1 * n2 * (n1 + n2 + 1) / 12)
    if statistic == "R2":
        # predictors: Table 2's covariates, plus alliance beyond step 1
        k = len(TABLE2_COVARIATES) + (0 if key.startswith("aim3.covariates.") else 1)
        numerator = 4 * value * (1 - value) ** 2 * (n - k - 1) ** 2
        return math.sqrt(numerator / ((n**2 - 1) * (n + 3)))
    return None


def notebook_of(output_dir: str | Path) -> dict[tuple[str, str], str]:
    """Which notebook computed each key and group, from the parts under ``estimates/``."""
    mapping = {}
    for part in sorted((Path(output_dir) / "estimates").glob("*.csv")):
        frame = pd.read_csv(part, dtype=str, keep_default_na=False)
        for key, group in zip(frame["key"], frame["group"], strict=True):
            mapping[(key, group)] = part.stem
    return mapping


def _aim(key: str) -> str:
    first = key.split(".", 1)[0]
    return {"cohort": "Cohort", "table1": "Cohort"}.get(first, first.replace("aim", "Aim "))


def _table(source: str) -> str:
    for table in ("Table 1", "Table 2"):
        if table in source:
            return table
    return "Text only"


def scorecard(
    estimates: pd.DataFrame,
    published: pd.DataFrame,
    notebooks: dict[tuple[str, str], str] | None = None,
    z: float = 1.96,
) -> pd.DataFrame:
    """Join the replicated estimates with the published values, one row per published claim.

    Parameters
    ----------
    estimates : pandas.DataFrame
        ``key``, ``group``, ``value`` (the run's ``estimates.csv``; a missing
        value is empty or NaN), and ``note`` (why a value is missing).
    published : pandas.DataFrame
        ``key``, ``label``, ``group``, ``reported`` (text as printed),
        ``statistic``, ``source`` (``data/published_values.csv``).
    notebooks : dict, optional
        ``{(key, group): notebook}`` (:func:`notebook_of`).
    z : float, default 1.96
        Standard errors allowed for "within sampling tolerance".

    Returns
    -------
    pandas.DataFrame
        In the published order: ``key``, ``group``, ``label`` (the claim in
        words), ``aim``, ``table``, ``statistic``, ``printed``, ``replicated``, ``difference``
        (replicated minus printed; empty for a printed bound), ``tolerance``,
        ``verdict``, ``same_decision`` (p-values: both on the same side of
        .05), ``notebook``.
    """
    if z < 0:
        raise ValueError(f"scorecard: z must not be negative, got {z}")
    for name, frame, needed in (
        ("estimates", estimates, {"key", "group", "value"}),
        ("published", published, {"key", "label", "group", "reported", "statistic", "source"}),
    ):
        missing = needed - set(frame.columns)
        if missing:
            raise ValueError(f"scorecard: {name} lacks column(s) {sorted(missing)}")
    written = list(zip(estimates["key"], estimates["group"], estimates["value"], strict=True))
    values: Lookup = {(k, g): number for k, g, v in written if (number := _number(v)) is not None}
    missing = {(k, g) for k, g, v in written if _number(v) is None}
    notes = estimates["note"] if "note" in estimates.columns else pd.Series("", estimates.index)
    held = {
        (k, g)
        for (k, g, v), note in zip(written, notes, strict=True)
        if _number(v) is None and isinstance(note, str) and note.startswith(results.WITHHELD)
    }
    rows = []
    for row in published.itertuples(index=False):
        claim = (row.key, row.group)
        value = values.get(claim)
        printed = parse_printed(row.reported)
        se = standard_error(row.key, row.group, row.statistic, values)
        tolerance = None if se is None else z * se
        if value is None:
            judged = (
                WITHHELD if claim in held else NOT_ESTIMABLE if claim in missing else NOT_COMPUTED
            )
            difference, same = None, None
        else:
            judged = verdict(row.reported, value, tolerance)
            difference = None if printed.decimals is None else value - printed_number(row.reported)
            same = None
            if row.statistic == "p":
                same = (value < _ALPHA) == (printed_number(row.reported) < _ALPHA)
        rows.append(
            {
                "key": row.key,
                "group": row.group,
                "label": row.label,
                "aim": _aim(row.key),
                "table": _table(row.source),
                "statistic": row.statistic,
                "printed": row.reported,
                "replicated": value,
                "difference": difference,
                "tolerance": tolerance,
                "verdict": judged,
                "same_decision": same,
                "notebook": (notebooks or {}).get(claim, ""),
            }
        )
    return pd.DataFrame(rows)


def _number(value: object) -> float | None:
    """An estimate's value as a float; None for a missing one (an empty cell, NaN)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    number = float(value)
    return None if math.isnan(number) else number


def write(card: pd.DataFrame, output_dir: str | Path) -> Path:
    """Write ``<output_dir>/scorecard.csv`` (unrounded values, 17 significant digits)."""
    path = Path(output_dir) / "scorecard.csv"
    card.to_csv(path, index=False, float_format="%.17g", lineterminator="\n")
    return path


def counts(card: pd.DataFrame, by: str) -> pd.DataFrame:
    """Claims per verdict, for each value of ``by`` (``"aim"`` or ``"table"``), with a total row."""
    if by not in card.columns:
        raise ValueError(f"counts: no column {by!r} in the scorecard")
    table = pd.crosstab(card[by], pd.Categorical(card["verdict"], categories=VERDICTS))
    table = table.reindex(columns=list(VERDICTS), fill_value=0)
    table.columns = list(VERDICTS)
    table["claims"] = table.sum(axis=1)
    table.loc["All"] = table.sum()
    table.index.name = by
    return table.astype(int)
