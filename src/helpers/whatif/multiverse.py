"""Robustness of the paper's conclusions to other reasonable analysis choices (a multiverse).

Every combination of the choices in :data:`CHOICES` is one *specification*:
the cohort is re-derived from the raw data with its screen, window and
minimum follow-up, the alliance score is formed its way, aim 3 treats missing
sex its way, and the key tests are re-run. Each of the paper's conclusions
(:data:`CONCLUSIONS`) is then judged in each specification, and
:func:`agreement` counts the specifications that agree.

Only the cohort-shaping choices require a new derivation; the rest re-use the
cohort, so the default multiverse of 144 specifications derives 18 cohorts.

References
----------
Steegen, S., Tuerlinckx, F., Gelman, A., & Vanpaemel, W. (2016). Increasing
transparency through a multiverse analysis. *Perspectives on Psychological
Science*, 11(5), 702-712.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pandas as pd

from helpers.data.cohort import Cohort, derive_cohort
from helpers.data.rawdata import RawData
from helpers.data.scoring import session_averaged_alliance
from helpers.design import (
    MIN_FOLLOWUP_DAYS,
    MODERATORS,
    TABLE2_COVARIATES,
    WHO5_CUTOFF,
    WHO5_STEP,
    WINDOW_END,
    WINDOW_START,
)
from helpers.stats.change import oneway_anova, paired_change
from helpers.stats.nonparametric import kruskal_wallis, spearman_test, wilcoxon_rank_sum
from helpers.stats.regression import aim3_data, hierarchical_regression, moderation

__all__ = [
    "CHOICES",
    "CONCLUSIONS",
    "agreement",
    "choices_table",
    "run_multiverse",
    "specification_results",
]

#: Each choice: its name, then the options (label -> value); the paper's option first.
CHOICES: dict[str, dict[str, object]] = {
    "WHO-5 screen": {
        f"<= {WHO5_CUTOFF} (paper)": WHO5_CUTOFF,
        f"< {WHO5_CUTOFF}": WHO5_CUTOFF - WHO5_STEP,  # totals move in steps of 4
    },
    "study window": {
        f"{WINDOW_START} to {WINDOW_END} (paper)": (WINDOW_START, WINDOW_END),
        "from 2021-01-01": ("2021-01-01", WINDOW_END),
        "to 2021-06-30": (WINDOW_START, "2021-06-30"),
    },
    "minimum follow-up": {
        f"{MIN_FOLLOWUP_DAYS} days (paper)": MIN_FOLLOWUP_DAYS,
        "14 days": 14,
        "28 days": 28,
    },
    "alliance score": {"items pooled (paper)": "pooled", "mean of session means": "sessions"},
    "missing sex (aim 3)": {"complete cases (paper)": "drop", "own category": "category"},
    "Cohen's d": {"d_av (paper)": "d_av", "d_z": "d_z"},
}
_COHORT_CHOICES = ("WHO-5 screen", "study window", "minimum follow-up")


#: The paper's conclusions, each a rule on one specification's results.
CONCLUSIONS: dict[str, Callable[[dict, float], bool]] = {
    "aim 1: women rate alliance higher than men": lambda r, a: (
        r["sex_p"] < a and r["sex_W"] > r["sex_W_null"]
    ),
    "aim 1: alliance differs by provider type, coaching highest": lambda r, a: (
        r["kruskal_p"] < a and r["highest_group"] == "coaching"
    ),
    "aim 1: alliance is unrelated to age": lambda r, a: r["age_p"] >= a,
    "aim 1: alliance does not differ by country": lambda r, a: r["country_p"] >= a,
    "aim 1: alliance does not differ by baseline screen": lambda r, a: r["baseline_p"] >= a,
    "aim 2: well-being improves, with a large effect (d >= 0.8)": lambda r, a: (
        r["change_p"] < a and r["change"] > 0 and r["cohen_d"] >= 0.8
    ),
    "aim 2: improvement differs by provider type": lambda r, a: r["anova_p"] < a,
    "aim 3: alliance predicts follow-up well-being": lambda r, a: (
        r["alliance_p"] < a and r["alliance_b"] > 0
    ),
    "aim 3: no moderation by provider type, baseline or sessions": lambda r, a: (
        r["moderation_min_p"] >= a
    ),
}


def choices_table(choices: dict[str, dict[str, object]] = CHOICES) -> pd.DataFrame:
    """The choices and their options, for display."""
    return pd.DataFrame(
        [(name, "; ".join(options)) for name, options in choices.items()],
        columns=["choice", "options (the paper's first)"],
    )


def _with_alliance(cohort: Cohort, how: str) -> pd.DataFrame:
    participants = cohort.participants
    if how == "pooled":
        return participants
    averaged = session_averaged_alliance(cohort.ratings)
    return participants.assign(
        alliance_score=participants["participant_id"].map(averaged).astype(float)
    )


def specification_results(
    participants: pd.DataFrame, missing_sex: str, d_variant: str
) -> dict[str, object]:
    """The key test results of one specification, from its analysed people.

    Returns
    -------
    dict
        p-values and estimates named as :data:`CONCLUSIONS` reads them, and
        the sample sizes ``n_analysed``, ``n_positive``, ``n_aim3``.
    """
    alliance = participants["alliance_score"].astype(float)
    sex, results = participants["sex"], {}
    female, male = alliance[sex == "female"], alliance[sex == "male"]
    test = wilcoxon_rank_sum(female, male)
    results |= {"sex_p": test["p"], "sex_W": test["W"], "sex_W_null": len(female) * len(male) / 2}
    groups = participants["utilization"].astype(str)
    results["kruskal_p"] = kruskal_wallis(alliance, groups)["p"]
    results["highest_group"] = alliance.groupby(groups).mean().idxmax()
    results["age_p"] = spearman_test(participants["age"].astype(float), alliance)["p"]
    country = participants["country_group"]
    results["country_p"] = wilcoxon_rank_sum(
        alliance[country == "non_us"], alliance[country == "us"]
    )["p"]
    positive = participants["screened_positive"].astype(bool)
    results["baseline_p"] = wilcoxon_rank_sum(alliance[positive], alliance[~positive])["p"]
    screened = participants[positive]
    change = paired_change(
        screened["who5_baseline"].astype(float), screened["who5_followup"].astype(float)
    )
    results |= {
        "change": change["mean_change"],
        "change_p": change["p"],
        "cohen_d": change["cohen_d_av" if d_variant == "d_av" else "cohen_d_z"],
    }
    results["anova_p"] = oneway_anova(
        screened["who5_change"].astype(float), screened["utilization"].astype(str)
    )["p"]
    data = aim3_data(participants, missing_sex=missing_sex)
    covariates = list(TABLE2_COVARIATES)
    if missing_sex == "category":
        covariates.insert(2, "sex_missing")
    coefficients, _ = hierarchical_regression(data, covariates=covariates)
    alliance_row = coefficients[
        (coefficients["step"] == 2) & (coefficients["term"] == "alliance_score")
    ].iloc[0]
    results |= {"alliance_b": alliance_row["b"], "alliance_p": alliance_row["p"]}
    results["moderation_min_p"] = min(
        moderation(data, moderator, covariates=covariates)[0]["p"].min() for moderator in MODERATORS
    )
    results |= {"n_analysed": len(participants), "n_positive": len(screened), "n_aim3": len(data)}
    return results


def run_multiverse(
    raw: RawData, choices: dict[str, dict[str, object]] = CHOICES, alpha: float = 0.05
) -> pd.DataFrame:
    """Every specification's results and whether it agrees with each conclusion.

    Parameters
    ----------
    raw : RawData
        The raw data (:func:`helpers.data.rawdata.load_raw`).
    choices : dict
        Choice name to options (label -> value), as :data:`CHOICES`; the
        six names of :data:`CHOICES` must all be present.
    alpha : float, default 0.05

    Returns
    -------
    pandas.DataFrame
        One row per specification: a column per choice (the option's label),
        the results of :func:`specification_results`, and one boolean column
        per conclusion. Aggregates only.
    """
    if set(choices) != set(CHOICES):
        raise ValueError(f"run_multiverse: choices must name exactly {sorted(CHOICES)}")
    if not 0 < alpha < 1:
        raise ValueError(f"run_multiverse: alpha must be between 0 and 1, got {alpha}")
    rows = []
    cohort_options = [list(choices[name].items()) for name in _COHORT_CHOICES]
    other_names = [name for name in CHOICES if name not in _COHORT_CHOICES]
    other_options = [list(choices[name].items()) for name in other_names]
    for (screen, cutoff), (window, (start, end)), (follow, days) in itertools.product(
        *cohort_options
    ):
        cohort = derive_cohort(
            raw, who5_cutoff=cutoff, window_start=start, window_end=end, min_followup_days=days
        )
        scored = {how: _with_alliance(cohort, how) for how in ("pooled", "sessions")}
        for (a_label, how), (s_label, missing), (d_label, variant) in itertools.product(
            *other_options
        ):
            results = specification_results(scored[how], missing, variant)
            labels = dict(zip(_COHORT_CHOICES, (screen, window, follow), strict=True))
            labels |= dict(zip(other_names, (a_label, s_label, d_label), strict=True))
            verdicts = {name: bool(rule(results, alpha)) for name, rule in CONCLUSIONS.items()}
            rows.append({**labels, **results, **verdicts})
    return pd.DataFrame(rows)


def agreement(specifications: pd.DataFrame) -> pd.DataFrame:
    """How many specifications agree with each conclusion.

    Returns
    -------
    pandas.DataFrame
        Per conclusion: ``agree``, ``specifications``, ``share``, and whether
        the paper's own specification (every first option) agrees.
    """
    paper = specifications
    for name, options in CHOICES.items():
        paper = paper[paper[name] == next(iter(options))]
    rows = []
    for conclusion in CONCLUSIONS:
        agree = int(specifications[conclusion].sum())
        rows.append(
            {
                "conclusion": conclusion,
                "agree": agree,
                "specifications": len(specifications),
                "share": agree / len(specifications),
                "paper's specification": bool(paper[conclusion].iloc[0]) if len(paper) else None,
            }
        )
    return pd.DataFrame(rows)
