"""The study's design, defined once: groups, window, cut-offs, Table 2's terms, moderators.

Every other module and every notebook imports these names instead of typing
the values again. The defaults are the paper's (Sagui-Henson et al., 2022;
``docs/raw-data-contract.md`` and ``docs/analysis-plan.md``); notebooks expose
the cohort ones as parameters (:data:`COHORT_PARAMETERS`), and a test keeps
each notebook's ``parameters`` cell equal to them.

Estimate *keys* are not here: they are built from these names by
:mod:`helpers.claims`, the registry of every number the notebooks write.
"""

from __future__ import annotations

__all__ = [
    "ALPHA_LEVEL",
    "COHORT_PARAMETERS",
    "CONF_LEVEL",
    "DUNN_PAIRS",
    "FLOW_STEPS",
    "IMPROVEMENT_POINTS",
    "MIN_AGE",
    "MIN_CELL_SIZE",
    "MIN_FOLLOWUP_DAYS",
    "MODERATORS",
    "RANK_SUM_COMPARISONS",
    "TABLE1_CONTINUOUS",
    "TABLE2_COVARIATES",
    "TABLE2_FOCAL",
    "TABLE2_TERMS",
    "TUKEY_PAIRS",
    "UTILIZATION_DUMMIES",
    "UTILIZATION_TYPES",
    "WHO5_CUTOFF",
    "WHO5_MAX",
    "WHO5_STEP",
    "WINDOW_END",
    "WINDOW_START",
    "WITHHOLD_EXTREMES",
    "RankSumComparison",
]

from typing import NamedTuple

# --- the cohort -------------------------------------------------------------

#: Utilization types in the paper's order (Table 1's columns): only therapists,
#: only coaches, at least one of each.
UTILIZATION_TYPES = ("therapy", "coaching", "both")
#: First and last day (inclusive) of the study window; sessions outside it are ignored.
WINDOW_START = "2020-09-29"
WINDOW_END = "2021-10-12"
#: Youngest eligible age at registration.
MIN_AGE = 18
#: Fewest days from the baseline to the follow-up WHO-5.
MIN_FOLLOWUP_DAYS = 7
#: Eligibility steps, in the order they are applied (each counted in the flow).
FLOW_STEPS = ("registered", "adult", "in_window_session", "baseline", "followup", "rated")

# --- WHO-5 -----------------------------------------------------------------

#: WHO-5 totals run from 0 to 100 in steps of 4 (the five 0–5 items summed, times 4).
WHO5_STEP = 4
WHO5_MAX = 100
#: WHO-5 total at or below which a person screens positive for depressive symptoms;
#: recovery is a follow-up above it.
WHO5_CUTOFF = 28
#: Smallest WHO-5 change (points on 0–100) that counts as clinical improvement.
IMPROVEMENT_POINTS = 10

#: The cohort parameters every analysis notebook declares: name -> (type, default).
#: ``helpers.data.cohort.derive_cohort`` takes the same names with the same defaults.
COHORT_PARAMETERS: dict[str, tuple[type, object]] = {
    "window_start": (str, WINDOW_START),
    "window_end": (str, WINDOW_END),
    "min_age": (int, MIN_AGE),
    "min_followup_days": (int, MIN_FOLLOWUP_DAYS),
    "who5_cutoff": (int, WHO5_CUTOFF),
    "improvement_points": (int, IMPROVEMENT_POINTS),
}

#: Significance and confidence levels of the paper's tests and intervals.
ALPHA_LEVEL = 0.05
CONF_LEVEL = 0.95

#: The fewest people a published statistic may describe (``min_cell_size``): smaller
#: cells are withheld (:mod:`helpers.report.disclosure`). Not the paper's: a common
#: small-cell threshold of statistical disclosure control.
MIN_CELL_SIZE = 5
#: Whether minima and maxima, each a single person's value, are withheld
#: (``withhold_extremes``). The paper prints them, so a replication shows them.
WITHHOLD_EXTREMES = False

# --- Table 1 ----------------------------------------------------------------

#: Table 1's continuous rows: key stem -> cohort column.
TABLE1_CONTINUOUS = {
    "alliance": "alliance_score",
    "followup_days": "followup_days",
    "sessions": "n_sessions",
    "time_in_care_days": "time_in_care_days",
}

# --- aim 1 -----------------------------------------------------------------


class RankSumComparison(NamedTuple):
    """One Wilcoxon rank-sum comparison of aim 1: W is the first group's U."""

    stem: str  # key stem, e.g. "aim1.sex"
    column: str  # cohort column the groups come from
    first: str  # group names, as the estimates' groups spell them
    second: str
    label: str  # the comparison's group in the estimates, e.g. "female vs male"
    values: dict | None = None  # column value -> group name, when they differ

    def groups(self, participants):
        """Each person's group name (missing or other values are in neither group)."""
        column = participants[self.column]
        return column.map(self.values) if self.values else column


#: Aim 1's rank-sum comparisons, in the paper's order.
RANK_SUM_COMPARISONS = (
    RankSumComparison("aim1.sex", "sex", "female", "male", "female vs male"),
    RankSumComparison("aim1.country", "country_group", "non_us", "us", "non_us vs us"),
    RankSumComparison(
        "aim1.baseline",
        "screened_positive",
        "screened_positive",
        "screened_negative",
        "positive vs negative",
        {True: "screened_positive", False: "screened_negative"},
    ),
)
#: Dunn's post hoc pairs of the Kruskal–Wallis test (Z is the first minus the second).
DUNN_PAIRS = (("coaching", "therapy"), ("coaching", "both"), ("therapy", "both"))

# --- aim 2 -----------------------------------------------------------------

#: Tukey HSD pairs of the one-way ANOVA of change (difference is the first minus the second).
TUKEY_PAIRS = (("both", "therapy"), ("both", "coaching"), ("therapy", "coaching"))

# --- aim 3 -----------------------------------------------------------------

#: Table 2's step-1 covariates, in its order (male = 1, female = 0).
TABLE2_COVARIATES = ("age", "male", "time_in_care_days", "who5_baseline")
#: The predictor step 2 adds.
TABLE2_FOCAL = "alliance_score"
#: Table 2's terms, in its order: model column -> the name its estimate keys use.
TABLE2_TERMS = {
    "Intercept": "intercept",
    "age": "age",
    "male": "sex_male",
    "time_in_care_days": "time_in_care",
    "who5_baseline": "baseline_who5",
    "alliance_score": "alliance",
}
#: The utilization dummies of the moderation model (therapy is the reference).
UTILIZATION_DUMMIES = ("coaching", "both")
#: The moderators of aim 3: model column -> the name its estimate keys use.
MODERATORS = {
    "utilization": "utilization",
    "who5_baseline": "baseline_who5",
    "n_sessions": "sessions",
}
